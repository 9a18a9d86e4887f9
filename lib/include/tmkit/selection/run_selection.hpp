// A whole model selection, as tm-select does it: the grid of candidates from its lists, the corpus,
// the fits and their scores (spread over MPI ranks when there are several), and the output
// directory (selection.json / .csv / .svg, summary.txt, pointwise_*.npy) written all or nothing;
// or PSIS-LOO of given pointwise log-likelihood matrices, with loo_compare.
#pragma once

#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/output_guard.hpp"
#include "tmkit/selection/selection.hpp"

namespace tmkit {

/// The grid of candidates from comma-separated lists ("5,10,20"; priors as tm-fit's --alpha and
/// --eta take them); OptionError naming "k", "alpha", "eta" or "seeds" for a bad list.
std::vector<Candidate> parse_candidate_grid(const std::string& topics, const std::string& alphas,
                                            const std::string& etas, const std::string& seeds);

struct SelectionPlan {
  std::string corpus;
  CorpusReadOptions read;
  std::vector<InputPath> inputs;  ///< every file the corpus options read, for the guard
  std::vector<Candidate> grid;
  SelectionOptions options;
  std::string out;  ///< the output directory
  bool force = false;
};

/// Checks the output directory (output_guard.hpp), reads the corpus, validates the grid, runs the
/// selection and writes the directory (rank 0 only). `on_note` hears one line before the fits.
/// Returns the summary (summary.txt), "" on ranks other than 0.
std::string run_selection(const SelectionPlan& plan, const SelectionHooks& hooks = {},
                          const std::function<void(const std::string&)>& on_note = {},
                          Communicator& world = single_process());

/// PSIS-LOO of each draws x observations matrix in `files` (and loo_compare when several); with
/// `out`, one matrix's results as JSON. Returns the text for stdout.
std::string run_pointwise_loo(const std::vector<std::string>& files, const std::string& out,
                              int n_threads);

}  // namespace tmkit
