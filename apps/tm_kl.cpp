// tm-kl: divergences between given distributions, like MATLAB's kldiv.m but for many rows at once
// and with every convention explicit: row by row, every pair, or every metric at once.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"

namespace {

const tmkit::cli::AppHelp kHelp = {
    "tm-kl",
    "divergences between the rows of two files: KL, reverse and symmetric KL, JS, JS distance, "
    "Hellinger, total variation",
    "tm-kl P Q [options]   (P, Q: one distribution per row; text, CSV or .npy)",
    "  tm-kl p.txt q.txt                          KL(p_i || q_i), one value per line\n"
    "  tm-kl p.txt q.txt --metric js --base 2     JS in bits\n"
    "  tm-kl p.csv q.csv --mode pairwise --out d.npy   every pair: a |P| x |Q| matrix\n"
    "  tm-kl p.txt q.txt --mode all               every metric for each row pair\n"
    "  tm-kl counts.txt q.txt --normalize --zero epsilon=1e-10   smooth zeros, divide by sums\n"};

const tmkit::Metric kAll[] = {tmkit::Metric::kl, tmkit::Metric::rkl, tmkit::Metric::skl,
                              tmkit::Metric::js, tmkit::Metric::jsd, tmkit::Metric::hellinger,
                              tmkit::Metric::tv};

// The divergences --mode asks for; `header` names the metrics' columns in --mode all.
arma::mat divergences(const std::string& mode, const tmkit::DistributionFile& p,
                      const tmkit::DistributionFile& q, const std::string& p_path,
                      const std::string& q_path, const tmkit::DivergenceOptions& divergence,
                      double max_bytes, int threads, std::string& header) {
  arma::mat result;
  if (mode == "pairwise") {
    tmkit::check_matrix_memory(static_cast<double>(p.columns.n_cols),
                               static_cast<double>(q.columns.n_cols), max_bytes,
                               "use tm-similarity --top-k for nearest neighbours instead");
    result = tmkit::divergence_matrix(p.columns, q.columns, divergence, threads);
  } else {
    if (p.columns.n_cols != q.columns.n_cols) {
      throw tmkit::InputError(q_path, "has " + std::to_string(q.columns.n_cols) + " rows; --mode " +
                                          mode + " pairs row i with row i and expected " +
                                          std::to_string(p.columns.n_cols) + " like " + p_path);
    }
    if (mode == "rows") {
      result = tmkit::divergence_rows(p.columns, q.columns, divergence, threads);
    } else {
      header = "#";
      result.set_size(p.columns.n_cols, std::size(kAll));
      for (std::size_t m = 0; m < std::size(kAll); ++m) {
        header += " " + tmkit::metric_name(kAll[m]);
        result.col(m) =
            tmkit::divergence_rows(p.columns, q.columns, {kAll[m], divergence.base2}, threads);
      }
      header += "\n";
    }
  }
  return result;
}

int kl_main(int argc, char** argv) {
  namespace po = tmkit::cli::po;
  int threads = 0;
  bool quiet = false;
  std::string p_path, q_path, mode = "rows", out;
  tmkit::cli::DivergenceOptionValues divergence_values;
  po::options_description options("Options");
  tmkit::cli::add_common_options(options, threads, quiet);
  tmkit::cli::add_divergence_options(
      options, divergence_values, "kl",
      "kl, rkl (KL(q||p)), skl ((KL+rKL)/2), js, jsd (sqrt js, scipy's jensenshannon), hellinger, "
      "tv");
  options.add_options()("p", po::value<std::string>(&p_path)->required(), "first file (rows p_i)")(
      "q", po::value<std::string>(&q_path)->required(), "second file (rows q_j)")(
      "mode", po::value<std::string>(&mode)->default_value("rows"),
      "rows: d(p_i, q_i); pairwise: d(p_i, q_j) for all i, j; all: every metric for each row pair")(
      "out,o", po::value<std::string>(&out),
      "write here instead of stdout (.npy, .csv or text by extension)");
  po::positional_options_description positional;
  positional.add("p", 1).add("q", 1);
  po::variables_map vm;
  if (!tmkit::cli::parse(argc, argv, options, kHelp, vm, &positional)) return tmkit::cli::kExitOk;
  if (mode != "rows" && mode != "pairwise" && mode != "all") {
    throw tmkit::UsageError("--mode: '" + mode + "'; expected rows, pairwise or all");
  }
  const tmkit::cli::DivergenceChoice choice =
      tmkit::cli::finish_divergence_options(divergence_values);
  const tmkit::DivergenceOptions& divergence = choice.divergence;
  const tmkit::RowPolicy& policy = choice.policy;
  const double max_bytes = choice.max_bytes;

  tmkit::check_output_file("--out", out, {{"P", p_path}, {"Q", q_path}});
  auto p = tmkit::read_distributions(p_path);
  auto q = tmkit::read_distributions(q_path);
  if (q.columns.n_rows != p.columns.n_rows) {
    throw tmkit::InputError(q_path, q.lines.empty() ? 0 : q.lines.front(),
                            "rows have " + std::to_string(q.columns.n_rows) + " values; expected " +
                                std::to_string(p.columns.n_rows) + " like the rows of " + p_path);
  }
  tmkit::prepare_distributions(p.columns, policy, p_path, p.lines);
  tmkit::prepare_distributions(q.columns, policy, q_path, q.lines);

  std::string header;
  const arma::mat result =
      divergences(mode, p, q, p_path, q_path, divergence, max_bytes, threads, header);
  if (out.empty()) {
    std::fputs((header + tmkit::format_matrix_text(result)).c_str(), stdout);
  } else if (!header.empty() && tmkit::matrix_format_for(out) == tmkit::MatrixFormat::text) {
    tmkit::write_file_atomically(out, header + tmkit::format_matrix_text(result));
  } else {
    tmkit::write_matrix(out, result);
  }
  if (!out.empty()) {
    std::printf("%zu x %zu values (%s) written to %s\n", static_cast<std::size_t>(result.n_rows),
                static_cast<std::size_t>(result.n_cols),
                mode == "all" ? "every metric" : tmkit::metric_name(divergence.metric).c_str(),
                out.c_str());
  }
  return tmkit::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-kl", argc, argv, kl_main); }
