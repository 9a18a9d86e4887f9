// Online variational Bayes for LDA (Hoffman, Blei & Bach 2010, Algorithm 2): documents stream from
// a DocumentSource in mini-batches B_t; for each, the E-step runs with the topics fixed, then
//   lambda <- (1 - rho_t) lambda + rho_t (eta + D / |B_t| sum_{d in B_t} n_dw phi_dwk),
//   rho_t = (tau0 + t)^(-kappa),
// and alpha moves the same way towards its Newton optimum on the batch (as gensim's update_alpha).
// Memory is O(K V + batch): lambda is kept as a M + b (two scalars and one K x V matrix), so a
// mini-batch touches only the columns of its own words, and the decay of every other entry is one
// multiplication of a scalar. Derivations: docs/math/online.md.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

/// Online schedule. Defaults are scikit-learn's (learning_offset 10, learning_decay 0.7);
/// gensim's are tau0 = 1, kappa = 0.5.
struct OnlineOptions {
  std::size_t batch_size = 256;  ///< documents per mini-batch
  double tau0 = 10.0;            ///< delays the first steps (tau0 >= 0)
  double kappa = 0.7;            ///< forgetting rate, in (0.5, 1] for convergence
  /// D, the corpus size the mini-batches' statistics are scaled to; 0 means the source's documents.
  /// A caller that streams batches of an unknown corpus one at a time gives its estimate
  /// (scikit-learn's partial_fit: total_samples, 10^6 by default).
  double total_docs = 0;
  /// End with the fold-in pass (every document's gamma under the final topics, exact ELBO). Off,
  /// the trace ends with the last pass's estimate and on_gamma is not called.
  bool fold_in = true;
};

/// Where an online fit stands between two mini-batches; with the model, all a resumed fit needs.
struct OnlineProgress {
  std::size_t updates = 0;     ///< mini-batches done in all (t)
  std::size_t passes = 0;      ///< passes completed
  std::size_t next_doc = 0;    ///< first document of the next mini-batch of this pass
  double pass_elbo = 0;        ///< this pass's documents' ELBO terms so far
  double pass_iterations = 0;  ///< their E-step iterations
  std::vector<PassReport> trace;
  double seconds = 0;  ///< wall time of the fit so far
  /// Within a pass lambda is kept as lambda_scale * lambda_m + lambda_offset (see lda_online.cpp);
  /// a checkpoint taken there keeps that form exactly (lambda_m empty at a pass boundary, where
  /// model.lambda is all there is).
  arma::mat lambda_m;
  arma::vec lambda_m_row_sums;
  double lambda_scale = 1, lambda_offset = 0;
};

/// What an online fit reports beyond FitCallbacks: the gamma of the final fold-in pass, a batch at
/// a time in document order (gamma is K x batch size; the batch's first and n_docs() say which
/// documents, its word ids are renumbered and not the corpus's). The safe points are after each
/// mini-batch and before the fold-in pass: there fit.work.stop() is asked and
/// checkpoint_due(mini-batches so far) asked, and if either says yes on_checkpoint gets the state;
/// when stopping, the fit then throws Interrupted.
struct OnlineCallbacks {
  FitCallbacks fit;
  std::function<void(const DocumentBatch& batch, const arma::mat& gamma)> on_gamma;
  std::function<bool(std::size_t updates)> checkpoint_due;
  std::function<void(const LdaModel&, const OnlineProgress&)> on_checkpoint;
};

/// Checks the online options; UsageError naming the option otherwise.
void validate_online_options(const OnlineOptions& online);

/// The starting topics of an online fit: with InitMethod::spa (the default), a batch fit of the
/// first kInitSampleDocs documents of the source (fit_batch's tempered warm-up and merge-split
/// moves, at most 40 passes, the ELBO rule at 1e-4), its expected counts scaled to the whole
/// corpus; with InitMethod::random, initialize_model's random lambda. gamma is left empty.
/// Rewinds the source. The result does not depend on n_threads.
LdaModel initialize_online_model(DocumentSource& source, const FitOptions& options);

/// Documents the initialisation of an online fit looks at.
constexpr std::size_t kInitSampleDocs = 4096;

/// Runs options.max_passes passes over `source` (each line of the trace: the pass's documents'
/// ELBO terms, each taken at its own mini-batch, plus the topics' term at the end of the pass;
/// an estimate, since the topics move during the pass), then one fold-in pass with the final topics
/// that reports each document's gamma through on_gamma and gives the exact ELBO of the final
/// state (the last line, marked fold_in). `progress` is where to start (a fresh one, or a
/// checkpoint's) and ends as the final state. lambda, alpha and eta in `model` are updated; its
/// gamma is not used. The result does not depend on n_threads.
/// Under a Communicator of several ranks, each rank opens the same source and E-steps its part of
/// every mini-batch (whole blocks of 64 documents; a .tmc source reads only that part); the
/// statistics are summed in rank order, so every rank holds the same lambda, alpha, eta and trace,
/// equal to one process's up to rounding. on_gamma is called on rank 0 alone, with every rank's
/// gamma of the batch (its `batch` then tells only first and n_docs()).
FitReport fit_online(DocumentSource& source, const FitOptions& options, const OnlineOptions& online,
                     LdaModel& model, OnlineProgress& progress,
                     const OnlineCallbacks& callbacks = {}, Communicator& comm = single_process());

}  // namespace tmkit
