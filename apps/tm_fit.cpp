// tm-fit: fit a variational LDA model to a corpus and write the model directory. Options in, one
// library call (run_fit or resume_fit), the summary out.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/lda/run_fit.hpp"

namespace {

namespace cli = tmkit::cli;
namespace po = cli::po;

const cli::AppHelp kHelp = {
    "tm-fit", "fit a variational LDA topic model (batch or online VB) and write a model directory",
    "tm-fit --corpus PATH --out DIR -k K [options]",
    "  tm-fit --corpus corpora/kjv/docword.kjv.txt -k 20 --out kjv-model\n"
    "  tm-fit --corpus news.txt --columns id-label-text -k 50 --alpha auto --eta auto --out "
    "news-model\n"
    "  tm-fit --corpus docword.nips.txt -k 30 --stop elbo --tol 1e-6 --seed 7 --threads 4 --out "
    "nips\n"
    "  tm-fit --corpus docword.pubmed.txt -k 100 --algorithm online --batch-size 1024 --passes 2 "
    "--heldout-fraction 0.01 --out pubmed      streams the file, O(K V + batch) memory\n"};

// The options as given, before they become a plan.
struct Given {
  int threads = 0;
  bool quiet = false;
  cli::CorpusOptionValues corpus;
  std::string alpha = "symmetric", eta = "symmetric", init = "spa";
  std::string algorithm = "batch", stop = "auto", resume, max_memory = "8G";
  tmkit::FitPlan plan;
};

void declare(po::options_description& options, Given& g) {
  tmkit::FitOptions& fit = g.plan.fit;
  cli::add_common_options(options, g.threads, g.quiet);
  cli::add_force_option(options, g.plan.force);
  options.add_options()("out,o", po::value<std::string>(&g.plan.out),
                        "model directory to write: a new or empty directory, or an earlier tm-fit "
                        "model (replaced only by a complete new one)")(
      "topics,k", po::value<std::size_t>(&fit.n_topics), "number of topics K (1..V)")(
      "alpha", po::value<std::string>(&g.alpha)->default_value(g.alpha),
      "prior on document topics: a number, symmetric (1/K), asymmetric (gensim's 1/(k+sqrt K)), "
      "auto (learn a vector), auto-symmetric (learn one value)")(
      "eta", po::value<std::string>(&g.eta)->default_value(g.eta),
      "prior on topic words: a number, symmetric (1/K), auto (learn)")(
      "passes", po::value<std::size_t>(&fit.max_passes)->default_value(fit.max_passes),
      "most passes (E-step + M-step), warm-up and merge-split trials included")(
      "stop", po::value<std::string>(&g.stop)->default_value(g.stop),
      "when the fit is done: heldout (a slice's document-completion perplexity stops improving; "
      "the slice is folded in at the end), elbo (--tol), or auto (heldout from 2000 documents)")(
      "heldout-tol", po::value<double>(&fit.heldout_tol)->default_value(fit.heldout_tol, "0.001"),
      "heldout rule: a pass counts when it lowers the perplexity by more than this fraction ...")(
      "heldout-patience",
      po::value<std::size_t>(&fit.heldout_patience)->default_value(fit.heldout_patience),
      "... and the fit stops after this many passes in a row that do not")(
      "tol", po::value<double>(&fit.tol)->default_value(fit.tol, "1e-5"),
      "elbo rule: converged when the relative ELBO change stays below this (0: run every pass) "
      "...")("patience", po::value<std::size_t>(&fit.patience)->default_value(fit.patience),
             "... for this many passes in a row")(
      "warmup", po::value<std::size_t>(&fit.warmup_passes)->default_value(fit.warmup_passes),
      "tempered passes that end the initialisation (at most a quarter of --passes; 0: none)")(
      "estep-tol", po::value<double>(&fit.estep.tol)->default_value(fit.estep.tol),
      "per-document stop: mean |change of gamma| below this")(
      "estep-max-iter",
      po::value<std::size_t>(&fit.estep.max_iter)->default_value(fit.estep.max_iter),
      "per-document updates at most")(
      "estep-restart", po::value<bool>(&fit.estep.restart)->default_value(true, "on"),
      "also fit each document from the neutral start and keep the better (on|off)")(
      "restart-warmup",
      po::value<std::size_t>(&fit.restart_warmup)->default_value(fit.restart_warmup),
      "passes in which every document restarts")(
      "restart-period",
      po::value<std::size_t>(&fit.restart_period)->default_value(fit.restart_period),
      "afterwards, each document restarts every this many passes")(
      "init", po::value<std::string>(&g.init)->default_value(g.init),
      "starting topics: spa (seed documents by successive projections) or random (as gensim, "
      "sklearn)")("moves", po::value<std::size_t>(&fit.max_moves)->default_value(fit.max_moves),
                  "merge-split proposals to try once the ELBO's rise slows (0: none)")(
      "move-passes", po::value<std::size_t>(&fit.move_passes)->default_value(fit.move_passes),
      "passes each proposal runs before it is kept or dropped")(
      "seed", po::value<std::uint64_t>(&fit.seed)->default_value(fit.seed), "random seed")(
      "top", po::value<std::size_t>(&g.plan.top_words)->default_value(g.plan.top_words),
      "top words per topic in the summary");
  cli::add_corpus_options(options, g.corpus, /*corpus_required=*/false);
}

// The options of how the fit runs: online VB, held-out monitoring, checkpoints and resuming.
void declare_run(po::options_description& options, Given& g) {
  options.add_options()(
      "algorithm", po::value<std::string>(&g.algorithm)->default_value(g.algorithm),
      "batch (all documents per M-step) or online (Hoffman et al. 2010: mini-batches streamed "
      "from disk; --passes defaults to 10)")(
      "batch-size",
      po::value<std::size_t>(&g.plan.online.batch_size)->default_value(g.plan.online.batch_size),
      "online: documents per mini-batch")(
      "tau0", po::value<double>(&g.plan.online.tau0)->default_value(g.plan.online.tau0),
      "online: step size rho_t = (tau0 + t)^-kappa")(
      "kappa", po::value<double>(&g.plan.online.kappa)->default_value(g.plan.online.kappa, "0.7"),
      "online: forgetting rate, in (0.5, 1]")(
      "heldout-fraction", po::value<double>(&g.plan.heldout_fraction)->default_value(0),
      "keep this fraction of the documents out of the fit and report their document-completion "
      "perplexity after every pass (elbo.csv column heldout_perplexity)")(
      "checkpoint", po::value<std::string>(&g.plan.checkpoint),
      "where checkpoints go (default: OUT.checkpoint); one is always written on SIGINT/SIGTERM")(
      "checkpoint-every", po::value<std::size_t>(&g.plan.checkpoint_every)->default_value(0),
      "also write one every N passes (batch) or N mini-batches (online); 0: only when stopped")(
      "max-memory", po::value<std::string>(&g.max_memory)->default_value(g.max_memory),
      "refuse a fit whose arrays (K x V and D x K, several copies) would take more than this (K, "
      "M, G or T bytes)")(
      "resume", po::value<std::string>(&g.resume),
      "continue the fit saved in this checkpoint directory (its options are reused; --threads and "
      "--quiet may be given anew); ends with the model an uninterrupted fit gives");
}

// The plan the options describe.
tmkit::FitPlan plan_of(const po::variables_map& vm, Given& g) {
  std::string missing;
  if (g.corpus.corpus.empty()) missing += " '--corpus'";
  if (g.plan.out.empty()) missing += " '--out'";
  if (!vm.count("topics")) missing += " '-k'";
  if (!missing.empty()) {
    throw tmkit::UsageError("the option" + missing +
                            " is required (or --resume DIR to continue a fit)");
  }
  tmkit::FitPlan plan = g.plan;
  plan.corpus = g.corpus.corpus;
  plan.read = cli::finish_corpus_options(g.corpus);
  plan.more_inputs = {{"--stop-words", g.corpus.stop_words_file}};
  plan.fit.alpha = tmkit::AlphaOption::parse(g.alpha);
  plan.fit.eta = tmkit::EtaOption::parse(g.eta);
  plan.fit.init = tmkit::parse_init_method(g.init);
  plan.fit.stop = tmkit::parse_stop_rule(g.stop);
  plan.algorithm = tmkit::parse_algorithm(g.algorithm);
  plan.max_memory = cli::parse_memory_size(g.max_memory, "--max-memory");
  if (plan.algorithm == tmkit::Algorithm::online && vm["passes"].defaulted()) {
    plan.fit.max_passes = 10;
  }
  return plan;
}

int fit_main(int argc, char** argv) {
  Given g;
  po::options_description options("Options");
  declare(options, g);
  declare_run(options, g);
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  tmkit::Communicator& world = tmkit::current_world();
  cli::install_interrupt_handler();  // under mpirun too: every rank stops at the same pass
  cli::Progress progress("tm-fit", g.quiet || !world.is_root());
  const tmkit::RunHooks hooks = cli::fit_hooks(progress);
  const bool resuming = !g.resume.empty();
  const tmkit::FitPlan plan = resuming ? tmkit::FitPlan{} : plan_of(vm, g);
  const tmkit::FitOutcome outcome = resuming ? tmkit::resume_fit(g.resume, g.threads, hooks)
                                             : tmkit::run_fit(plan, g.threads, hooks, world);
  progress.finish();
  if (outcome.written) std::fputs(tmkit::fit_summary(outcome).c_str(), stdout);
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  tmkit::mpi_world(argc, argv);  // under mpirun: joins the job (each rank fits its share)
  return tmkit::cli::run("tm-fit", argc, argv, fit_main);
}
