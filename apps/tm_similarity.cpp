// tm-similarity: how alike documents or topics are. Full divergence / similarity matrices,
// nearest-neighbour lists, the topics of two models matched one to one, and topic drift between
// groups of documents.
#include <cstdio>
#include <sstream>

#include "common/cli.hpp"
#include "tmkit/divergence/row_set.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/divergence/topic_drift.hpp"
#include "tmkit/divergence/topic_matching.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-similarity",
    "divergence or similarity between documents or topics: matrices, nearest neighbours, topic "
    "matching between two models, topic drift between groups of documents",
    "tm-similarity (--model DIR [--topics] | --rows FILE) [options]",
    "  tm-similarity --model kjv-model --top-k 5                 5 nearest chapters of each "
    "chapter\n"
    "  tm-similarity --model kjv-model --out js.npy              full JS matrix of the documents\n"
    "  tm-similarity --model kjv-model --topics --metric hellinger --out topics.csv\n"
    "  tm-similarity --model fit-seed1 --against fit-seed2       match the topics of two fits\n"
    "  tm-similarity --rows theta.npy --with new.npy --top-k 10  neighbours of new rows among old\n"
    "  tm-similarity --model kjv-model --groups books.txt --svg drift.svg   drift between books\n"};

using tmkit::RowSet;

std::vector<std::string> read_groups(const std::string& path) {
  const std::string content = tmkit::read_file(path);
  tmkit::LineReader reader(content);
  std::string_view line;
  std::vector<std::string> groups;
  while (reader.next(line)) {
    if (line.empty()) {
      throw tmkit::InputError(path, reader.line_number(),
                              "empty group label; expected one label per document, in order");
    }
    groups.emplace_back(line);
  }
  return groups;
}

std::string neighbour_table(const tmkit::Neighbours& nb, const RowSet& queries,
                            const RowSet& database, const tmkit::DivergenceOptions& options,
                            bool similarity) {
  const bool ids = !queries.ids.empty() || !database.ids.empty();
  std::ostringstream out;
  out << "row\trank\tneighbour\t"
      << (similarity ? "similarity" : tmkit::metric_name(options.metric))
      << (ids ? "\trow_id\tneighbour_id" : "") << "\n";
  for (arma::uword i = 0; i < nb.index.n_rows; ++i) {
    for (arma::uword r = 0; r < nb.index.n_cols; ++r) {
      const arma::uword j = nb.index(i, r);
      const double value =
          similarity ? tmkit::to_similarity(nb.value(i, r), options) : nb.value(i, r);
      out << i << '\t' << r + 1 << '\t' << j << '\t' << tmkit::format_double(value);
      if (ids) {
        out << '\t' << (i < queries.ids.size() ? queries.ids[i] : std::to_string(i)) << '\t'
            << (j < database.ids.size() ? database.ids[j] : std::to_string(j));
      }
      out << '\n';
    }
  }
  return out.str();
}

// The result on stdout, or into `out` with a line on stdout saying so.
void emit(const std::string& out, const std::string& text) {
  if (out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    tmkit::write_file_atomically(out, text);
    std::printf("written to %s\n", out.c_str());
  }
}

int similarity_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false, topics = false, condensed = false, similarity = false;
  std::string model_dir, rows_path, against, with;
  std::string out, groups_path, svg;
  cli::DivergenceOptionValues divergence_values;
  std::size_t top_k = 0, top_words = 8;
  double drift_threshold = 0.05;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  cli::add_divergence_options(options, divergence_values, "js",
                              "kl, rkl, skl, js, jsd, hellinger, tv");
  options.add_options()("model,m", po::value<std::string>(&model_dir),
                        "model directory: its documents' theta (or with --topics its topics)")(
      "topics", po::bool_switch(&topics),
      "compare the model's topics (E[beta] rows), not documents")(
      "rows", po::value<std::string>(&rows_path),
      "row-stochastic rows instead of a model (.npy, CSV or text; e.g. theta from tm-infer)")(
      "with", po::value<std::string>(&with),
      "a second file of rows: compare every row of the first set with these")(
      "against", po::value<std::string>(&against),
      "a second model: its topics against the first's, matched one to one")(
      "top-k", po::value<std::size_t>(&top_k)->default_value(0),
      "list the K nearest rows of each row (TSV) instead of a full matrix; memory O(N K)")(
      "similarity", po::bool_switch(&similarity),
      "report similarities in [0, 1]: 1 - JS/ln 2, exp(-KL), 1 - H^2, 1 - TV")(
      "out,o", po::value<std::string>(&out),
      "output file: .npy (full, or --condensed), .csv or text; TSV for --top-k and tables")(
      "condensed", po::bool_switch(&condensed),
      "write the upper triangle only, row by row (scipy's pdist form; one set only)")(

      "groups", po::value<std::string>(&groups_path),
      "topic drift: a file with one group label (e.g. a month) per document, in document order")(
      "drift-threshold", po::value<double>(&drift_threshold)->default_value(0.05, "0.05"),
      "flag steps whose JS (nats) is above this")("svg", po::value<std::string>(&svg),
                                                  "with --groups: write the drift plot here")(
      "top-words", po::value<std::size_t>(&top_words)->default_value(8),
      "with --against: words shown per topic");
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  cli::requires_option(vm, "svg", "groups");
  cli::requires_option(vm, "drift-threshold", "groups");
  cli::requires_option(vm, "top-words", "against");
  const std::vector<tmkit::InputPath> inputs = {{"--model", model_dir},
                                                {"--rows", rows_path},
                                                {"--with", with},
                                                {"--against", against},
                                                {"--groups", groups_path}};
  tmkit::check_output_file("--out", out, inputs);
  tmkit::check_output_file("--svg", svg, inputs);
  if (!svg.empty() && svg == out) throw tmkit::UsageError("--svg and --out name the same file");
  if (model_dir.empty() == rows_path.empty()) {
    throw tmkit::UsageError("give exactly one of --model DIR and --rows FILE");
  }
  if (topics && model_dir.empty()) throw tmkit::UsageError("--topics needs --model");
  if (!against.empty() && model_dir.empty()) throw tmkit::UsageError("--against needs --model");
  if (condensed && (!with.empty() || top_k > 0)) {
    throw tmkit::UsageError("--condensed is for the full matrix of one set of rows");
  }
  const cli::DivergenceChoice choice = cli::finish_divergence_options(divergence_values);
  const tmkit::DivergenceOptions& divergence = choice.divergence;
  const tmkit::RowPolicy& policy = choice.policy;
  const double max_bytes = choice.max_bytes;
  // Under mpirun, --top-k spreads its row tiles over the ranks and rank 0 writes the lists.
  tmkit::Communicator& world = tmkit::current_world();
  if (world.size() > 1 && top_k == 0) {
    throw tmkit::UsageError(
        "under mpirun only --top-k is spread over ranks; run the other modes as one process");
  }

  if (!against.empty()) {  // topic matching between two models
    const tmkit::SavedModel a = tmkit::load_model(model_dir);
    const tmkit::SavedModel b = tmkit::load_model(against);
    if (a.vocab != b.vocab) {
      throw tmkit::InputError(against, "its vocabulary differs from that of " + model_dir +
                                           "; expected models fitted on the same vocabulary");
    }
    const auto comparison = tmkit::compare_topics(a.model, b.model, divergence, threads);
    if (!out.empty()) tmkit::write_matrix(out, comparison.divergence);
    std::fputs(
        tmkit::format_topic_comparison(comparison, a.model, b.model, a.vocab, top_words).c_str(),
        stdout);
    return cli::kExitOk;
  }

  const RowSet rows = tmkit::load_rows(model_dir, rows_path, topics, policy);
  if (!groups_path.empty()) {  // topic drift
    if (topics) throw tmkit::UsageError("--groups needs documents, not --topics");
    const auto drift =
        tmkit::compute_topic_drift(rows.columns, read_groups(groups_path), drift_threshold);
    if (!svg.empty()) tmkit::write_file_atomically(svg, tmkit::render_topic_drift(drift));
    emit(out, tmkit::format_topic_drift(drift));
    return cli::kExitOk;
  }
  RowSet other;
  if (!with.empty()) {
    other = tmkit::load_rows("", with, false, policy);
    if (other.columns.n_rows != rows.columns.n_rows) {
      throw tmkit::InputError(with, "rows have " + std::to_string(other.columns.n_rows) +
                                        " values; expected " + std::to_string(rows.columns.n_rows) +
                                        " like those of " + rows.source);
    }
  }
  const RowSet& database = with.empty() ? rows : other;
  cli::Progress progress(top_k > 0 ? "neighbours" : "matrix", quiet || !world.is_root());
  if (top_k > 0) {
    const auto nb =
        tmkit::nearest_neighbours(rows.columns, database.columns, top_k, with.empty(), divergence,
                                  threads, cli::work_hooks(progress), world);
    progress.finish();
    if (!world.is_root()) return cli::kExitOk;
    emit(out, neighbour_table(nb, rows, database, divergence, similarity));
    return cli::kExitOk;
  }
  const auto n = static_cast<double>(rows.columns.n_cols);
  const auto m = static_cast<double>(database.columns.n_cols);
  tmkit::check_matrix_memory(n, m, max_bytes,
                           "use --top-k K for the K nearest rows of each row in O(N K) memory");
  if (out.empty() && n * m > 200.0 * 200.0) {
    throw tmkit::UsageError("a " + std::to_string(rows.columns.n_cols) + " x " +
                            std::to_string(database.columns.n_cols) +
                            " matrix is too large to print; give --out FILE.npy");
  }
  if (tmkit::matrix_format_for(out) == tmkit::MatrixFormat::csv && n * m > 2000.0 * 2000.0) {
    throw tmkit::UsageError("CSV is for small matrices (up to 2000 x 2000); write .npy instead");
  }
  arma::mat matrix =
      with.empty()
          ? tmkit::divergence_matrix(rows.columns, divergence, threads, cli::work_hooks(progress))
          : tmkit::divergence_matrix(rows.columns, database.columns, divergence, threads,
                                     cli::work_hooks(progress));
  progress.finish();
  if (similarity) matrix.transform([&](double v) { return tmkit::to_similarity(v, divergence); });
  if (condensed) {
    const arma::vec upper = tmkit::condensed_upper_triangle(matrix);
    if (tmkit::matrix_format_for(out) == tmkit::MatrixFormat::npy) {  // 1-d, as scipy's pdist
      tmkit::AtomicFile file(out, /*binary=*/true);
      tmkit::write_npy(file.stream(), upper.memptr(), {upper.n_elem});
      file.commit();
    } else {
      emit(out, tmkit::format_matrix_text(upper.t()));
    }
    return cli::kExitOk;
  }
  if (out.empty()) {
    emit(out, tmkit::format_matrix_text(matrix));
  } else {
    tmkit::write_matrix(out, matrix);
  }
  if (!out.empty()) {  // the summary goes to stdout, unless the matrix itself did
    std::printf("%s %s matrix, %zu x %zu, written to %s\n",
                similarity ? "similarity" : "divergence",
                tmkit::metric_name(divergence.metric).c_str(), static_cast<std::size_t>(n),
                static_cast<std::size_t>(m), out.c_str());
  }
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun (--top-k), SIGINT stops the ranks outright: no graceful stop across ranks yet
  // (cli::run installs the handler in one process only).
  tmkit::mpi_world(argc, argv);
  return tmkit::cli::run("tm-similarity", argc, argv, similarity_main);
}
