// A whole similarity run, as tm-similarity does it, in one of four modes: the topics of two models
// matched one to one; topic drift between groups of documents; each row's nearest neighbours; or
// the full (or condensed) matrix. What is printed and what is written is decided here, so that
// every front end gives the same files.
#pragma once

#include <cstddef>
#include <string>

#include "tmkit/core/communicator.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/output_guard.hpp"

namespace tmkit {

struct SimilarityPlan {
  std::string model;  ///< a model directory: its documents, or with `topics` its topics
  bool topics = false;
  std::string rows;     ///< or a file of row-stochastic rows
  std::string with;     ///< a second file of rows to compare the first with
  std::string against;  ///< a second model whose topics are matched to the first's
  std::string groups;   ///< topic drift: one group label per document
  double drift_threshold = 0.05;
  std::string svg;            ///< the drift plot
  std::size_t top_k = 0;      ///< neighbour lists instead of a matrix
  std::size_t top_words = 8;  ///< per topic shown by a match
  bool similarity = false;    ///< similarities in [0, 1] instead of divergences
  bool condensed = false;     ///< the upper triangle only
  DivergenceOptions divergence{Metric::js, false};
  RowPolicy policy;
  double max_bytes = kDefaultMaxMemory;
  std::string out;  ///< the output file ("": print)
};

/// Checks the plan (UsageError naming the options at odds) and its output files (output_guard.hpp)
/// before anything is read.
void check_similarity_plan(const SimilarityPlan& plan, const Communicator& world);

/// Runs the plan; returns what to print on stdout (the result itself when plan.out is empty, else
/// a line saying what was written where). Under several ranks only --top-k is spread over them,
/// and ranks other than 0 return "".
std::string run_similarity(const SimilarityPlan& plan, int n_threads, const WorkHooks& hooks = {},
                           Communicator& world = single_process());

}  // namespace tmkit
