// tm-report: one self-contained HTML page to explore a model (topic map, terms by relevance,
// documents, ELBO trace; tm-select's curves and tm-cluster's dendrogram when given).
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/report/report.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-report",
    "one self-contained HTML page to explore a model: topic map, terms by relevance, documents, "
    "ELBO trace, and tm-select's and tm-cluster's results",
    "tm-report --model DIR --out PAGE.html [options]",
    "  tm-report --model kjv-model --out kjv.html             open kjv.html in any browser\n"
    "  tm-report --model kjv-model --select kjv-select --cluster kjv-clusters --out kjv.html\n"
    "  tm-report --model m --terms 20 --documents 50 --out m.html\n"
    "  tm-report --model news-model --groups months.txt --out news.html   topic drift by month\n"};

int report_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false;
  tmkit::ReportPlan plan;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  options.add_options()("model,m", po::value<std::string>(&plan.model)->required(),
                        "model directory written by tm-fit")(
      "out,o", po::value<std::string>(&plan.out)->required(),
      "the HTML page to write (works offline: scripts, styles and data inline)")(
      "select", po::value<std::string>(&plan.select),
      "tm-select's output directory: add its curves of every criterion against K")(
      "cluster", po::value<std::string>(&plan.cluster),
      "tm-cluster's output directory: add its dendrogram and cluster summary")(
      "groups", po::value<std::string>(&plan.groups),
      "one group label (a month, a source) per document, in document order: add the topic drift "
      "between consecutive groups (as tm-similarity --groups)")(
      "drift-threshold",
      po::value<double>(&plan.drift_threshold)->default_value(plan.drift_threshold, "0.05"),
      "with --groups: JS between consecutive groups flagged as drift")(
      "terms", po::value<std::size_t>(&plan.top_terms)->default_value(plan.top_terms),
      "terms shown per topic")(
      "documents", po::value<std::size_t>(&plan.top_documents)->default_value(plan.top_documents),
      "documents listed per topic");
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  const std::string summary = tmkit::run_report(plan);
  std::printf("%s\n", summary.c_str());
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return cli::run("tm-report", argc, argv, report_main); }
