// PSIS-LOO as R's loo 2.5.1 computes it (R/psis.R, R/gpdfit.R, R/loo.R, R/loo_compare.R): the same
// tail length, the same Zhang & Stephens grid and prior, the same truncation and normalisation.
#include "tmkit/selection/psis_loo.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Tails shorter than this are not fitted (loo's min_tail_length); k-hat is then +inf.
constexpr std::size_t kMinTailLength = 5;

double log_sum_exp(const double* x, std::size_t n) {
  const double top = *std::max_element(x, x + n);
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - top);
  return top + std::log(sum);
}

double mean_of(const std::vector<double>& values) {
  // R's mean: the sum divided by n, then refined by the mean of the residuals.
  long double sum = 0;
  for (const double v : values) sum += v;
  long double mean = sum / static_cast<long double>(values.size());
  if (std::isfinite(static_cast<double>(mean))) {
    long double residual = 0;
    for (const double v : values) residual += v - mean;
    mean += residual / static_cast<long double>(values.size());
  }
  return static_cast<double>(mean);
}

// The profile log-likelihood per observation of the shape at -theta (loo's lx).
double profile_log_likelihood(double theta, const std::vector<double>& x) {
  const double a = -theta;
  std::vector<double> logs(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) logs[i] = std::log1p(a * x[i]);
  const double k = mean_of(logs);
  return std::log(a / k) - k - 1;
}

// Quantile function of the generalized Pareto distribution (loo's qgpd).
double pareto_quantile(double p, double k, double sigma) {
  if (std::isnan(sigma) || sigma <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sigma * std::expm1(-k * std::log1p(-p)) / k;
}

double sample_variance(const arma::vec& x) {
  const std::size_t n = x.n_elem;
  if (n < 2) return 0;
  const double mean = arma::accu(x) / static_cast<double>(n);
  double sum = 0;
  for (const double v : x) sum += (v - mean) * (v - mean);
  return sum / static_cast<double>(n - 1);
}

}  // namespace

ParetoFit fit_generalized_pareto(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n == 0) throw UsageError("fit_generalized_pareto: no values");
  constexpr double kPrior = 3;
  const std::size_t m =
      30 + static_cast<std::size_t>(std::floor(std::sqrt(static_cast<double>(n))));
  // First quartile: x[floor(n/4 + 0.5)] in R's 1-based indexing.
  const std::size_t quartile =
      static_cast<std::size_t>(std::floor(static_cast<double>(n) / 4.0 + 0.5));
  const double xstar = x[quartile == 0 ? 0 : quartile - 1];
  std::vector<double> theta(m), log_lik(m);
  for (std::size_t j = 0; j < m; ++j) {
    theta[j] = 1 / x[n - 1] +
               (1 - std::sqrt(static_cast<double>(m) / (static_cast<double>(j + 1) - 0.5))) /
                   kPrior / xstar;
    log_lik[j] = static_cast<double>(n) * profile_log_likelihood(theta[j], x);
  }
  const double norm = log_sum_exp(log_lik.data(), m);
  double theta_hat = 0;
  for (std::size_t j = 0; j < m; ++j) theta_hat += theta[j] * std::exp(log_lik[j] - norm);
  std::vector<double> logs(n);
  for (std::size_t i = 0; i < n; ++i) logs[i] = std::log1p(-theta_hat * x[i]);
  double k = mean_of(logs);
  ParetoFit fit;
  fit.sigma = -k / theta_hat;
  // The weakly informative prior: shrink towards 0.5 as if 10 more observations had k = 0.5.
  const double n_plus_a = static_cast<double>(n) + 10;
  k = k * static_cast<double>(n) / n_plus_a + 10 * 0.5 / n_plus_a;
  fit.k = std::isnan(k) ? kInf : k;
  return fit;
}

std::size_t pareto_tail_length(std::size_t n_draws, double r_eff) {
  const double s = static_cast<double>(n_draws);
  return static_cast<std::size_t>(std::ceil(std::min(0.2 * s, 3 * std::sqrt(s / r_eff))));
}

SmoothedWeights pareto_smooth(const std::vector<double>& log_ratios) {
  const std::size_t s = log_ratios.size();
  const double top = *std::max_element(log_ratios.begin(), log_ratios.end());
  SmoothedWeights out;
  out.log_weights.resize(s);
  for (std::size_t i = 0; i < s; ++i) out.log_weights[i] = log_ratios[i] - top;
  out.pareto_k = kInf;
  const std::size_t tail = pareto_tail_length(s);
  if (tail >= kMinTailLength && tail < s) {
    // R's sort.int(index.return = TRUE) orders ties by index (a stable sort).
    std::vector<std::size_t> order(s);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return out.log_weights[a] < out.log_weights[b];
    });
    const std::size_t first = s - tail;
    const double lowest = out.log_weights[order[first]];
    const double highest = out.log_weights[order[s - 1]];
    if (std::abs(highest - lowest) >= std::numeric_limits<double>::epsilon() / 100) {
      const double cutoff = out.log_weights[order[first - 1]];
      const double exp_cutoff = std::exp(cutoff);
      std::vector<double> exceed(tail);
      for (std::size_t j = 0; j < tail; ++j) {
        exceed[j] = std::exp(out.log_weights[order[first + j]]) - exp_cutoff;
      }
      const ParetoFit fit = fit_generalized_pareto(exceed);
      out.pareto_k = fit.k;
      if (std::isfinite(fit.k)) {
        for (std::size_t j = 0; j < tail; ++j) {
          const double p = (static_cast<double>(j + 1) - 0.5) / static_cast<double>(tail);
          out.log_weights[order[first + j]] =
              std::log(pareto_quantile(p, fit.k, fit.sigma) + exp_cutoff);
        }
      }
    }
  }
  // Truncate at the largest raw weight (0 after the shift), then shift back.
  for (double& w : out.log_weights) w = std::min(w, 0.0) + top;
  return out;
}

std::array<std::size_t, 4> LooResult::pareto_k_counts() const {
  std::array<std::size_t, 4> counts{};
  for (const double k : pareto_k) {
    counts[k <= 0.5 ? 0 : k <= 0.7 ? 1 : k <= 1 ? 2 : 3] += 1;
  }
  return counts;
}

std::size_t LooResult::count_pareto_k_above(double threshold) const {
  return static_cast<std::size_t>(
      std::count_if(pareto_k.begin(), pareto_k.end(), [&](double k) { return k > threshold; }));
}

Estimate sum_with_se(const arma::vec& pointwise) {
  Estimate e;
  e.value = arma::accu(pointwise);
  e.se = std::sqrt(static_cast<double>(pointwise.n_elem) * sample_variance(pointwise));
  return e;
}

void check_pointwise(const arma::mat& log_lik, const std::string& source) {
  if (log_lik.n_rows < 2 || log_lik.n_cols == 0) {
    throw UsageError(source + ": " + std::to_string(log_lik.n_rows) + " draws x " +
                     std::to_string(log_lik.n_cols) +
                     " observations; expected at least 2 draws (rows) and 1 observation (column)");
  }
  for (std::size_t i = 0; i < log_lik.n_cols; ++i) {
    for (std::size_t s = 0; s < log_lik.n_rows; ++s) {
      const double v = log_lik(s, i);
      if (!std::isfinite(v)) {
        throw UsageError(source + ": log-likelihood of draw " + std::to_string(s + 1) +
                         ", observation " + std::to_string(i + 1) + " is " +
                         (std::isnan(v) ? "NaN"
                          : v > 0       ? "inf"
                                        : "-inf") +
                         "; expected finite values");
      }
    }
  }
}

LooResult psis_loo(const arma::mat& log_lik, int n_threads) {
  check_pointwise(log_lik, "psis_loo");
  const std::size_t s = log_lik.n_rows, n = log_lik.n_cols;
  LooResult r;
  r.n_draws = s;
  r.pointwise_elpd_loo.set_size(n);
  r.lpd.set_size(n);
  r.pareto_k.set_size(n);
  const int threads = n_threads > 0 ? n_threads : 0;
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads) if (threads != 1)
  for (std::size_t i = 0; i < n; ++i) {
    const double* ll = log_lik.colptr(i);
    std::vector<double> log_ratios(s);
    for (std::size_t j = 0; j < s; ++j) log_ratios[j] = -ll[j];
    const SmoothedWeights w = pareto_smooth(log_ratios);
    const double norm = log_sum_exp(w.log_weights.data(), s);
    std::vector<double> terms(s);
    for (std::size_t j = 0; j < s; ++j) terms[j] = ll[j] + (w.log_weights[j] - norm);
    r.pointwise_elpd_loo[i] = log_sum_exp(terms.data(), s);
    r.lpd[i] = log_sum_exp(ll, s) - std::log(static_cast<double>(s));
    r.pareto_k[i] = w.pareto_k;
  }
  r.pointwise_p_loo = r.lpd - r.pointwise_elpd_loo;
  r.pointwise_looic = -2 * r.pointwise_elpd_loo;
  r.elpd_loo = sum_with_se(r.pointwise_elpd_loo);
  r.p_loo = sum_with_se(r.pointwise_p_loo);
  r.looic = sum_with_se(r.pointwise_looic);
  return r;
}

std::vector<LooComparison> compare_loo(const std::vector<const LooResult*>& models) {
  if (models.empty()) throw UsageError("compare_loo: no models to compare");
  const std::size_t n = models[0]->n_observations();
  for (const LooResult* m : models) {
    if (m->n_observations() != n) {
      throw UsageError("compare_loo: models scored on " + std::to_string(n) + " and " +
                       std::to_string(m->n_observations()) +
                       " observations; expected the same observations for every model");
    }
  }
  std::vector<std::size_t> order(models.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return models[a]->elpd_loo.value > models[b]->elpd_loo.value;
  });
  const LooResult& best = *models[order[0]];
  std::vector<LooComparison> out;
  for (const std::size_t m : order) {
    const arma::vec diff = models[m]->pointwise_elpd_loo - best.pointwise_elpd_loo;
    LooComparison c;
    c.model = m;
    c.elpd_diff = arma::accu(diff);
    c.se_diff = std::sqrt(static_cast<double>(n) * sample_variance(diff));
    out.push_back(c);
  }
  return out;
}

}  // namespace tmkit
