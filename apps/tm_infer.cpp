// tm-infer: fold new documents into a fitted model (topics fixed) and, with a held-out half,
// report document-completion perplexity.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/lda/run_inference.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-infer",
    "fold new documents into a fitted model: theta, gamma and each document's ELBO; with a "
    "held-out half, document-completion perplexity",
    "tm-infer --model DIR --corpus PATH --out THETA [options]",
    "  tm-infer --model kjv-model --corpus new.txt --out theta.npy      raw text, one doc per "
    "line\n"
    "  tm-infer --model kjv-model --corpus docword.new.txt --split 1 --out theta.npy\n"
    "                                  split each document 50/50, score the held-out half\n"
    "  tm-infer --model m --corpus observed.ldac --heldout heldout.ldac --vocab vocab.txt --out "
    "t.npy\n"};

int infer_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false;
  cli::CorpusOptionValues corpus_values;
  tmkit::InferencePlan plan;
  std::uint64_t split_seed = 0;
  double estep_tol = 0;
  std::size_t estep_max_iter = 0;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  options.add_options()("model,m", po::value<std::string>(&plan.model)->required(),
                        "model directory written by tm-fit")(
      "out,o", po::value<std::string>(&plan.out)->required(),
      "theta, D x K, rows sum to 1 (.npy, or text for any other name)")(
      "gamma-out", po::value<std::string>(&plan.gamma_out),
      "gamma, D x K (default: OUT's name with .gamma before the extension)")(
      "elbo-out", po::value<std::string>(&plan.elbo_out),
      "each document's ELBO, one per line (default: OUT's name with .elbo, text)")(
      "heldout", po::value<std::string>(&plan.heldout),
      "the held-out halves of the same documents (same format rules as --corpus): report "
      "document-completion perplexity")(
      "split", po::value<std::uint64_t>(&split_seed),
      "split each document's tokens 50/50 at random with this seed; theta from one half, "
      "perplexity of the other")(
      "estep-tol", po::value<double>(&estep_tol),
      "per-document stop: mean |change of gamma| below this (default: the model's)")(
      "estep-max-iter", po::value<std::size_t>(&estep_max_iter),
      "per-document updates at most (default: the model's)");
  cli::add_corpus_options(options, corpus_values);
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  plan.corpus = corpus_values.corpus;
  plan.read = cli::finish_corpus_options(corpus_values);
  plan.text_options_given = cli::text_options_given(vm);
  plan.inputs = cli::corpus_inputs(corpus_values);
  if (vm.count("split")) plan.split_seed = split_seed;
  if (vm.count("estep-tol")) plan.estep_tol = estep_tol;
  if (vm.count("estep-max-iter")) plan.estep_max_iter = estep_max_iter;

  cli::Progress progress("tm-infer", quiet);
  const tmkit::InferenceOutcome outcome =
      tmkit::run_inference(plan, threads, cli::work_hooks(progress));
  progress.finish();
  std::fputs(outcome.summary.c_str(), stdout);
  if (!outcome.warnings.empty()) std::fprintf(stderr, "tm-infer: %s", outcome.warnings.c_str());
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return cli::run("tm-infer", argc, argv, infer_main); }
