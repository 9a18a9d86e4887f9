#include "tmkit/lda/hyperparameters.hpp"

#include <cmath>

#include "tmkit/core/error.hpp"
#include "tmkit/core/special.hpp"

namespace tmkit {
namespace {
constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxHalvings = 60;            // 2^-60: below any useful step
constexpr double kRelativeStepTol = 1e-12;  // stop once steps no longer change a in 12 digits
constexpr double kFlatStep = 1e-6;  // below this relative step f's change is lost in its rounding

}  // namespace

double dirichlet_objective(double n_groups, const arma::vec& a, const arma::vec& suff) {
  double sum = 0.0, value = 0.0;
  for (std::size_t k = 0; k < a.n_elem; ++k) {
    sum += a[k];
    value += -n_groups * log_gamma(a[k]) + (a[k] - 1.0) * suff[k];
  }
  return value + n_groups * log_gamma(sum);
}

arma::vec fit_dirichlet_asymmetric(double n_groups, const arma::vec& suff, arma::vec a) {
  if (a.n_elem != suff.n_elem || a.n_elem == 0) {
    throw UsageError("fit_dirichlet_asymmetric: start has " + std::to_string(a.n_elem) +
                     " entries and statistics " + std::to_string(suff.n_elem));
  }
  const std::size_t dim = a.n_elem;
  const auto gradient_at = [&](const arma::vec& x) {
    arma::vec g(dim);
    const double psi_total = digamma(arma::accu(x));
    for (std::size_t k = 0; k < dim; ++k) g[k] = n_groups * (psi_total - digamma(x[k])) + suff[k];
    return g;
  };
  double current = dirichlet_objective(n_groups, a, suff);
  arma::vec gradient = gradient_at(a), h(dim), step(dim);
  for (int iteration = 0; iteration < kMaxNewtonSteps; ++iteration) {
    const double total = arma::accu(a);
    for (std::size_t k = 0; k < dim; ++k) h[k] = -n_groups * trigamma(a[k]);
    // Hessian = diag(h) + z 1 1^T; its inverse applied to g (Minka 2000, eq. 13-14).
    const double z = n_groups * trigamma(total);
    double g_over_h = 0.0, inv_h = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      g_over_h += gradient[k] / h[k];
      inv_h += 1.0 / h[k];
    }
    const double b = g_over_h / (1.0 / z + inv_h);
    for (std::size_t k = 0; k < dim; ++k) step[k] = (gradient[k] - b) / h[k];
    // a_new = a - step; halve the step until a stays positive and f does not decrease. Near the
    // optimum f is flat to below its rounding noise, so a step whose f cannot be told from the
    // current one is also taken when it shrinks the gradient (the change in f is then far below
    // any digit f carries).
    double scale = 1.0;
    arma::vec candidate(dim), candidate_gradient(dim);
    bool accepted = false;
    for (int halving = 0; halving < kMaxHalvings; ++halving, scale *= 0.5) {
      candidate = a - scale * step;
      if (candidate.min() <= 0.0) continue;
      const double value = dirichlet_objective(n_groups, candidate, suff);
      candidate_gradient = gradient_at(candidate);
      const bool tiny = arma::max(arma::abs(candidate - a) / a) < kFlatStep;
      if (value >= current || (tiny && arma::norm(candidate_gradient) < arma::norm(gradient))) {
        accepted = true;
        current = std::max(current, value);
        break;
      }
    }
    if (!accepted) break;
    const double moved = arma::max(arma::abs(candidate - a) / a);
    a = candidate;
    gradient = candidate_gradient;
    if (moved < kRelativeStepTol) break;
  }
  return a;
}

double fit_dirichlet_symmetric(double n_groups, std::size_t dim, double suff_sum, double c) {
  // f'(c) = n d (psi(d c) - psi(c)) + S falls monotonically (f is concave), so the maximiser is
  // its root: Newton's method on f' inside a bracket that bisection keeps valid.
  const double d = static_cast<double>(dim);
  const auto slope = [&](double x) {
    return n_groups * d * (digamma(d * x) - digamma(x)) + suff_sum;
  };
  if (dim < 2) return c;           // f is linear in c: no interior maximum to move to
  double lo = 0.0, hi = HUGE_VAL;  // f'(lo) > 0 > f'(hi)
  double g = slope(c);
  for (int iteration = 0; iteration < kMaxNewtonSteps * 2 && g != 0.0; ++iteration) {
    if (g > 0)
      lo = c;
    else
      hi = c;
    const double curvature = n_groups * d * (d * trigamma(d * c) - trigamma(c));
    double next = c - g / curvature;
    if (!(next > lo && next < hi)) next = std::isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * c;
    if (std::fabs(next - c) <= kRelativeStepTol * c) {
      c = next;
      break;
    }
    c = next;
    g = slope(c);
  }
  return c;
}

}  // namespace tmkit
