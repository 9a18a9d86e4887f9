// Variational LDA fitted in batch (Blei, Ng & Jordan 2003; the variational family over topics of
// Hoffman, Blei & Bach 2010): q(theta_d) = Dir(gamma_d), q(z_dn) = Mult(phi_dn),
// q(beta_k) = Dir(lambda_k). Each pass runs the E-step over all documents (lda_estep.hpp), then
// the M-step lambda_kw = eta + sum_d n_dw phi_dwk, then the optional Newton updates of alpha and
// eta (hyperparameters.hpp). The fit starts with a few tempered passes (deterministic annealing,
// part of the initialisation); from then on every step is a coordinate ascent on the same ELBO,
// and the E-step keeps each document's gamma unless it finds a better one, so the ELBO never
// decreases. As soon as the ELBO's rise slows, merge-split moves (lda_moves.hpp) are tried and kept
// only if they raise the ELBO; the fit stops when a held-out slice's perplexity stops improving
// (or the ELBO stops rising). Derivations: docs/math/lda.md.
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda_estep.hpp"
#include "tmkit/lda/lda_init.hpp"

namespace tmkit {

/// A fitted (or initialised) variational LDA model.
struct LdaModel {
  arma::mat lambda;  ///< K x V, Dirichlet parameters of q(beta_k); column w holds word w
  arma::mat gamma;   ///< K x D, Dirichlet parameters of q(theta_d) of the training documents
  arma::vec alpha;   ///< K, Dirichlet prior on theta
  double eta = 0;    ///< symmetric Dirichlet prior on beta

  std::size_t n_topics() const noexcept { return lambda.n_rows; }
  std::size_t n_words() const noexcept { return lambda.n_cols; }
  std::size_t n_docs() const noexcept { return gamma.n_cols; }
};

/// E[beta] under q: K x V, row k = lambda_k / sum_w lambda_kw (row-stochastic).
arma::mat topic_word_distributions(const LdaModel& model);
/// E[theta] under q: D x K, row d = gamma_d / sum_k gamma_dk (row-stochastic).
arma::mat document_topic_distributions(const LdaModel& model);

/// The prior on theta: a fixed symmetric value, gensim's fixed asymmetric prior
/// alpha_k ∝ 1 / (k + sqrt(K)) (summing to 1), or learned (a full vector, or one shared value).
struct AlphaOption {
  enum class Kind { symmetric, asymmetric, learn, learn_symmetric };
  Kind kind = Kind::symmetric;
  double value = 0;  ///< the symmetric value, or the learned one's start; 0 means 1/K

  /// "0.1", "asymmetric", "auto" (learn a vector) or "auto-symmetric"; UsageError otherwise.
  static AlphaOption parse(const std::string& text);
  std::string to_string() const;
  /// The starting alpha for K topics.
  arma::vec initial(std::size_t n_topics) const;
  bool learned() const noexcept { return kind == Kind::learn || kind == Kind::learn_symmetric; }
};

/// The symmetric prior on the topics: fixed, or learned by Newton's method.
struct EtaOption {
  bool learn = false;
  double value = 0;  ///< fixed value or the learned one's start; 0 means 1/K

  /// "0.01" or "auto"; UsageError otherwise.
  static EtaOption parse(const std::string& text);
  std::string to_string() const;
  double initial(std::size_t n_topics) const;
};

/// How a batch fit decides that it is done (docs/math/lda.md §6).
enum class StopRule {
  automatic,  ///< heldout on corpora of at least kMinDocsForHeldoutStop documents, elbo below
  heldout,    ///< the perplexity of a held-out slice has stopped improving
  elbo,       ///< the relative change of the training ELBO has stayed below tol
};

/// "auto", "heldout" or "elbo"; UsageError otherwise.
StopRule parse_stop_rule(const std::string& name);
std::string stop_rule_name(StopRule rule);

/// The automatic stopping rule holds a slice out of corpora with at least this many documents.
constexpr std::size_t kMinDocsForHeldoutStop = 2000;

/// Options of a batch fit. Defaults follow gensim and scikit-learn where they agree (alpha = eta =
/// 1/K, E-step tolerance 1e-3 on mean |Δgamma|); the stopping rule follows held-out perplexity.
struct FitOptions {
  std::size_t n_topics = 10;  ///< K >= 1, at most V
  AlphaOption alpha;
  EtaOption eta;
  std::size_t max_passes = 200;  ///< M-steps at most: warm-up and trial passes of moves included
  StopRule stop = StopRule::automatic;
  /// elbo rule: converged when the relative ELBO change stays below tol (0: never; every pass
  /// runs) for `patience` consecutive passes.
  double tol = 1e-5;
  std::size_t patience = 3;
  /// heldout rule: a pass improves when it lowers the slice's perplexity by more than heldout_tol
  /// of the best so far, and the fit stops after heldout_patience passes in a row without one.
  double heldout_tol = 1e-3;
  std::size_t heldout_patience = 2;
  EstepOptions estep;
  std::size_t restart_warmup = 3;  ///< passes in which every document also tries the neutral start
  std::size_t restart_period =
      4;  ///< afterwards, document d tries it when (d + pass) % period == 0
  InitMethod init = InitMethod::spa;
  std::size_t warmup_passes = 10;  ///< tempered passes that end the initialisation (0: none)
  std::size_t max_moves = 12;      ///< merge-split proposals to try (0: none)
  double min_split_gain = 0.1;     ///< nats per token a topic's split must gain to be proposed
  double move_tol = 1e-3;       ///< moves are tried once the relative ELBO change falls below this
  std::size_t move_passes = 8;  ///< passes a proposal runs before it is judged
  bool fold_in_gamma = true;    ///< end by folding the documents into the final topics

  std::uint64_t seed = 1;  ///< seeds the initial lambda and the held-out slice
  int n_threads = 0;       ///< 0 = all cores; never changes the result
};

/// One line of the ELBO trace: the model state after `pass` M-steps in all (warm-up passes
/// included), reached by a pass or by an accepted move.
struct PassReport {
  std::size_t pass = 0;
  double elbo = 0;             ///< exact ELBO of that state (docs/math/lda.md eq. 13)
  double relative_change = 0;  ///< (elbo - previous) / |previous|; 0 for the first line
  double seconds = 0;          ///< wall time since the fit started
  /// Mean gamma updates per document in the E-step that followed this state (0 when none did).
  double mean_estep_iterations = 0;
  bool after_move = false;  ///< reached by an accepted merge-split move
  /// The held-out slice of the stopping rule folded in: from this line on, the ELBO covers every
  /// document (a new baseline; the change to the line before compares different sums).
  bool join = false;
  /// The final state: every document folded into the final topics, keeping its gamma where that
  /// is better (never below the line before).
  bool fold_in = false;
  /// Document-completion perplexity of the held-out slice, when one is monitored.
  double heldout_perplexity = std::numeric_limits<double>::quiet_NaN();
};

/// One merge-split proposal and its fate.
struct MoveReport {
  std::size_t split_topic = 0, merge_keep = 0, merge_drop = 0;
  double split_gain = 0;  ///< nats per token of the split candidate
  bool merge_by_words =
      true;                 ///< merge candidate ranked by shared words (else by shared documents)
  std::size_t n_pairs = 1;  ///< merge-split pairs made at once (the first is reported above)
  double elbo_before = 0, elbo_after = 0;
  /// Held-out perplexity before and after, when a slice is monitored (NaN otherwise).
  double heldout_before = std::numeric_limits<double>::quiet_NaN();
  double heldout_after = std::numeric_limits<double>::quiet_NaN();
  std::size_t passes = 0;  ///< passes the proposal ran
  /// elbo_after > elbo_before and, when a slice is monitored, the perplexity not worse by more
  /// than heldout_tol.
  bool accepted = false;
};

/// The outcome of a fit; not converging within max_passes is a result, not an error.
struct FitReport {
  bool converged = false;          ///< the stopping rule was met (else the pass budget ran out)
  StopRule stop = StopRule::elbo;  ///< the rule in force (never automatic)
  std::size_t passes = 0;        ///< M-steps run in all, warm-up and trial passes of moves included
  std::size_t heldout_docs = 0;  ///< documents of the stopping rule's slice (0: none)
  /// Merge-split proposals were left untried because fewer than move_passes passes were left.
  bool moves_budget_ran_out = false;
  double final_elbo = 0;
  std::vector<PassReport> trace;  ///< the monotone ELBO trace of the kept states
  std::vector<MoveReport> moves;
  double seconds = 0;
};

/// Where a batch fit stands at a safe point; with the model there, all a resumed fit needs to end
/// exactly as the uninterrupted fit would.
struct BatchProgress {
  /// warmup: tempered passes; main: passes until the ELBO's rise slows; moves: a round of
  /// merge-split proposals; finishing: passes after a kept move; final: passes until the stopping
  /// rule; fold_in: the last sweep.
  enum class Phase { warmup, main, moves, finishing, final, fold_in, done };
  Phase phase = Phase::warmup;
  // The run of passes under way (warm-up, main, finishing or final phase).
  std::vector<PassReport> run_lines;  ///< its trace so far (for relative changes)
  std::size_t run_passes = 0;         ///< its M-steps so far
  std::size_t calm_passes = 0;        ///< its consecutive passes below tol
  // The whole fit.
  std::size_t passes = 0;         ///< M-steps in all, trial passes of moves included
  std::vector<PassReport> trace;  ///< the published trace
  std::vector<MoveReport> moves;
  std::size_t moves_left = 0;   ///< merge-split proposals still allowed
  std::size_t round_tried = 0;  ///< proposals of the current round already tried and rejected
  bool converged = false;
  double seconds = 0;  ///< wall time so far
};

/// Hooks into a running fit (all optional). on_pass sees each line of the trace as soon as it is
/// known; on_move each proposal once tried; work.on_progress documents done within the current
/// sweep. on_warmup(t, W) after each of the W tempered passes that begin a fit. At each safe point
/// (after an M-step, before a merge-split proposal, before the final fold-in) the fit asks
/// work.stop() (its own request or the process's) and checkpoint_due(M-steps so far); if either
/// says yes it hands the consistent state there to on_checkpoint, and when stopping it then throws
/// Interrupted. So an interrupted fit finishes its current pass (a merge-split trial under way is
/// abandoned: the checkpoint is the state before it, and a resumed fit runs it again).
struct FitCallbacks {
  std::function<void(const PassReport&)> on_pass;
  std::function<void(const MoveReport&)> on_move;
  std::function<void(std::size_t pass, std::size_t warmup_passes)> on_warmup;
  WorkHooks work;  ///< documents done within the current sweep, and the stop request
  std::function<bool(std::size_t passes)> checkpoint_due;
  std::function<void(const LdaModel&, const BatchProgress&)> on_checkpoint;
  /// Document-completion perplexity of a held-out slice the caller keeps out of the corpus, under
  /// the model as it stands at the end of each pass (tm-fit --heldout-fraction); goes into
  /// PassReport::heldout_perplexity and, under the heldout stopping rule, decides when to stop
  /// (no slice of the fit's own is then set aside).
  std::function<double(const LdaModel&)> evaluate_heldout;
};

/// Documents per block of a batch fit. Fixed, because the order of the floating-point sums (within
/// a block, then block by block) must not depend on the thread count; 128 keeps a block's
/// sufficient statistics (K x its distinct words) in cache and still gives many blocks per thread
/// on corpora worth parallelising. A fit spread over processes gives each whole blocks.
constexpr std::size_t kFitBlockDocs = 128;

/// This process's part of a fit spread over several (MPI ranks): `comm` joins them, and the corpus
/// handed to the fit holds documents [first_doc, first_doc + n) of the whole, a range of whole
/// blocks of kFitBlockDocs (rank_documents). model.gamma then holds those documents' columns;
/// lambda, alpha, eta and the trace are the same on every rank, and equal those of one process
/// fitting the whole corpus up to the rounding of how the ranks' sums are grouped. The default is
/// one process.
struct Shard {
  Communicator* comm = &single_process();
  std::size_t first_doc = 0;
};

/// Checks `options` against `corpus` (K between 1 and V, positive finite priors and tolerances, a
/// non-empty corpus); UsageError naming the option otherwise.
void validate_fit_options(const Corpus& corpus, const FitOptions& options);

/// Initial state (lda_init.hpp): lambda_kw ~ Gamma(100, 1/100) drawn from one stream per topic of
/// `options.seed`, plus with InitMethod::spa the counts of K seed documents; gamma_dk =
/// alpha_k + N_d / K (lda-c's).
LdaModel initialize_model(const Corpus& corpus, const FitOptions& options, const Shard& shard = {});

/// The stopping rule a fit of `n_docs` documents (over every process) uses under `options`.
StopRule resolve_stop_rule(const FitOptions& options, std::size_t n_docs, bool caller_heldout);

/// The documents (indices among n_docs) the heldout stopping rule sets aside when the caller
/// monitors no slice of its own: each with probability n / n_docs, n = min(2000, max(200,
/// n_docs / 20)), by its own random stream of the seed. Empty under the elbo rule.
std::vector<std::size_t> stopping_slice(std::size_t n_docs, const FitOptions& options);

/// Fits `model` (from initialize_model, or any valid state with the corpus's shape) by batch
/// variational inference. The result is identical for any n_threads. Under the heldout rule
/// without a caller's slice, the documents of stopping_slice are left out of the passes and folded
/// in at the end (the `join` line of the trace). With options.fold_in_gamma the fit ends by
/// folding every document into the final topics (fold_in_document: the better of its fresh fold-in
/// and its gamma), so that the trace's last line is never below the one before and tm-infer given
/// the saved gamma reproduces it.
FitReport fit_batch(const Corpus& corpus, const FitOptions& options, LdaModel& model,
                    const FitCallbacks& callbacks = {}, const Shard& shard = {});

/// One sentence on why the fit stopped and at what values, for summaries.
std::string stop_summary(const FitReport& report, const FitOptions& options);

/// Continues a fit from a safe point: `model` and `progress` as on_checkpoint saw them. Ends with
/// exactly the model and trace (wall times aside) of the uninterrupted fit.
FitReport resume_batch(const Corpus& corpus, const FitOptions& options, LdaModel& model,
                       BatchProgress progress, const FitCallbacks& callbacks = {},
                       const Shard& shard = {});

/// The ELBO of `model` on `corpus` with phi at its optimum (one sweep, no update).
double evaluate_elbo(const Corpus& corpus, const LdaModel& model, int n_threads = 0,
                     const Shard& shard = {});

}  // namespace tmkit
