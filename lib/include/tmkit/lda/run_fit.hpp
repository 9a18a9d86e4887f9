// A whole fit, from a corpus on disk to a model directory, as one call: what tm-fit does, and what
// any other front end (the Python package, a service) gets the same way. It owns how the documents
// are obtained (in memory, streamed for an online fit, one rank's share under MPI), the held-out
// slice a caller asks for, checkpoints and resuming from them, and the model directory. A
// checkpoint stores the plan of the fit (its options and where its corpus is), not a command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/output_guard.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_online.hpp"

namespace tmkit {

/// batch: every document in each M-step, to the stopping rule; online: mini-batches streamed from
/// disk (Hoffman et al. 2010).
enum class Algorithm { batch, online };
/// "batch" or "online"; UsageError otherwise.
Algorithm parse_algorithm(const std::string& name);
std::string algorithm_name(Algorithm algorithm);

/// Everything a fit needs besides the thread count.
struct FitPlan {
  std::string corpus;                  ///< the corpus file or directory
  CorpusReadOptions read;              ///< how to read it (format, vocabulary, raw-text options)
  std::vector<InputPath> more_inputs;  ///< other files the caller read (stop words), for the guard
  Algorithm algorithm = Algorithm::batch;
  FitOptions fit;                    ///< n_threads is the run's, not the plan's
  OnlineOptions online;              ///< with Algorithm::online
  double heldout_fraction = 0;       ///< documents kept out for good and monitored (0: none)
  std::string out;                   ///< the model directory
  std::string checkpoint;            ///< where checkpoints go ("" = out + ".checkpoint")
  std::size_t checkpoint_every = 0;  ///< also one every N passes or mini-batches (0: on a stop)
  std::size_t top_words = 10;        ///< per topic in topics.txt and the summary
  bool force = false;  ///< replace an --out directory that holds something else (output_guard.hpp)
  /// The memory the fit's arrays may take (K x V and D x K, several copies); more is refused
  /// before anything is allocated (memory_limit.hpp).
  double max_memory = kDefaultMaxMemory;
};

/// What a caller sees of a run: the fit's hooks (passes, moves, progress, stop request), and
/// notes for the user ("checkpoint written to ...", the corpus's size when it is read).
struct RunHooks {
  FitCallbacks fit;
  std::function<void(const std::string&)> on_note;
};

/// The result of a run, for the caller's summary. Under MPI, ranks other than 0 write nothing and
/// get written = false.
struct FitOutcome {
  FitPlan plan;          ///< the plan that ran (a resumed fit's, from its checkpoint)
  bool written = false;  ///< this process wrote the model directory
  FitReport report;
  std::size_t n_docs = 0, n_words = 0;  ///< of the documents fitted (every rank's)
  std::uint64_t n_tokens = 0;
  std::size_t heldout_docs = 0;       ///< kept out by heldout_fraction
  double heldout_perplexity = 0;      ///< their last document-completion perplexity (NaN if none)
  std::size_t dropped_documents = 0;  ///< raw text left empty by the tokenizer, dropped
  std::string topics_table;           ///< topics.txt
  std::string coherence_note;         ///< where coherence was computed, when not on every document
  int ranks = 1;
  double mib_summed_per_pass = 0;  ///< statistics traffic per rank per pass under MPI
};

/// Runs `plan` with `n_threads` threads (0: every core) over the processes of `world`. Refuses an
/// output that would replace a user's directory or an input before reading anything (UsageError).
/// Interrupted by a stop request (interrupt.hpp or hooks.fit.stop_requested), it saves a checkpoint
/// and throws Interrupted whose message says where the fit is saved.
FitOutcome run_fit(const FitPlan& plan, int n_threads, const RunHooks& hooks = {},
                   Communicator& world = single_process());

/// Continues the fit saved in the checkpoint directory `dir` (its plan, from any working
/// directory) and ends with exactly the model of the uninterrupted fit.
FitOutcome resume_fit(const std::string& dir, int n_threads, const RunHooks& hooks = {});

/// What tm-fit prints when a fit ends: the fit's size, stopping, ELBO, moves, held-out perplexity,
/// peak memory, where the model went and its topics.
std::string fit_summary(const FitOutcome& outcome);

/// The plan as JSON (paths made absolute), and back; InputError naming `source` when malformed.
std::string plan_to_json(const FitPlan& plan);
FitPlan plan_from_json(const std::string& json, const std::string& source);

}  // namespace tmkit
