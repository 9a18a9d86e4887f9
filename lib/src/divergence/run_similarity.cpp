#include "tmkit/divergence/run_similarity.hpp"

#include <cstdio>

#include "tmkit/core/error.hpp"
#include "tmkit/divergence/row_set.hpp"
#include "tmkit/divergence/topic_drift.hpp"
#include "tmkit/divergence/topic_matching.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit {
namespace {

// The result itself when there is no output file, else the file and a line saying so.
std::string emit(const std::string& out, const std::string& text) {
  if (out.empty()) return text;
  write_file_atomically(out, text);
  return "written to " + out + "\n";
}

std::string match_topics(const SimilarityPlan& plan, int n_threads) {
  const SavedModel a = load_model(plan.model);
  const SavedModel b = load_model(plan.against);
  if (a.vocab != b.vocab) {
    throw InputError(plan.against, "its vocabulary differs from that of " + plan.model +
                                       "; expected models fitted on the same vocabulary");
  }
  const auto comparison = compare_topics(a.model, b.model, plan.divergence, n_threads);
  if (!plan.out.empty()) write_matrix(plan.out, comparison.divergence);
  return format_topic_comparison(comparison, a.model, b.model, a.vocab, plan.top_words);
}

std::string drift(const SimilarityPlan& plan, const RowSet& rows) {
  const auto drift =
      compute_topic_drift(rows.columns, read_group_labels(plan.groups), plan.drift_threshold);
  if (!plan.svg.empty()) write_file_atomically(plan.svg, render_topic_drift(drift));
  return emit(plan.out, format_topic_drift(drift));
}

std::string matrix(const SimilarityPlan& plan, const RowSet& rows, const RowSet& database,
                   int n_threads, const WorkHooks& hooks) {
  const auto n = static_cast<double>(rows.columns.n_cols);
  const auto m = static_cast<double>(database.columns.n_cols);
  check_matrix_memory(n, m, plan.max_bytes,
                      "ask for the K nearest rows of each row instead, in O(N K) memory");
  if (plan.out.empty() && n * m > 200.0 * 200.0) {
    throw UsageError("a " + std::to_string(rows.columns.n_cols) + " x " +
                     std::to_string(database.columns.n_cols) +
                     " matrix is too large to print; write it to a .npy file");
  }
  if (matrix_format_for(plan.out) == MatrixFormat::csv && n * m > 2000.0 * 2000.0) {
    throw UsageError("CSV is for small matrices (up to 2000 x 2000); write .npy instead");
  }
  char line[160];
  std::snprintf(line, sizeof line, "%s %s matrix, %zu x %zu, written to ",
                plan.similarity ? "similarity" : "divergence",
                metric_name(plan.divergence.metric).c_str(), static_cast<std::size_t>(n),
                static_cast<std::size_t>(m));
  const Metric metric = plan.divergence.metric;
  const bool direct = metric == Metric::js || metric == Metric::jsd || metric == Metric::tv;
  if (plan.with.empty() && !plan.condensed && direct &&
      matrix_format_for(plan.out) == MatrixFormat::npy) {
    // Streamed to the file a panel of rows at a time: the matrix is never held.
    AtomicFile file(plan.out, /*binary=*/true);
    write_divergence_matrix(rows.columns, plan.divergence, plan.similarity, file, n_threads, hooks);
    file.commit();
    return line + plan.out + "\n";
  }
  arma::mat matrix =
      plan.with.empty()
          ? divergence_matrix(rows.columns, plan.divergence, n_threads, hooks)
          : divergence_matrix(rows.columns, database.columns, plan.divergence, n_threads, hooks);
  if (plan.similarity) {
    matrix.transform([&](double v) { return to_similarity(v, plan.divergence); });
  }
  if (plan.out.empty()) {
    return format_matrix_text(plan.condensed ? arma::mat(condensed_upper_triangle(matrix).t())
                                             : matrix);
  }
  if (plan.condensed) {
    write_condensed(plan.out, condensed_upper_triangle(matrix));
    return "written to " + plan.out + "\n";
  }
  write_matrix(plan.out, matrix);
  return line + plan.out + "\n";
}

}  // namespace

void check_similarity_plan(const SimilarityPlan& plan, const Communicator& world) {
  const std::vector<InputPath> inputs = {{"--model", plan.model},
                                         {"--rows", plan.rows},
                                         {"--with", plan.with},
                                         {"--against", plan.against},
                                         {"--groups", plan.groups}};
  check_output_file("--out", plan.out, inputs);
  check_output_file("--svg", plan.svg, inputs);
  if (!plan.svg.empty() && plan.svg == plan.out) {
    throw OptionError("svg", "names the same file as the output");
  }
  if (plan.model.empty() == plan.rows.empty()) {
    throw UsageError("give exactly one of a model directory and a file of rows");
  }
  if (plan.topics && plan.model.empty())
    throw OptionError("topics", "compares a model's topics and needs a model directory");
  if (!plan.against.empty() && plan.model.empty())
    throw OptionError("against", "matches a model's topics and needs a model directory");
  if (plan.condensed && (!plan.with.empty() || plan.top_k > 0)) {
    throw OptionError("condensed", "is for the full matrix of one set of rows");
  }
  if (!plan.groups.empty() && plan.topics) {
    throw OptionError("groups", "needs documents, not topics");
  }
  if (world.size() > 1 && plan.top_k == 0) {
    throw UsageError(
        "under mpirun only neighbour lists are spread over ranks; run the other modes as one "
        "process");
  }
}

std::string run_similarity(const SimilarityPlan& plan, int n_threads, const WorkHooks& hooks,
                           Communicator& world) {
  if (!plan.against.empty()) return match_topics(plan, n_threads);
  const RowSet rows = load_rows(plan.model, plan.rows, plan.topics, plan.policy);
  if (!plan.groups.empty()) return drift(plan, rows);
  RowSet other;
  if (!plan.with.empty()) {
    other = load_rows("", plan.with, false, plan.policy);
    if (other.columns.n_rows != rows.columns.n_rows) {
      throw InputError(plan.with, "rows have " + std::to_string(other.columns.n_rows) +
                                      " values; expected " + std::to_string(rows.columns.n_rows) +
                                      " like those of " + rows.source);
    }
  }
  const RowSet& database = plan.with.empty() ? rows : other;
  if (plan.top_k == 0) return matrix(plan, rows, database, n_threads, hooks);
  const auto nb = nearest_neighbours(rows.columns, database.columns, plan.top_k, plan.with.empty(),
                                     plan.divergence, n_threads, hooks, world);
  if (!world.is_root()) return "";
  return emit(plan.out,
              format_neighbours(nb, rows.ids, database.ids, plan.divergence, plan.similarity));
}

}  // namespace tmkit
