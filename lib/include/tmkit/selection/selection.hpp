// Choosing among candidate LDA models (number of topics, priors, seeds) on one corpus: every
// candidate is fitted on the same training documents and scored on the same held-out ones, by
//   - the training ELBO (batch VB, lda.hpp);
//   - document-completion perplexity of the held-out documents (completion.hpp);
//   - AIC, AICc, BIC and HQIC (information_criteria.hpp) with log L = sum over training documents
//     of the plug-in bound log p(w_d | E[beta], alpha) (pointwise.hpp), k = K (V - 1) free topic
//     probabilities (+ K or 1 for a learned alpha) and n = training tokens;
//   - PSIS-LOO over training documents from S draws of q(beta) (psis_loo.hpp), with the count of
//     k-hat above 0.7;
//   - held-out elpd: sum over held-out documents of log mean_s p(w_d | beta^(s)), same draws;
//   - optionally exact K-fold cross-validation (refit without each fold, score its documents);
//   - mean UMass and NPMI coherence of the top words on the training documents (topics.hpp);
//   - stability: the mean matched JS divergence between the topics of candidates that differ
//     only in their seed (topic_matching.hpp).
// Candidates (and folds) run in parallel, one core each, when there are at least as many as
// threads; every result is the same for any thread count. Derivations: docs/math/selection.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/selection/information_criteria.hpp"
#include "tmkit/selection/psis_loo.hpp"

namespace tmkit {

/// One candidate model.
struct Candidate {
  std::size_t n_topics = 10;
  AlphaOption alpha;
  EtaOption eta;
  std::uint64_t seed = 1;
  /// "k10", with "-alpha0.1", "-etaauto", "-seed2" appended where they are not the defaults.
  std::string label() const;
};

/// The grid: every combination of the values given (K outermost, then alpha, eta, seed).
/// UsageError for an empty list.
std::vector<Candidate> candidate_grid(const std::vector<std::size_t>& topics,
                                      const std::vector<AlphaOption>& alphas,
                                      const std::vector<EtaOption>& etas,
                                      const std::vector<std::uint64_t>& seeds);

struct SelectionOptions {
  FitOptions fit;  ///< base fit options; n_topics, alpha, eta and seed come from each candidate
  double heldout_fraction = 0.1;  ///< documents held out of every fit (shared by all candidates)
  std::uint64_t split_seed = 1;   ///< chooses them and splits each into two halves
  std::size_t n_draws = 100;      ///< S draws of q(beta) for PSIS-LOO and held-out elpd
  /// E-step rounds per document and draw at most, from the document's plug-in fit. The default,
  /// the E-step's own limit, runs every draw to the tolerance; fewer rounds are cheaper lower
  /// bounds whose bias grows with K (docs/math/selection.md §3 measures it: on long documents 3
  /// rounds move elpd by under 3% of its standard error, on short ones by up to a third); 0 scores
  /// every draw at the plug-in fit's gamma.
  std::size_t draw_iterations = 100;
  std::size_t kfold = 0;           ///< > 1: also exact K-fold cross-validation with this many folds
  std::size_t coherence_top = 10;  ///< top words per topic for coherence
  bool keep_pointwise = false;     ///< keep each candidate's S x D pointwise matrix
  int n_threads = 0;               ///< 0 = all cores; never changes a result
};

/// Everything measured of one candidate.
struct CandidateResult {
  Candidate candidate;
  LdaModel model;
  bool converged = false;
  std::size_t passes = 0;
  double elbo = 0;                ///< training ELBO at the end of the fit
  double heldout_perplexity = 0;  ///< document completion on the held-out documents
  InformationCriteria criteria;
  LooResult loo;
  Estimate heldout_elpd;       ///< sum over held-out documents, with its standard error
  Estimate kfold_elpd;         ///< NaN when K-fold was not run
  double umass = 0, npmi = 0;  ///< means over topics
  double stability_js = 0;     ///< NaN without another seed of the same settings
  arma::mat pointwise;         ///< S x D training pointwise log-likelihoods (keep_pointwise)
  double fit_seconds = 0;      ///< the fit alone
  double loo_seconds = 0;      ///< pointwise log-likelihoods (training and held-out) and PSIS
  double kfold_seconds = 0;    ///< all refits and scoring of the folds
};

/// A criterion, the direction in which it prefers a model, and how to read it off a result.
struct Criterion {
  std::string name;  ///< as in selection.json: "elbo", "aic", "elpd_loo", ...
  bool larger_is_better = false;
  std::function<double(const CandidateResult&)> value;
};

/// The criteria tmkit reports, in the order of the table.
const std::vector<Criterion>& selection_criteria();

struct SelectionReport {
  std::vector<CandidateResult> candidates;  ///< in the order of the grid
  /// criterion -> index of the preferred candidate (criteria that are NaN everywhere are absent)
  std::map<std::string, std::size_t> choice;
  /// The choices not to trust: "elpd_loo" when the candidate it prefers has Pareto k-hat above
  /// 0.7 for more than 10% of its documents (PSIS-LOO is then unreliable; Vehtari et al. 2017).
  std::vector<std::string> unreliable_choices;
  std::vector<LooComparison> loo_comparison;  ///< elpd_loo differences, best first
  std::size_t n_training_docs = 0, n_heldout_docs = 0;
  std::uint64_t n_training_tokens = 0;
  double seconds = 0;  ///< wall time of the whole selection
  /// True when some candidate has k-hat above 0.7 for more than 10% of its training documents:
  /// its PSIS-LOO estimate should not be trusted, and exact K-fold is the advice.
  bool loo_unreliable() const;
};

/// Progress of a selection: on_job after each fit (candidate or fold) with a one-line summary;
/// work's stop request is polled between and within the fits.
struct SelectionHooks {
  std::function<void(std::size_t done, std::size_t total, const std::string& line)> on_job;
  WorkHooks work;
};

/// Validates the grid against the corpus (non-empty, every K between 1 and V, a held-out fraction
/// leaving documents on both sides, at least 2 draws, kfold 0 or >= 2 and no more than the
/// training documents); UsageError naming the problem otherwise.
void validate_selection(const Corpus& corpus, const std::vector<Candidate>& grid,
                        const SelectionOptions& options);

/// Runs the selection. Throws Interrupted when hooks.work.stop() says so, between and within fits.
/// Under a Communicator of several ranks (each holding the whole corpus), rank r runs jobs r,
/// r + P, ... of the list (candidates and K-fold refits, largest K first), and rank 0 receives
/// every result and returns the whole report, the same as one process's; the other ranks return
/// an incomplete report, not to be used. on_job counts this rank's jobs.
SelectionReport select_models(const Corpus& corpus, const std::vector<Candidate>& grid,
                              const SelectionOptions& options, const SelectionHooks& hooks = {},
                              Communicator& comm = single_process());

/// The number of free parameters counted for a candidate's information criteria: K (V - 1),
/// plus K for a learned alpha vector or 1 for a learned symmetric alpha.
double count_parameters(const Candidate& candidate, std::size_t n_words);

}  // namespace tmkit
