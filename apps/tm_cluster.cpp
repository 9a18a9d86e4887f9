// tm-cluster: hierarchical clustering of documents by their topic distributions (or of any rows,
// or of a precomputed distance matrix): the scipy-compatible linkage, flat clusters, the tree in
// Newick, a dendrogram, and what each cluster is about.
#include <cstdio>
#include <memory>

#include "common/cli.hpp"
#include "tmkit/cluster/run_cluster.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/process.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-cluster",
    "agglomerative clustering of documents by their topic distributions (or of any rows, or of "
    "a distance matrix): linkage, flat clusters, Newick tree, dendrogram, cluster summaries",
    "tm-cluster (--model DIR | --rows FILE | --matrix FILE) --out DIR [options]",
    "  tm-cluster --model kjv-model --clusters 12 --out kjv-clusters\n"
    "  tm-cluster --model kjv-model --linkage ward --metric hellinger --threshold 0.9 --out ward\n"
    "  tm-cluster --model kjv-model --linkage ib --clusters 20 --out ib\n"
    "  tm-cluster --rows theta.npy --labels classes.txt --clusters 5 --out c5\n"
    "  tm-cluster --matrix js.npy --linkage complete --clusters 8 --out c8   "
    "(a matrix from tm-similarity)\n"
    "  python3 -c \"import numpy as np; from scipy.cluster.hierarchy import dendrogram; "
    "dendrogram(np.load('c8/linkage.npy'))\"\n"};

// The flat-cluster options: one of --clusters, --threshold, --inconsistent.
void set_cut(const cli::po::variables_map& vm, double clusters, double threshold,
             double inconsistent, tmkit::ClusterPlan& plan) {
  const int cuts =
      int(vm.count("clusters")) + int(vm.count("threshold")) + int(vm.count("inconsistent"));
  if (cuts > 1) throw tmkit::UsageError("give one of --clusters, --threshold and --inconsistent");
  plan.cut_given = cuts == 1;
  if (vm.count("threshold")) {
    plan.criterion = tmkit::FlatCriterion::distance;
    plan.cut = threshold;
  } else if (vm.count("inconsistent")) {
    plan.criterion = tmkit::FlatCriterion::inconsistent;
    plan.cut = inconsistent;
  } else if (vm.count("clusters")) {
    plan.cut = clusters;
  }
}

int cluster_main(int argc, char** argv) {
  namespace po = cli::po;
  tmkit::ClusterPlan plan;
  int threads = 0;
  bool quiet = false, no_cophenet = false;
  std::string model_dir, rows_path, method = "average";
  cli::DivergenceOptionValues divergence_values;
  double clusters = 0, threshold = -1, inconsistent = -1;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  cli::add_force_option(options, plan.force);
  cli::add_divergence_options(
      options, divergence_values, "jsd",
      "distance between rows: jsd (sqrt of JS, a metric), js, hellinger, tv or skl");
  options.add_options()("model,m", po::value<std::string>(&model_dir),
                        "model directory: cluster its documents by theta")(
      "rows", po::value<std::string>(&rows_path),
      "row-stochastic rows instead (.npy, CSV or text; e.g. theta from tm-infer)")(
      "matrix", po::value<std::string>(&plan.matrix),
      "a distance matrix instead: condensed (scipy's pdist form) or square, .npy or text")(
      "out,o", po::value<std::string>(&plan.out)->required(),
      "output directory: a new or empty one, or an earlier tm-cluster output")(
      "linkage", po::value<std::string>(&method)->default_value("average"),
      "single, complete, average, weighted, centroid, median, ward or ib")(

      "clusters,k", po::value<double>(&clusters),
      "flat clusters: at most K (scipy's maxclust; default 10)")(
      "threshold,t", po::value<double>(&threshold),
      "flat clusters: cut the tree at this height (scipy's distance criterion)")(
      "inconsistent", po::value<double>(&inconsistent),
      "flat clusters: cut where the inconsistency coefficient exceeds this")(
      "depth", po::value<std::size_t>(&plan.depth)->default_value(2),
      "levels below a merge in its inconsistency statistics")(
      "labels", po::value<std::string>(&plan.labels),
      "true labels, one per line in row order, to score the clusters (a model's corpus labels "
      "are used by default)")(
      "float32", po::bool_switch(&plan.float32),
      "hold distances in single precision: half the memory, so about 1.4x the points")(
      "optimal-ordering", po::bool_switch(&plan.optimal_ordering),
      "reorder each merge's children so that neighbouring leaves are as close as possible (as "
      "scipy's optimal_leaf_ordering; up to 5000 points)")(
      "no-cophenet", po::bool_switch(&no_cophenet),
      "skip the cophenetic correlation, which needs the distances after the linkage (a "
      "second copy, or --matrix read again)")(

      "truncate", po::value<std::size_t>(&plan.truncate)->default_value(50),
      "dendrogram.svg shows at most this many leaves (the last merges)")(
      "top-words", po::value<std::size_t>(&plan.top_words)->default_value(6),
      "words shown for a cluster's first topic");
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  if (int(!model_dir.empty()) + int(!rows_path.empty()) + int(!plan.matrix.empty()) != 1) {
    throw tmkit::UsageError("give exactly one of --model DIR, --rows FILE and --matrix FILE");
  }
  const cli::DivergenceChoice choice = cli::finish_divergence_options(divergence_values);
  plan.method = tmkit::parse_linkage(method);
  plan.divergence = choice.divergence;
  plan.max_bytes = choice.max_bytes;
  plan.cophenet = !no_cophenet;
  set_cut(vm, clusters, threshold, inconsistent, plan);
  tmkit::check_cluster_plan(plan, {{"--model", model_dir}, {"--rows", rows_path}});

  tmkit::RowSet rows;
  if (plan.matrix.empty()) rows = tmkit::load_rows(model_dir, rows_path, false, choice.policy);
  std::unique_ptr<cli::Progress> progress;
  const tmkit::StageHooks stages = [&](const std::string& stage) {
    progress = std::make_unique<cli::Progress>(stage, quiet);
    return cli::work_hooks(*progress);
  };
  const tmkit::ClusterOutcome outcome = tmkit::run_cluster(plan, rows, threads, stages);
  progress.reset();
  std::fputs(outcome.summary.c_str(), stdout);
  std::printf("\nwritten to %s/:", plan.out.c_str());
  for (const auto& file : outcome.files) std::printf(" %s", file.c_str());
  std::printf("\npeak memory %.0f MiB\n", tmkit::peak_resident_mib());
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-cluster", argc, argv, cluster_main); }
