// psi(x) split as log(y) - rest, for one double (special.cpp) or four lanes (vector_special.hpp)
// from one definition. Private to lib/src.
#pragma once

namespace tmkit::detail {

template <class T>
struct DigammaPartsOf {
  T y;
  T rest;
};

/// The asymptotic part: psi(y) = log(y) - (1/(2y) + series), A&S 6.3.18 through B16; at y >= 8
/// the first omitted term, B18/(18 y^18), is below 2e-16. B2/2 = 1/12, B4/4 = -1/120,
/// B6/6 = 1/252, B8/8 = -1/240, B10/10 = 1/132, B12/12 = -691/32760, B14/14 = 1/12,
/// B16/16 = -3617/8160 (A&S Table 23.2). T is double or a GCC vector of doubles.
template <class T>
[[gnu::always_inline]] inline T asymptotic_digamma_rest(T y) noexcept {
  const T inv = 1.0 / y;
  const T inv2 = inv * inv;
  const T series =
      inv2 *
      (1.0 / 12 -
       inv2 * (1.0 / 120 -
               inv2 * (1.0 / 252 -
                       inv2 * (1.0 / 240 -
                               inv2 * (1.0 / 132 -
                                       inv2 * (691.0 / 32760 -
                                               inv2 * (1.0 / 12 - inv2 * (3617.0 / 8160))))))));
  return 0.5 * inv + series;
}

/// psi(x) = psi(x + 8) - sum_{i=0}^{7} 1/(x + i) for finite x > 0 below about 1e38 (P below
/// overflows beyond): the sum is P'(x)/P(x) with P(x) = prod (x + i), built by the product rule in
/// one pass, one division instead of eight dependent ones. Returns y = x + 8 and the rest.
template <class T>
[[gnu::always_inline]] inline DigammaPartsOf<T> shifted_digamma_parts(T x) noexcept {
  T p = x * 0.0 + 1.0, dp = x * 0.0;
  for (int i = 0; i < 8; ++i) {
    const T term = x + static_cast<double>(i);
    dp = dp * term + p;
    p = p * term;
  }
  const T y = x + 8.0;
  return {y, asymptotic_digamma_rest(y) + dp / p};
}

}  // namespace tmkit::detail
