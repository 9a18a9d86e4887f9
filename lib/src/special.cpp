#include "tmkit/special.hpp"

#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>

namespace tmkit {

double digamma(double x) noexcept {
  constexpr double kAsymptoticFrom = 10.0;  // first omitted series term < 1e-16 from here up
  double result = 0.0;
  while (x < kAsymptoticFrom) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  // B2/2 = 1/12, B4/4 = -1/120, B6/6 = 1/252, B8/8 = -1/240, B10/10 = 1/132,
  // B12/12 = -691/32760, B14/14 = 1/12 (Bernoulli numbers, A&S Table 23.2).
  const double series =
      inv2 * (1.0 / 12 -
              inv2 * (1.0 / 120 -
                      inv2 * (1.0 / 252 -
                              inv2 * (1.0 / 240 -
                                      inv2 * (1.0 / 132 -
                                              inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))));
  return result + std::log(x) - 0.5 * inv - series;
}

double log_gamma(double x) noexcept {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

double trigamma(double x) { return boost::math::trigamma(x); }

}  // namespace tmkit
