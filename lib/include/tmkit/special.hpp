// Special functions of the variational updates: digamma (psi) in the hot loops, log-gamma and
// trigamma where Boost.Math and the C library already serve.
#pragma once

namespace tmkit {

/// psi(x) = d/dx log Gamma(x) for x > 0, to within a few ulp: the recurrence
/// psi(x) = psi(x + 1) - 1/x lifts x to >= 10, then the asymptotic series
/// psi(x) = ln x - 1/(2x) - sum_{n=1}^{7} B_{2n} / (2n x^{2n})   (Abramowitz & Stegun 6.3.18)
/// whose first omitted term is below 1e-16 at x = 10. tests/unit/special_test.cpp bounds its error
/// against boost::math::digamma. It exists because the E-step calls it K + 1 times per document
/// per iteration and Boost's general-purpose version was the largest single cost there.
double digamma(double x) noexcept;

/// log Gamma(x) for x > 0 (thread-safe: lgamma_r, never the global signgam).
double log_gamma(double x) noexcept;

/// psi'(x) for x > 0 (Boost.Math); used only by Newton steps on the priors.
double trigamma(double x);

}  // namespace tmkit
