// Special functions of the variational updates: digamma (psi) in the hot loops, log-gamma and
// trigamma where Boost.Math and the C library already serve.
#pragma once

namespace tmkit {

/// psi(x) = d/dx log Gamma(x) for x > 0, to within a few ulp: the recurrence
/// psi(x) = psi(x + 8) - sum_{i<8} 1/(x + i) (the sum formed as P'/P with one division), then the
/// asymptotic series psi(x) = ln x - 1/(2x) - sum_{n=1}^{8} B_{2n} / (2n x^{2n}) (Abramowitz &
/// Stegun 6.3.18), whose first omitted term is below 2e-16 at x = 8.
/// tests/unit/core/special_test.cpp bounds its error against boost::math::digamma. It exists
/// because the E-step calls it K + 1 times per document per iteration and Boost's general-purpose
/// version dominated the profile there.
double digamma(double x) noexcept;

/// exp(psi(x) - c) for x > 0, without a logarithm: psi(x) = log(y) - r with y = x + 8 (see
/// digamma), so the value is y exp(-r - c). Same accuracy as exp(digamma(x) - c); used by the
/// E-step's inner iteration, which needs only exp(E[log theta]).
double exp_digamma_minus(double x, double c) noexcept;

/// log Gamma(x) for x > 0 (thread-safe: lgamma_r, never the global signgam).
double log_gamma(double x) noexcept;

/// psi'(x) for x > 0 (Boost.Math); used only by Newton steps on the priors.
double trigamma(double x);

}  // namespace tmkit
