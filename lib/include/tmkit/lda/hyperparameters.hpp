// Maximum-likelihood Dirichlet parameters from expected sufficient statistics: how tmkit learns
// alpha (from E[log theta_d]) and eta (from E[log beta_k]) in the M-step. Newton's method with the
// diagonal-plus-rank-one Hessian of Minka (2000), "Estimating a Dirichlet distribution", §1, and
// Blei, Ng & Jordan (2003), Appendix A.2 and A.4.2. The objective is concave. For a vector, each
// step is halved until it keeps the parameters positive and does not lower the objective (or, once
// the objective is flat below its rounding, until it shrinks the gradient); for one shared value,
// Newton's method finds the root of the monotone derivative inside a bisection bracket. Either way
// the update does not lower the ELBO.
#pragma once

#include <armadillo>
#include <cstddef>

namespace tmkit {

/// f(a) = n (log Gamma(sum_k a_k) - sum_k log Gamma(a_k)) + sum_k (a_k - 1) s_k:
/// the expected log density of n draws from Dirichlet(a) with sum of E[log x_k] equal to s.
double dirichlet_objective(double n_groups, const arma::vec& a, const arma::vec& suff);

/// Maximises f over a full (asymmetric) vector a > 0, starting from `start`. `suff` = s (length K,
/// all < 0 since they are sums of expected logs of probabilities).
arma::vec fit_dirichlet_asymmetric(double n_groups, const arma::vec& suff, arma::vec start);

/// Maximises f over a symmetric a = (c, ..., c) of dimension `dim`; `suff_sum` = sum_k s_k.
double fit_dirichlet_symmetric(double n_groups, std::size_t dim, double suff_sum, double start);

}  // namespace tmkit
