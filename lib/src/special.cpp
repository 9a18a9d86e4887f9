#include "tmkit/special.hpp"

#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>

namespace tmkit {

namespace {

// psi(x) = log(y) - r: y = x + 8 (or x itself when large) and r gathers the rest, so that callers
// that want exp(psi(x)) can skip the logarithm.
struct DigammaParts {
  double y;
  double rest;
};

DigammaParts digamma_parts(double x) noexcept {
  // psi(x) = psi(x + 8) - sum_{i=0}^{7} 1/(x + i). The sum is P'(x)/P(x) with P(x) = prod (x + i),
  // built by the product rule in one pass: one division instead of eight dependent ones. Beyond
  // kNoShiftFrom the series alone is accurate and P could overflow.
  constexpr double kShift = 8.0;
  constexpr double kNoShiftFrom = 1e15;
  double shift_sum = 0.0;
  if (x < kNoShiftFrom) {
    double p = 1.0, dp = 0.0;
    for (int i = 0; i < 8; ++i) {
      const double term = x + i;
      dp = dp * term + p;
      p *= term;
    }
    shift_sum = dp / p;
    x += kShift;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  // Asymptotic series (A&S 6.3.18) through B16; at x >= 8 the first omitted term, B18/(18 x^18),
  // is below 2e-16. B2/2 = 1/12, B4/4 = -1/120, B6/6 = 1/252, B8/8 = -1/240, B10/10 = 1/132,
  // B12/12 = -691/32760, B14/14 = 1/12, B16/16 = -3617/8160 (A&S Table 23.2).
  const double series =
      inv2 *
      (1.0 / 12 -
       inv2 * (1.0 / 120 -
               inv2 * (1.0 / 252 -
                       inv2 * (1.0 / 240 -
                               inv2 * (1.0 / 132 -
                                       inv2 * (691.0 / 32760 -
                                               inv2 * (1.0 / 12 - inv2 * (3617.0 / 8160))))))));
  return {x, 0.5 * inv + series + shift_sum};
}

}  // namespace

double digamma(double x) noexcept {
  const DigammaParts parts = digamma_parts(x);
  return std::log(parts.y) - parts.rest;
}

double exp_digamma_minus(double x, double c) noexcept {
  const DigammaParts parts = digamma_parts(x);
  return parts.y * std::exp(-parts.rest - c);
}

double log_gamma(double x) noexcept {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

double trigamma(double x) { return boost::math::trigamma(x); }

}  // namespace tmkit
