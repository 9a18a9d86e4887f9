#include "tmkit/hyperparameters.hpp"

#include <cmath>

#include "tmkit/error.hpp"
#include "tmkit/special.hpp"

namespace tmkit {
namespace {
constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxHalvings = 60;          // 2^-60: below any useful step
constexpr double kRelativeStepTol = 1e-12;  // stop once steps no longer change a in 12 digits

double symmetric_objective(double n_groups, std::size_t dim, double suff_sum, double c) {
  const double d = static_cast<double>(dim);
  return n_groups * (log_gamma(d * c) - d * log_gamma(c)) + (c - 1.0) * suff_sum;
}
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
  double current = dirichlet_objective(n_groups, a, suff);
  arma::vec gradient(dim), h(dim), step(dim);
  for (int iteration = 0; iteration < kMaxNewtonSteps; ++iteration) {
    const double total = arma::accu(a);
    const double psi_total = digamma(total);
    for (std::size_t k = 0; k < dim; ++k) {
      gradient[k] = n_groups * (psi_total - digamma(a[k])) + suff[k];
      h[k] = -n_groups * trigamma(a[k]);
    }
    // Hessian = diag(h) + z 1 1^T; its inverse applied to g (Minka 2000, eq. 13-14).
    const double z = n_groups * trigamma(total);
    double g_over_h = 0.0, inv_h = 0.0;
    for (std::size_t k = 0; k < dim; ++k) {
      g_over_h += gradient[k] / h[k];
      inv_h += 1.0 / h[k];
    }
    const double b = g_over_h / (1.0 / z + inv_h);
    for (std::size_t k = 0; k < dim; ++k) step[k] = (gradient[k] - b) / h[k];
    // a_new = a - step; halve the step until a stays positive and f does not decrease.
    double scale = 1.0;
    arma::vec candidate(dim);
    bool accepted = false;
    for (int halving = 0; halving < kMaxHalvings; ++halving, scale *= 0.5) {
      candidate = a - scale * step;
      if (candidate.min() <= 0.0) continue;
      const double value = dirichlet_objective(n_groups, candidate, suff);
      if (value >= current) {
        accepted = true;
        current = value;
        break;
      }
    }
    if (!accepted) break;
    const double moved = arma::max(arma::abs(candidate - a) / a);
    a = candidate;
    if (moved < kRelativeStepTol) break;
  }
  return a;
}

double fit_dirichlet_symmetric(double n_groups, std::size_t dim, double suff_sum, double c) {
  const double d = static_cast<double>(dim);
  double current = symmetric_objective(n_groups, dim, suff_sum, c);
  for (int iteration = 0; iteration < kMaxNewtonSteps; ++iteration) {
    const double gradient = n_groups * d * (digamma(d * c) - digamma(c)) + suff_sum;
    const double hessian = n_groups * d * (d * trigamma(d * c) - trigamma(c));
    if (!(hessian < 0.0)) break;  // concave everywhere for dim >= 2; guards dim = 1
    const double step = gradient / hessian;
    double scale = 1.0, candidate = c;
    bool accepted = false;
    for (int halving = 0; halving < kMaxHalvings; ++halving, scale *= 0.5) {
      candidate = c - scale * step;
      if (candidate <= 0.0) continue;
      const double value = symmetric_objective(n_groups, dim, suff_sum, candidate);
      if (value >= current) {
        accepted = true;
        current = value;
        break;
      }
    }
    if (!accepted) break;
    const double moved = std::fabs(candidate - c) / c;
    c = candidate;
    if (moved < kRelativeStepTol) break;
  }
  return c;
}

}  // namespace tmkit
