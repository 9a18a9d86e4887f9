// Leave-one-out cross-validation by Pareto-smoothed importance sampling (PSIS-LOO; Vehtari, Gelman
// & Gabry 2017, "Practical Bayesian model evaluation using leave-one-out cross-validation and
// WAIC"), computed as R's `loo` 2.5 computes `loo(log_lik, r_eff = 1)`:
//   - the raw importance ratios of observation i are 1 / p(y_i | draw s), i.e. log r_s = -ll_si;
//   - the largest M = ceil(min(S / 5, 3 sqrt(S))) of them are replaced by the expected order
//     statistics of a generalized Pareto distribution fitted by Zhang & Stephens (2009) with the
//     weakly informative prior of `loo` (k shrunk towards 0.5 as (n k + 5) / (n + 10));
//   - the smoothed weights are truncated at the largest raw weight and normalised;
//   - elpd_loo_i = log sum_s w_si p(y_i | draw s), p_loo_i = lpd_i - elpd_loo_i with
//     lpd_i = log mean_s p(y_i | draw s), looic_i = -2 elpd_loo_i;
//   - totals are sums over i and their standard errors sqrt(N var_i(x_i)).
// The estimated shape k-hat of each observation tells whether its estimate can be trusted (loo
// 2.5's thresholds): k <= 0.5 good, <= 0.7 ok, <= 1 bad, above 1 very bad. Derivation and the
// comparison of models (loo_compare): docs/math/selection.md.
#pragma once

#include <armadillo>
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace tmkit {

/// A generalized Pareto distribution fitted to exceedances (loo's gpdfit).
struct ParetoFit {
  double k = 0;      ///< shape, after loo's weakly informative adjustment; +inf when undefined
  double sigma = 0;  ///< scale (from the unadjusted shape, as loo computes it)
};

/// Fits a generalized Pareto distribution to the non-negative exceedances `x`, sorted increasingly,
/// by the empirical Bayes method of Zhang & Stephens (2009) with loo's grid (30 + floor(sqrt(n))
/// points), prior 3 and adjustment toward 0.5. At least one value is needed.
ParetoFit fit_generalized_pareto(const std::vector<double>& sorted_x);

/// Pareto-smoothed log importance weights of one observation, from its log ratios.
struct SmoothedWeights {
  std::vector<double> log_weights;  ///< S, smoothed and truncated (not normalised)
  double pareto_k = 0;              ///< +inf when the tail is too short or constant to fit
};

/// Number of draws in the smoothed tail: ceil(min(0.2 S, 3 sqrt(S / r_eff))) (loo's n_pareto).
std::size_t pareto_tail_length(std::size_t n_draws, double r_eff = 1.0);

/// PSIS of one observation's log importance ratios (loo's do_psis_i with r_eff = 1).
SmoothedWeights pareto_smooth(const std::vector<double>& log_ratios);

/// An estimate summed over observations with its standard error sqrt(N var).
struct Estimate {
  double value = 0;
  double se = 0;
};

/// PSIS-LOO of a model: the totals and the pointwise values, with R loo's names.
struct LooResult {
  Estimate elpd_loo, p_loo, looic;
  arma::vec pointwise_elpd_loo;  ///< N
  arma::vec pointwise_p_loo;     ///< N
  arma::vec pointwise_looic;     ///< N
  arma::vec lpd;                 ///< N, log mean_s p(y_i | draw s)
  arma::vec pareto_k;            ///< N

  std::size_t n_draws = 0;
  std::size_t n_observations() const noexcept { return pareto_k.n_elem; }
  /// Observations in each of loo's k-hat classes: (-inf, 0.5], (0.5, 0.7], (0.7, 1], (1, inf).
  std::array<std::size_t, 4> pareto_k_counts() const;
  /// Observations whose k-hat exceeds `threshold`.
  std::size_t count_pareto_k_above(double threshold) const;
};

/// The sum of `pointwise` with its standard error sqrt(N * sample variance) (loo's
/// table_of_estimates); se is 0 for a single observation.
Estimate sum_with_se(const arma::vec& pointwise);

/// PSIS-LOO from the S x N matrix of pointwise log-likelihoods log p(y_i | draw s) (one row per
/// draw, one column per observation, as loo takes it). UsageError for fewer than 2 draws, no
/// observation or a non-finite entry (check_pointwise). The result does not depend on n_threads.
LooResult psis_loo(const arma::mat& log_lik, int n_threads = 0);

/// Throws UsageError naming `source` and the first non-finite entry (draw and observation,
/// 1-based), or when the matrix has fewer than 2 rows or no columns.
void check_pointwise(const arma::mat& log_lik, const std::string& source);

/// One line of a comparison of models by elpd (loo's loo_compare): models ordered from the best
/// (largest elpd_loo) down, each with its difference to the best and the standard error of that
/// difference, sqrt(N) sd_i(elpd_i(model) - elpd_i(best)).
struct LooComparison {
  std::size_t model = 0;  ///< index into the models compared
  double elpd_diff = 0;   ///< <= 0; 0 for the best
  double se_diff = 0;
};

/// Compares models fitted to the same N observations; UsageError when they have different N or
/// fewer than one model is given. Ties keep the given order.
std::vector<LooComparison> compare_loo(const std::vector<const LooResult*>& models);

}  // namespace tmkit
