// Pointwise log-likelihoods of LDA for leave-one-out and held-out elpd: for draws beta^(s) from
// the variational posterior of the topics, q(beta_k) = Dir(lambda_k), and each document d,
//   ll_sd = L_d(beta^(s)) <= log p(w_d | beta^(s), alpha),
// the document's variational bound with the topics fixed at the draw: theta_d and z_d are folded
// in by the E-step (lda_estep.hpp) with E[log beta_kw] replaced by log beta^(s)_kw, started from
// the document's fit at the posterior mean topics. Why this estimator (deterministic given the
// draw, exact in its treatment of beta, a bound whose gap KL(q(theta, z) || p(theta, z | w, beta))
// changes little from one draw to the next): docs/math/selection.md.
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_estep.hpp"

namespace tmkit {

/// The E-step's view of topics fixed at given values: log_beta is K x V (each row a log
/// distribution, finite). exp_elog_beta and shift are filled so that exp_elog_beta_kw * e^shift_w
/// = beta_kw; sum_elog_beta and entropy_beta are left 0 (there is no q(beta)).
TopicExpectations fixed_topics(const arma::mat& log_beta, int n_threads = 0);

/// fixed_topics into `topics`, whose storage is reused when it has the shape already.
void fixed_topics(const arma::mat& log_beta, TopicExpectations& topics, int n_threads = 0);

/// Draws log beta (K x V) from q(beta) = Dir(lambda_k) row by row, topic k of draw s from random
/// stream s * K + k of `seed`, in log space so that no entry underflows to log 0 however small
/// lambda_kw is. The result does not depend on n_threads. Throws UsageError unless every entry of
/// lambda is positive and finite.
arma::mat draw_log_topics(const arma::mat& lambda, std::uint64_t seed, std::size_t draw,
                          int n_threads = 0);

/// draw_log_topics into `log_beta`, whose storage is reused when it has the shape already.
void draw_log_topics(const arma::mat& lambda, std::uint64_t seed, std::size_t draw,
                     arma::mat& log_beta, int n_threads = 0);

/// Per-document bounds at one set of topics.
struct DocumentBounds {
  arma::vec log_likelihood;  ///< D, L_d(beta)
  arma::mat gamma;           ///< K x D, q(theta_d) at the bound
};

/// L_d(beta) for every document of `corpus` with the topics `topics` fixed, each document started
/// from `start_gamma` (K x D) or, when it is empty, from the neutral start alpha + N_d / K.
DocumentBounds document_bounds(const Corpus& corpus, const TopicExpectations& topics,
                               const arma::vec& alpha, const EstepOptions& estep,
                               const arma::mat& start_gamma, int n_threads = 0);

/// document_bounds into `out`, whose storage is reused when it has the shape already (`out` must
/// not be `start_gamma`'s owner).
void document_bounds(const Corpus& corpus, const TopicExpectations& topics, const arma::vec& alpha,
                     const EstepOptions& estep, const arma::mat& start_gamma, DocumentBounds& out,
                     int n_threads = 0);

/// The bound at the posterior mean of the topics, E[beta_kw] = lambda_kw / sum_v lambda_kv: the
/// plug-in log-likelihood log p(w_d | beta-hat, alpha) (as a bound) that the information criteria
/// use.
DocumentBounds plugin_bounds(const Corpus& corpus, const LdaModel& model, const EstepOptions& estep,
                             int n_threads = 0);

struct PointwiseOptions {
  std::size_t n_draws = 100;  ///< S
  std::uint64_t seed = 1;
  EstepOptions estep;  ///< restart is ignored: every draw starts from the plug-in fit
  /// E-step rounds per document and draw at most, from the plug-in fit (which itself runs to
  /// estep's tolerance); fewer rounds give a lower bound, cheaper (docs/math/selection.md §3).
  std::size_t draw_max_iter = std::numeric_limits<std::size_t>::max();
};

/// The S x D matrix ll_sd for the documents of `corpus` (word ids indexing model's vocabulary),
/// one row per draw as R's loo and ArviZ take it. Documents start from their plug-in fit (pass
/// `plugin` when it is already computed, e.g. for the information criteria). Progress is reported
/// in draws; the stop request is polled between draws. The result does not depend on n_threads.
arma::mat pointwise_log_likelihood(const Corpus& corpus, const LdaModel& model,
                                   const PointwiseOptions& options, int n_threads = 0,
                                   const WorkHooks& hooks = {},
                                   const DocumentBounds* plugin = nullptr);

/// One set of documents to score: its corpus and, when already computed, its plug-in fit.
struct ScoredDocuments {
  const Corpus* corpus = nullptr;
  const DocumentBounds* plugin = nullptr;
};

/// pointwise_log_likelihood of several sets of documents under the same draws: each draw of
/// q(beta) is made once and scores every set in turn (tm-select's training and held-out
/// documents), bit for bit what one call per set gives, for one set's cost of drawing.
std::vector<arma::mat> pointwise_log_likelihoods(const std::vector<ScoredDocuments>& sets,
                                                 const LdaModel& model,
                                                 const PointwiseOptions& options, int n_threads = 0,
                                                 const WorkHooks& hooks = {});

/// The expected log predictive density of each column of an S x D pointwise matrix,
/// log mean_s exp(ll_sd) (what k-fold and held-out elpd sum).
arma::vec log_mean_exp_columns(const arma::mat& log_lik);

}  // namespace tmkit
