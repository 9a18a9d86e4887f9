// tm-select: fit a grid of candidate models (K, priors, seeds) on one corpus and compare them by
// every criterion (ELBO, held-out perplexity, AIC, AICc, BIC, HQIC, PSIS-LOO, held-out and K-fold
// elpd, coherence, stability); or run PSIS-LOO on a given pointwise log-likelihood matrix.
#include <cstdio>
#include <optional>
#include <sstream>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/numbers.hpp"
#include "tmkit/selection/psis_loo.hpp"
#include "tmkit/selection/selection.hpp"
#include "tmkit/selection/selection_report.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-select",
    "choose the number of topics (and priors): fit a grid of candidates and compare them by "
    "ELBO, held-out perplexity, AIC/AICc/BIC/HQIC, PSIS-LOO, held-out and K-fold elpd, coherence "
    "and stability; or PSIS-LOO of any pointwise log-likelihood matrix, as R's loo::loo",
    "tm-select --corpus PATH -k K1,K2,... --out DIR [options]\n"
    "       tm-select --pointwise FILE [--pointwise FILE2 ...] [--out R.json]",
    "  tm-select --corpus corpora/kjv/docword.kjv.txt -k 5,10,20,40,80 --out kjv-select\n"
    "  tm-select --corpus news.txt -k 10,20,40 --alpha symmetric,auto --seeds 1,2,3 --out grid\n"
    "  tm-select --corpus docword.nips.txt -k 10,20,40 --kfold 10 --out nips-select   "
    "(exact K-fold beside PSIS-LOO)\n"
    "  tm-select --corpus corpora/kjv/docword.kjv.txt -k 10,20 --keep-pointwise --out sel   "
    "(then in R: loo::loo(RcppCNPy::npyLoad('sel/pointwise_k10.npy'), r_eff = 1))\n"
    "  tm-select --pointwise log_lik.npy --out loo.json   (draws x observations, as loo::loo)\n"
    "  tm-select --pointwise model_a.npy --pointwise model_b.npy   (adds loo_compare)\n"};

template <class T>
std::vector<T> parse_list(const std::string& text, const std::string& option,
                          T (*parse)(const std::string&)) {
  std::vector<T> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) {
      throw tmkit::UsageError(option + " \"" + text +
                              "\": an empty item; expected a list like "
                              "5,10,20");
    }
    try {
      values.push_back(parse(item));
    } catch (const tmkit::UsageError& e) {
      throw tmkit::UsageError(option + " \"" + text + "\": " + e.what());
    }
  }
  if (values.empty()) {
    throw tmkit::UsageError(option + ": an empty list; expected at least one value");
  }
  return values;
}

std::uint64_t parse_count(const std::string& item) {
  const std::optional<std::uint64_t> v = tmkit::parse_whole_number(item);
  if (!v) throw tmkit::UsageError("\"" + item + "\" is not a whole number");
  return *v;
}

std::size_t parse_topics(const std::string& item) { return parse_count(item); }
tmkit::AlphaOption parse_alpha(const std::string& item) { return tmkit::AlphaOption::parse(item); }
tmkit::EtaOption parse_eta(const std::string& item) { return tmkit::EtaOption::parse(item); }

// PSIS-LOO of given matrices (draws x observations), and loo_compare when there are several.
int pointwise_main(const std::vector<std::string>& files, const std::string& out, int threads) {
  if (!out.empty()) {
    // Before any work: --out is one file of one model's results, never an input.
    if (files.size() > 1) {
      throw tmkit::UsageError("--out writes one model's PSIS-LOO; give one --pointwise file");
    }
    tmkit::check_output_file("--out", out, {{"--pointwise", files[0]}});
  }
  std::vector<tmkit::LooResult> results;
  for (const std::string& path : files) {
    const arma::mat ll = tmkit::read_matrix(path, "log-likelihood").columns.t();
    tmkit::check_pointwise(ll, path);
    results.push_back(tmkit::psis_loo(ll, threads));
    std::printf("%s\n", tmkit::format_loo(results.back(), path).c_str());
  }
  if (results.size() > 1) {
    std::vector<const tmkit::LooResult*> pointers;
    for (const auto& r : results) pointers.push_back(&r);
    std::printf("model comparison (as loo_compare):\n%s",
                tmkit::format_loo_comparison(tmkit::compare_loo(pointers), files).c_str());
  }
  if (!out.empty()) tmkit::write_file_atomically(out, tmkit::loo_json(results[0]));
  return cli::kExitOk;
}

int select_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false;
  cli::CorpusOptionValues corpus_values;
  std::string out, topics_text, alpha_text = "symmetric", eta_text = "symmetric", seeds_text = "1";
  std::vector<std::string> pointwise_files;
  tmkit::SelectionOptions options;
  po::options_description description("Options");
  bool force = false;
  cli::add_common_options(description, threads, quiet);
  cli::add_force_option(description, force);
  cli::add_corpus_options(description, corpus_values, false);
  description.add_options()("out,o", po::value<std::string>(&out),
                            "output directory of a grid (new, empty, or an earlier tm-select "
                            "output), or R.json (with --pointwise)")(
      "topics,k", po::value<std::string>(&topics_text),
      "numbers of topics to try, comma-separated: 5,10,20,40")(
      "alpha", po::value<std::string>(&alpha_text)->default_value("symmetric"),
      "priors on document topics to try, comma-separated (as tm-fit --alpha)")(
      "eta", po::value<std::string>(&eta_text)->default_value("symmetric"),
      "priors on topic words to try, comma-separated (as tm-fit --eta)")(
      "seeds", po::value<std::string>(&seeds_text)->default_value("1"),
      "seeds to try, comma-separated; two or more also measure stability across seeds")(
      "heldout-fraction",
      po::value<double>(&options.heldout_fraction)->default_value(options.heldout_fraction, "0.1"),
      "documents held out of every fit, for perplexity and held-out elpd")(
      "split-seed", po::value<std::uint64_t>(&options.split_seed)->default_value(1),
      "seed of the held-out split, the folds and the draws")(
      "draws", po::value<std::size_t>(&options.n_draws)->default_value(options.n_draws),
      "draws from q(beta) for PSIS-LOO and held-out elpd")(
      "kfold", po::value<std::size_t>(&options.kfold)->default_value(0),
      "also exact K-fold cross-validation with this many folds (refits every candidate K times)")(
      "top", po::value<std::size_t>(&options.coherence_top)->default_value(10),
      "top words per topic for coherence")(
      "keep-pointwise", po::bool_switch(&options.keep_pointwise),
      "write each candidate's draws x documents log-likelihoods (pointwise_LABEL.npy)")(
      "passes",
      po::value<std::size_t>(&options.fit.max_passes)->default_value(options.fit.max_passes),
      "most passes per fit")(
      "tol", po::value<double>(&options.fit.tol)->default_value(options.fit.tol, "1e-5"),
      "fit converged when the relative ELBO change stays below this")(
      "estep-tol", po::value<double>(&options.fit.estep.tol)->default_value(options.fit.estep.tol),
      "per-document E-step stop (fits and scoring)")(
      "moves", po::value<std::size_t>(&options.fit.max_moves)->default_value(options.fit.max_moves),
      "merge-split proposals per fit (0: none)")(
      "pointwise", po::value<std::vector<std::string>>(&pointwise_files),
      "PSIS-LOO of this draws x observations log-likelihood matrix (.npy or text) instead of a "
      "grid; repeat to compare models");
  po::variables_map vm;
  if (!cli::parse(argc, argv, description, kHelp, vm)) return cli::kExitOk;
  if (!pointwise_files.empty()) {
    if (!corpus_values.corpus.empty()) {
      throw tmkit::UsageError("give --pointwise or --corpus, not both");
    }
    if (force)
      throw tmkit::UsageError("--force replaces an output directory; --pointwise writes none");
    return pointwise_main(pointwise_files, out, threads);
  }
  if (corpus_values.corpus.empty()) {
    throw tmkit::UsageError("give --corpus PATH (a grid to fit) or --pointwise FILE");
  }
  if (out.empty()) throw tmkit::UsageError("--out DIR is required with --corpus");
  tmkit::check_output({"--out", out, true, "selection.json", "tm-select"},
                      cli::corpus_inputs(corpus_values), force);
  if (topics_text.empty())
    throw tmkit::UsageError("-k: give the numbers of topics, e.g. -k 5,10,20");
  const auto grid =
      tmkit::candidate_grid(parse_list<std::size_t>(topics_text, "-k", parse_topics),
                            parse_list<tmkit::AlphaOption>(alpha_text, "--alpha", parse_alpha),
                            parse_list<tmkit::EtaOption>(eta_text, "--eta", parse_eta),
                            parse_list<std::uint64_t>(seeds_text, "--seeds", parse_count));
  options.n_threads = threads;
  const tmkit::CorpusReadOptions read_options = cli::finish_corpus_options(corpus_values);
  const tmkit::Corpus corpus = tmkit::read_corpus(corpus_values.corpus, read_options);
  tmkit::validate_selection(corpus, grid, options);

  // Under mpirun the jobs are spread over the ranks and rank 0 writes the results. Open the output
  // first, so that an unwritable path fails before the fits, not after them.
  tmkit::Communicator& world = tmkit::current_world();
  std::optional<tmkit::AtomicDirectory> dir;
  if (world.is_root()) dir.emplace(out);
  const bool root_quiet = quiet || !world.is_root();
  cli::Progress progress("tm-select", root_quiet);
  tmkit::SelectionHooks hooks;
  hooks.on_job = [&](std::size_t done, std::size_t total, const std::string& line) {
    progress.line("[" + std::to_string(done) + "/" + std::to_string(total) + "] " + line);
  };
  if (!root_quiet) {
    std::fprintf(
        stderr, "tm-select: %zu candidates on %zu documents%s%s\n", grid.size(), corpus.n_docs(),
        options.kfold ? (", " + std::to_string(options.kfold) + "-fold").c_str() : "",
        world.size() > 1 ? ("; " + std::to_string(world.size()) + " MPI ranks").c_str() : "");
  }
  const tmkit::SelectionReport report = tmkit::select_models(corpus, grid, options, hooks, world);
  progress.finish();
  if (!dir) return cli::kExitOk;  // another rank than 0: rank 0 writes the results

  tmkit::write_file_atomically(dir->file("selection.json"),
                               tmkit::selection_json(report, corpus.n_words()));
  tmkit::write_file_atomically(dir->file("selection.csv"), tmkit::selection_csv(report));
  tmkit::write_file_atomically(dir->file("selection.svg"), tmkit::render_selection_chart(report));
  const std::string summary = tmkit::format_selection(report, corpus.n_words());
  tmkit::write_file_atomically(dir->file("summary.txt"), summary);
  if (options.keep_pointwise) {
    for (const auto& r : report.candidates) {
      tmkit::write_npy_file(dir->file("pointwise_" + r.candidate.label() + ".npy"), r.pointwise);
    }
  }
  dir->commit();
  std::printf("%s", summary.c_str());
  std::printf(
      "wrote %s (selection.json, selection.csv, selection.svg, summary.txt%s); peak memory "
      "%.0f MiB\n",
      out.c_str(), options.keep_pointwise ? ", pointwise_*.npy" : "", tmkit::peak_resident_mib());
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  tmkit::mpi_world(argc, argv);  // under mpirun: joins the job
  return cli::run("tm-select", argc, argv, select_main);
}
