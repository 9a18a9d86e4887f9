#include "tmkit/selection/run_selection.hpp"

#include <optional>

#include "tmkit/core/error.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/numbers.hpp"
#include "tmkit/selection/psis_loo.hpp"
#include "tmkit/selection/selection_report.hpp"

namespace tmkit {
namespace {

// A comma-separated list, each item parsed by `parse` (which throws UsageError with the problem);
// errors name `option` and the whole list.
template <class T, class Parse>
std::vector<T> parse_list(const std::string& text, const std::string& option, Parse parse) {
  std::vector<T> values;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = text.substr(start, comma - start);
    if (item.empty()) {
      throw OptionError(option, "\"" + text + "\": an empty item; expected a list like 5,10,20");
    }
    try {
      values.push_back(parse(item));
    } catch (const UsageError& e) {
      throw OptionError(option, "\"" + text + "\": " + e.what());
    }
    start = comma + 1;
  }
  if (values.empty()) throw OptionError(option, "an empty list; expected at least one value");
  return values;
}

std::uint64_t whole(const std::string& item) {
  const std::optional<std::uint64_t> v = parse_whole_number(item);
  if (!v) throw UsageError("\"" + item + "\" is not a whole number");
  return *v;
}

}  // namespace

std::vector<Candidate> parse_candidate_grid(const std::string& topics, const std::string& alphas,
                                            const std::string& etas, const std::string& seeds) {
  if (topics.empty()) throw OptionError("k", "give the numbers of topics, e.g. -k 5,10,20");
  return candidate_grid(parse_list<std::size_t>(topics, "k", whole),
                        parse_list<AlphaOption>(alphas, "alpha", AlphaOption::parse),
                        parse_list<EtaOption>(etas, "eta", EtaOption::parse),
                        parse_list<std::uint64_t>(seeds, "seeds", whole));
}

std::string run_selection(const SelectionPlan& plan, const SelectionHooks& hooks,
                          const std::function<void(const std::string&)>& on_note,
                          Communicator& world) {
  check_output({"--out", plan.out, true, "selection.json", "tm-select"}, plan.inputs, plan.force);
  const Corpus corpus = read_corpus(plan.corpus, plan.read);
  validate_selection(corpus, plan.grid, plan.options);
  // Under several ranks the jobs are spread over them and rank 0 writes the results. Open the
  // output first, so that an unwritable path fails before the fits, not after them.
  std::optional<AtomicDirectory> dir;
  if (world.is_root()) dir.emplace(plan.out);
  if (on_note) {
    on_note(std::to_string(plan.grid.size()) + " candidates on " + std::to_string(corpus.n_docs()) +
            " documents" +
            (plan.options.kfold ? ", " + std::to_string(plan.options.kfold) + "-fold" : "") +
            (world.size() > 1 ? "; " + std::to_string(world.size()) + " MPI ranks" : ""));
  }
  const SelectionReport report = select_models(corpus, plan.grid, plan.options, hooks, world);
  if (!dir) return "";

  write_file_atomically(dir->file("selection.json"), selection_json(report, corpus.n_words()));
  write_file_atomically(dir->file("selection.csv"), selection_csv(report));
  write_file_atomically(dir->file("selection.svg"), render_selection_chart(report));
  const std::string summary = format_selection(report, corpus.n_words());
  write_file_atomically(dir->file("summary.txt"), summary);
  if (plan.options.keep_pointwise) {
    for (const auto& r : report.candidates) {
      write_npy_file(dir->file("pointwise_" + r.candidate.label() + ".npy"), r.pointwise);
    }
  }
  dir->commit();
  return summary;
}

std::string run_pointwise_loo(const std::vector<std::string>& files, const std::string& out,
                              int n_threads) {
  if (!out.empty()) {
    // Before any work: --out is one file of one model's results, never an input.
    if (files.size() > 1) {
      throw OptionError("out", "writes one model's PSIS-LOO; give one pointwise matrix");
    }
    check_output_file("--out", out, {{"--pointwise", files[0]}});
  }
  std::string text;
  std::vector<LooResult> results;
  for (const std::string& path : files) {
    const arma::mat ll = read_matrix(path, "log-likelihood").columns.t();
    check_pointwise(ll, path);
    results.push_back(psis_loo(ll, n_threads));
    text += format_loo(results.back(), path) + "\n";
  }
  if (results.size() > 1) {
    std::vector<const LooResult*> pointers;
    for (const auto& r : results) pointers.push_back(&r);
    text += "model comparison (as loo_compare):\n" +
            format_loo_comparison(compare_loo(pointers), files);
  }
  if (!out.empty()) write_file_atomically(out, loo_json(results[0]));
  return text;
}

}  // namespace tmkit
