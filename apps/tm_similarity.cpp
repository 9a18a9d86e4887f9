// tm-similarity: how alike documents or topics are. Full divergence / similarity matrices,
// nearest-neighbour lists, the topics of two models matched one to one, and topic drift between
// groups of documents.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/divergence/run_similarity.hpp"

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

int similarity_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false;
  tmkit::SimilarityPlan plan;
  cli::DivergenceOptionValues divergence_values;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  cli::add_divergence_options(options, divergence_values, "js",
                              "kl, rkl, skl, js, jsd, hellinger, tv");
  options.add_options()("model,m", po::value<std::string>(&plan.model),
                        "model directory: its documents' theta (or with --topics its topics)")(
      "topics", po::bool_switch(&plan.topics),
      "compare the model's topics (E[beta] rows), not documents")(
      "rows", po::value<std::string>(&plan.rows),
      "row-stochastic rows instead of a model (.npy, CSV or text; e.g. theta from tm-infer)")(
      "with", po::value<std::string>(&plan.with),
      "a second file of rows: compare every row of the first set with these")(
      "against", po::value<std::string>(&plan.against),
      "a second model: its topics against the first's, matched one to one")(
      "top-k", po::value<std::size_t>(&plan.top_k)->default_value(0),
      "list the K nearest rows of each row (TSV) instead of a full matrix; memory O(N K)")(
      "similarity", po::bool_switch(&plan.similarity),
      "report similarities in [0, 1]: 1 - JS/ln 2, exp(-KL), 1 - H^2, 1 - TV")(
      "out,o", po::value<std::string>(&plan.out),
      "output file: .npy (full, or --condensed), .csv or text; TSV for --top-k and tables")(
      "condensed", po::bool_switch(&plan.condensed),
      "write the upper triangle only, row by row (scipy's pdist form; one set only)")(

      "groups", po::value<std::string>(&plan.groups),
      "topic drift: a file with one group label (e.g. a month) per document, in document order")(
      "drift-threshold", po::value<double>(&plan.drift_threshold)->default_value(0.05, "0.05"),
      "flag steps whose JS (nats) is above this")("svg", po::value<std::string>(&plan.svg),
                                                  "with --groups: write the drift plot here")(
      "top-words", po::value<std::size_t>(&plan.top_words)->default_value(8),
      "with --against: words shown per topic");
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  cli::requires_option(vm, "svg", "groups");
  cli::requires_option(vm, "drift-threshold", "groups");
  cli::requires_option(vm, "top-words", "against");
  // Under mpirun, --top-k spreads its row tiles over the ranks and rank 0 writes the lists.
  tmkit::Communicator& world = tmkit::current_world();
  tmkit::check_similarity_plan(plan, world);
  const cli::DivergenceChoice choice = cli::finish_divergence_options(divergence_values);
  plan.divergence = choice.divergence;
  plan.policy = choice.policy;
  plan.max_bytes = choice.max_bytes;

  cli::Progress progress(plan.top_k > 0 ? "neighbours" : "matrix", quiet || !world.is_root());
  const std::string result = tmkit::run_similarity(plan, threads, cli::work_hooks(progress), world);
  progress.finish();
  std::fputs(result.c_str(), stdout);
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun (--top-k), SIGINT stops the ranks outright: no graceful stop across ranks yet
  // (cli::run installs the handler in one process only).
  tmkit::mpi_world(argc, argv);
  return tmkit::cli::run("tm-similarity", argc, argv, similarity_main);
}
