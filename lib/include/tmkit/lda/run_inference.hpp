// A whole inference run, as tm-infer does it: new documents read in the model's vocabulary (raw
// text as the fit read it), folded in with the topics fixed, theta / gamma / per-document ELBO
// written all or nothing, and with held-out halves (given, or split at random) document-completion
// perplexity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/output_guard.hpp"

namespace tmkit {

struct InferencePlan {
  std::string model;   ///< the model directory
  std::string corpus;  ///< the documents
  CorpusReadOptions read;
  bool text_options_given = false;          ///< else raw text is read with the fit's own options
  std::vector<InputPath> inputs;            ///< every file the corpus options read, for the guard
  std::string heldout;                      ///< the held-out halves of the same documents
  std::optional<std::uint64_t> split_seed;  ///< or split each document 50/50 with this seed
  std::optional<double> estep_tol;          ///< else the model's
  std::optional<std::size_t> estep_max_iter;
  std::string out;        ///< theta (D x K): .npy, or text for any other name
  std::string gamma_out;  ///< "" = out's name with .gamma before the extension
  std::string elbo_out;   ///< "" = out's name with .elbo, text
};

struct InferenceOutcome {
  std::string summary;   ///< for stdout: what was folded in, scores, where the files went
  std::string warnings;  ///< for stderr: documents with no known word (each line ends in '\n')
};

/// Checks the plan and its three outputs (output_guard.hpp, none the same file), then runs it.
/// UsageError (OptionError naming the option) for bad values, InputError for bad files.
InferenceOutcome run_inference(const InferencePlan& plan, int n_threads,
                               const WorkHooks& hooks = {});

}  // namespace tmkit
