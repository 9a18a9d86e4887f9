// tm-select: fit a grid of candidate models (K, priors, seeds) on one corpus and compare them by
// every criterion (ELBO, held-out perplexity, AIC, AICc, BIC, HQIC, PSIS-LOO, held-out and K-fold
// elpd, coherence, stability); or run PSIS-LOO on a given pointwise log-likelihood matrix.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/selection/run_selection.hpp"

namespace {

namespace cli = tmkit::cli;
namespace po = cli::po;

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

// The options as given.
struct Given {
  int threads = 0;
  bool quiet = false, force = false;
  cli::CorpusOptionValues corpus_values;
  std::string out, topics_text, alpha_text = "symmetric", eta_text = "symmetric", seeds_text = "1";
  std::vector<std::string> pointwise_files;
  tmkit::SelectionOptions options;
};

void declare(po::options_description& options, Given& g) {
  cli::add_common_options(options, g.threads, g.quiet);
  cli::add_force_option(options, g.force);
  cli::add_corpus_options(options, g.corpus_values, false);
  options.add_options()("out,o", po::value<std::string>(&g.out),
                        "output directory of a grid (new, empty, or an earlier tm-select "
                        "output), or R.json (with --pointwise)")(
      "topics,k", po::value<std::string>(&g.topics_text),
      "numbers of topics to try, comma-separated: 5,10,20,40")(
      "alpha", po::value<std::string>(&g.alpha_text)->default_value("symmetric"),
      "priors on document topics to try, comma-separated (as tm-fit --alpha)")(
      "eta", po::value<std::string>(&g.eta_text)->default_value("symmetric"),
      "priors on topic words to try, comma-separated (as tm-fit --eta)")(
      "seeds", po::value<std::string>(&g.seeds_text)->default_value("1"),
      "seeds to try, comma-separated; two or more also measure stability across seeds")(
      "heldout-fraction",
      po::value<double>(&g.options.heldout_fraction)
          ->default_value(g.options.heldout_fraction, "0.1"),
      "documents held out of every fit, for perplexity and held-out elpd")(
      "split-seed", po::value<std::uint64_t>(&g.options.split_seed)->default_value(1),
      "seed of the held-out split, the folds and the draws")(
      "draws", po::value<std::size_t>(&g.options.n_draws)->default_value(g.options.n_draws),
      "draws from q(beta) for PSIS-LOO and held-out elpd")(
      "draw-iterations",
      po::value<std::size_t>(&g.options.draw_iterations)->default_value(g.options.draw_iterations),
      "E-step rounds per document and draw, from its plug-in fit (100: to the tolerance; fewer: "
      "faster, lower elpd, see docs/math/selection.md)")(
      "kfold", po::value<std::size_t>(&g.options.kfold)->default_value(0),
      "also exact K-fold cross-validation with this many folds (refits every candidate K times)")(
      "top", po::value<std::size_t>(&g.options.coherence_top)->default_value(10),
      "top words per topic for coherence")(
      "keep-pointwise", po::bool_switch(&g.options.keep_pointwise),
      "write each candidate's draws x documents log-likelihoods (pointwise_LABEL.npy)")(
      "passes",
      po::value<std::size_t>(&g.options.fit.max_passes)->default_value(g.options.fit.max_passes),
      "most passes per fit")(
      "tol", po::value<double>(&g.options.fit.tol)->default_value(g.options.fit.tol, "1e-5"),
      "fit converged when the relative ELBO change stays below this")(
      "estep-tol",
      po::value<double>(&g.options.fit.estep.tol)->default_value(g.options.fit.estep.tol),
      "per-document E-step stop (fits and scoring)")(
      "moves",
      po::value<std::size_t>(&g.options.fit.max_moves)->default_value(g.options.fit.max_moves),
      "merge-split proposals per fit (0: none)")(
      "pointwise", po::value<std::vector<std::string>>(&g.pointwise_files),
      "PSIS-LOO of this draws x observations log-likelihood matrix (.npy or text) instead of a "
      "grid; repeat to compare models");
}

// A grid of candidates fitted and compared; rank 0 writes the output directory.
int select_grid(const Given& g) {
  if (g.out.empty()) throw tmkit::UsageError("--out DIR is required with --corpus");
  tmkit::SelectionPlan plan;
  plan.corpus = g.corpus_values.corpus;
  plan.read = cli::finish_corpus_options(g.corpus_values);
  plan.inputs = cli::corpus_inputs(g.corpus_values);
  plan.grid = tmkit::parse_candidate_grid(g.topics_text, g.alpha_text, g.eta_text, g.seeds_text);
  plan.options = g.options;
  plan.options.n_threads = g.threads;
  plan.out = g.out;
  plan.force = g.force;

  tmkit::Communicator& world = tmkit::current_world();
  const bool root_quiet = g.quiet || !world.is_root();
  cli::Progress progress("tm-select", root_quiet);
  tmkit::SelectionHooks hooks;
  hooks.on_job = [&](std::size_t done, std::size_t total, const std::string& line) {
    progress.line("[" + std::to_string(done) + "/" + std::to_string(total) + "] " + line);
  };
  const auto note = [&](const std::string& line) {
    if (!root_quiet) std::fprintf(stderr, "tm-select: %s\n", line.c_str());
  };
  const std::string summary = tmkit::run_selection(plan, hooks, note, world);
  progress.finish();
  if (!world.is_root()) return cli::kExitOk;  // rank 0 writes and reports the results
  std::printf("%s", summary.c_str());
  std::printf(
      "wrote %s (selection.json, selection.csv, selection.svg, summary.txt%s); peak memory "
      "%.0f MiB\n",
      g.out.c_str(), g.options.keep_pointwise ? ", pointwise_*.npy" : "",
      tmkit::peak_resident_mib());
  return cli::kExitOk;
}

int select_main(int argc, char** argv) {
  Given g;
  po::options_description options("Options");
  declare(options, g);
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  if (g.pointwise_files.empty()) {
    if (g.corpus_values.corpus.empty()) {
      throw tmkit::UsageError("give --corpus PATH (a grid to fit) or --pointwise FILE");
    }
    return select_grid(g);
  }
  if (!g.corpus_values.corpus.empty()) {
    throw tmkit::UsageError("give --pointwise or --corpus, not both");
  }
  if (g.force) {
    throw tmkit::UsageError("--force replaces an output directory; --pointwise writes none");
  }
  std::fputs(tmkit::run_pointwise_loo(g.pointwise_files, g.out, g.threads).c_str(), stdout);
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  tmkit::mpi_world(argc, argv);  // under mpirun: joins the job
  return cli::run("tm-select", argc, argv, select_main);
}
