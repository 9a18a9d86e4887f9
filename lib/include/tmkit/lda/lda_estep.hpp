// The E-step of variational LDA for one document, with the topics held fixed (Blei, Ng & Jordan
// 2003, §5.2; Hoffman, Blei & Bach 2010, Algorithm 1), in the notation of docs/math/lda.md:
//   phi_wk   ∝ exp(E[log theta_k] + E[log beta_kw])                          (eq. 4)
//   gamma_k  = alpha_k + sum_w n_w phi_wk                                    (eq. 5)
// with E[log theta_k] = psi(gamma_k) - psi(sum_j gamma_j), and the per-document ELBO collapsed over
// the optimal phi (eq. 12).
#pragma once

#include <armadillo>
#include <cstddef>
#include <vector>

#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

/// What the E-step needs of the topics, computed once per pass from lambda and eta.
/// E[log beta_kw] = psi(lambda_kw) - psi(sum_v lambda_kv) is stored exponentiated and shifted by
/// its maximum over topics, exp(E[log beta_kw] - shift_w), so that no column underflows however
/// small eta is; phi is invariant to the shift and the ELBO adds it back exactly.
struct TopicExpectations {
  arma::mat exp_elog_beta;   ///< K x V, exp(E[log beta_kw] - shift_w); column w is contiguous
  arma::vec shift;           ///< V, shift_w = max_k E[log beta_kw]
  double sum_elog_beta = 0;  ///< sum over k, w of E[log beta_kw] (for the eta update)
  double entropy_beta = 0;   ///< -E_q[log q(beta)], summed over topics

  std::size_t n_topics() const noexcept { return exp_elog_beta.n_rows; }
  std::size_t n_words() const noexcept { return exp_elog_beta.n_cols; }
  /// E_q[log p(beta | eta)] - E_q[log q(beta)] under a symmetric Dirichlet(eta) prior.
  double beta_term(double eta) const noexcept;
};

/// Computes TopicExpectations of `lambda` (K x V, all > 0) using `n_threads` threads; the result
/// does not depend on the thread count.
TopicExpectations topic_expectations(const arma::mat& lambda, int n_threads);

/// The same for some columns of lambda only (`columns`, K x n), given the row sums of the whole of
/// lambda: what one mini-batch of an online fit needs. sum_elog_beta and entropy_beta are left 0.
TopicExpectations topic_expectations_of_columns(const arma::mat& columns, const arma::vec& row_sums,
                                                int n_threads);

/// How the per-document iteration starts and stops. The stopping rule is that of gensim and
/// scikit-learn. The restart matters because a document's posterior is multi-modal when alpha is
/// small: started from its gamma of the previous pass, a document stays with the topics it chose
/// when the topics were still random (each update moves gamma by less than `tol`, yet it is far
/// from the better mode), and the whole fit settles in a poor optimum. So each document is also
/// fitted from the neutral start alpha + N_d/K, and the end with the higher ELBO is kept: the
/// neutral start lets it choose afresh, the comparison keeps the ELBO from ever decreasing.
struct EstepOptions {
  double tol = 1e-3;           ///< stop when mean_k |Δgamma_k| < tol
  std::size_t max_iter = 100;  ///< and after at most this many updates of gamma
  bool restart = true;         ///< also fit from alpha + N_d/K and keep the better end
  bool evaluate_end = false;   ///< compute DocumentFit::elbo_at_end even without a restart
  /// compute DocumentFit::elbo_at_start (NaN otherwise; always computed with max_iter = 0 or a
  /// restart, which need it). Scoring a draw needs only the end: skipping the start saves a sum
  /// of logs over the document's words and K digammas and log-gammas per document and draw.
  bool evaluate_start = true;
  /// SQUAREM steps (Varadhan & Roland 2008) between plain ones: the same fixed point in fewer
  /// rounds when the iteration converges slowly (docs/math/selection.md).
  bool accelerate = false;
};

/// The Dirichlet prior on theta, with its normalising constant computed once per pass.
struct DocumentPrior {
  explicit DocumentPrior(const arma::vec& alpha);
  const arma::vec& alpha;
  double log_norm;  ///< log Gamma(sum_k alpha_k) - sum_k log Gamma(alpha_k)
};

/// Scratch space of fit_document, reused across documents; after a call it also holds the
/// document's final variational quantities.
struct EstepWorkspace {
  std::vector<double> elog_theta;      ///< K, E[log theta_k] at the final gamma
  std::vector<double> exp_elog_theta;  ///< K, exp(E[log theta_k])
  std::vector<double> ratio;           ///< n, n_w / sum_k exp_elog_theta_k exp_elog_beta_kw
  std::vector<double> accumulator;     ///< K, scratch
  std::vector<double> restart_gamma;   ///< K, scratch for the neutral start
  std::vector<double> refined_gamma;   ///< K, scratch for fold_in_document
  std::vector<double> extrapolation;   ///< 3 K, scratch for the accelerated E-step
  void resize(std::size_t n_topics, std::size_t n_distinct);
};

/// How one document's E-step went.
struct DocumentFit {
  std::size_t iterations = 0;  ///< gamma updates done (both starts together)
  bool converged = false;      ///< the kept run met tol (not meeting it is not an error)
  bool restarted = false;      ///< the neutral start won over the gamma passed in
  double elbo_at_start = 0;    ///< the document's ELBO terms at the gamma passed in (eq. 12)
  double elbo_at_end = 0;      ///< the same at the returned gamma (NaN when not computed)
};

/// The neutral starting point alpha_k + N_d / K (Blei's lda-c) into `gamma`.
void neutral_gamma(const DocView& doc, const arma::vec& alpha, double* gamma);

/// Fits gamma of one document with the topics fixed, starting from the values in `gamma` (K, all
/// > 0), and (with opts.restart) from the neutral start too; leaves the better fit in `gamma`. With
/// opts.max_iter = 0 it only evaluates the ELBO at the given gamma. The document's ELBO
/// contribution is E_q[log p(w, z, theta | beta, alpha)] - E_q[log q(z, theta)] with phi at its
/// optimum given gamma and the topics; elbo_at_end >= elbo_at_start always. On return `ws` holds
/// exp_elog_theta and ratio of the returned gamma, such that
/// phi_wk = exp_elog_theta_k * exp_elog_beta_kw * ratio_w / n_w.
DocumentFit fit_document(const DocView& doc, const TopicExpectations& topics,
                         const DocumentPrior& prior, double* gamma, EstepWorkspace& ws,
                         const EstepOptions& opts);

/// How fold_in_document chose.
struct FoldIn {
  enum class Start { neutral, refined, previous };
  Start kept = Start::neutral;  ///< which candidate was kept
  std::size_t iterations = 0;   ///< gamma updates done (all candidates together)
  bool converged = false;       ///< the kept candidate met tol (`previous` counts as converged)
  double elbo = 0;              ///< the document's ELBO terms at the kept gamma (eq. 12)
};

/// The fold-in of one document into fixed topics, shared by the last sweep of a batch fit and by
/// tm-infer (docs/math/inference.md). The incumbent is `previous` (K values, when given), with
/// `refine` fitted on from it (which never lowers its ELBO but by rounding); the challenger is
/// gamma fitted from the neutral start. The challenger is kept only when it ended in another mode
/// of the document's E-step (its gamma farther than half a token from the incumbent's) with a
/// higher ELBO; the result goes to `gamma`, which may be `previous` itself. So a fold-in ends at
/// least as high as its incumbent, and folding the result in again (previous = the result,
/// refine = false) returns it bit for bit: how tm-infer reproduces the gamma a fit saved.
FoldIn fold_in_document(const DocView& doc, const TopicExpectations& topics,
                        const DocumentPrior& prior, const double* previous, bool refine,
                        double* gamma, EstepWorkspace& ws, const EstepOptions& opts);

}  // namespace tmkit
