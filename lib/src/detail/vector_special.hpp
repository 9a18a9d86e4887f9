// exp, psi and exp(psi(x) - c) on four (or eight) doubles at once, for the E-step's K-long loops
// and the topics' expectations (lda_estep.cpp), where std::exp and std::log one lane at a time cost
// as much as the word loops. Private to lib/src.
//
// GCC generic vectors: AVX-512 in an x86-64-v4 clone of the caller, AVX2 (with FMA) in the
// x86-64-v3 clone, SSE2 pairs in the baseline one. v4 and v3 do the same operations lane by lane
// (FMA in both) and give the same bits; the baseline, like the word loops, may differ from them in
// the last bits, never between runs or thread counts. psi is split as in the scalar digamma
// (detail/digamma_parts.hpp, one definition for both); tests/unit/core/special_test.cpp bounds exp
// against std::exp and exp(psi(x) - c) against the scalar one.
#pragma once

#include "digamma_parts.hpp"
#include "vector_log.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tmkit::detail {

/// Eight doubles: one AVX-512 register in code built for it, two AVX2 (or four SSE2) registers
/// elsewhere, with the same operations lane by lane, so the same bits either way.
using v8d = double __attribute__((vector_size(64)));

/// The signed integer vector as wide as V (what comparing two V gives).
template <class V>
using IntVectorOf = decltype(V{} < V{});

/// Every lane of V set to `value`.
template <class V>
[[gnu::always_inline]] inline V broadcast(double value) noexcept {
  return V{} + value;
}

/// exp of each lane (V = v4d or v8d), within 2 ulp of std::exp; 0 (or a subnormal) below -708,
/// and z <= 709.
template <class V>
[[gnu::always_inline]] inline V vector_exp(V z) noexcept {
  using I = IntVectorOf<V>;
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2High = 6.93147180369123816490e-01;  // 32 bits: n * kLn2High is exact
  constexpr double kLn2Low = 1.90821492927058770002e-10;
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  const V low = broadcast<V>(-746.0), high = broadcast<V>(709.0);
  z = z < low ? low : z;  // exp(-746) is 0 in double
  z = z > high ? high : z;
  const V shifted = z * kLog2e + kRound;
  const V n = shifted - kRound;                  // z / ln 2 to the nearest integer
  const V r = (z - n * kLn2High) - n * kLn2Low;  // |r| <= ln 2 / 2
  // Taylor series to r^13: the first omitted term is below 5e-18 of the result.
  V p = broadcast<V>(1.0 / 6227020800.0);
  constexpr double kInverseFactorial[13] = {1.0 / 479001600,
                                            1.0 / 39916800,
                                            1.0 / 3628800,
                                            1.0 / 362880,
                                            1.0 / 40320,
                                            1.0 / 5040,
                                            1.0 / 720,
                                            1.0 / 120,
                                            1.0 / 24,
                                            1.0 / 6,
                                            1.0 / 2,
                                            1.0,
                                            1.0};
  for (double c : kInverseFactorial) p = p * r + c;
  // 2^n as two normal factors 2^n1 2^n2 (n >= -1077), built from the integer in shifted's bits.
  const I n_int = (I)shifted - (I)broadcast<V>(kRound);
  const I n1 = n_int >> 1;
  const I n2 = n_int - n1;
  const V scale1 = (V)((n1 + 1023) << 52);
  const V scale2 = (V)((n2 + 1023) << 52);
  return p * scale1 * scale2;
}

[[gnu::always_inline]] inline v4d vector_exp4(v4d z) noexcept { return vector_exp(z); }

/// psi(x) of each lane, 0 < x < 1e15.
[[gnu::always_inline]] inline v4d vector_digamma4(v4d x) noexcept {
  const DigammaPartsOf<v4d> parts = shifted_digamma_parts(x);
  return vector_log4(parts.y) - parts.rest;
}

/// exp(psi(x) - c) of each lane (V = v4d or v8d), 0 < x < 1e15, without a logarithm.
template <class V>
[[gnu::always_inline]] inline V vector_exp_digamma_minus(V x, double c) noexcept {
  const DigammaPartsOf<V> parts = shifted_digamma_parts(x);
  return parts.y * vector_exp(-parts.rest - c);
}

}  // namespace tmkit::detail

#pragma GCC diagnostic pop
