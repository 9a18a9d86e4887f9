#include "tmkit/core/special.hpp"

#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>

#include "detail/digamma_parts.hpp"

namespace tmkit {

namespace {

// psi(x) = log(y) - r: y = x + 8 (or x itself when large) and r gathers the rest, so that callers
// that want exp(psi(x)) can skip the logarithm. Beyond kNoShiftFrom the asymptotic series alone
// is accurate (and the shift's product could overflow).
detail::DigammaPartsOf<double> digamma_parts(double x) noexcept {
  constexpr double kNoShiftFrom = 1e15;
  if (x < kNoShiftFrom) return detail::shifted_digamma_parts(x);
  return {x, detail::asymptotic_digamma_rest(x)};
}

}  // namespace

double digamma(double x) noexcept {
  const auto parts = digamma_parts(x);
  return std::log(parts.y) - parts.rest;
}

double exp_digamma_minus(double x, double c) noexcept {
  const auto parts = digamma_parts(x);
  return parts.y * std::exp(-parts.rest - c);
}

double log_gamma(double x) noexcept {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

double trigamma(double x) { return boost::math::trigamma(x); }

}  // namespace tmkit
