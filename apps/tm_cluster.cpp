// tm-cluster: hierarchical clustering of documents by their topic distributions (or of any rows,
// or of a precomputed distance matrix): the scipy-compatible linkage, flat clusters, the tree in
// Newick, a dendrogram, and what each cluster is about.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/cli.hpp"
#include "common/rows.hpp"
#include "tmkit/cluster/cluster.hpp"
#include "tmkit/cluster/cluster_agreement.hpp"
#include "tmkit/cluster/cluster_profile.hpp"
#include "tmkit/cluster/cluster_tree.hpp"
#include "tmkit/cluster/dendrogram.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/topics/topics.hpp"

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

constexpr std::size_t kMaxOrderedPoints = 5000;

struct Settings {
  tmkit::Linkage method = tmkit::Linkage::average;
  tmkit::DivergenceOptions divergence{tmkit::Metric::jsd, false};
  tmkit::FlatCriterion criterion = tmkit::FlatCriterion::maxclust;
  double cut = 10;
  bool cut_given = false;  ///< --clusters, --threshold or --inconsistent was given
  std::size_t depth = 2, truncate = 50, top_words = 6;
  bool cophenet = true;
  bool optimal_ordering = false;
  int threads = 0;
  bool quiet = false;
  double max_bytes = 0;
  std::string out;
};

std::vector<std::string> read_lines(const std::string& path) {
  const std::string content = tmkit::read_file(path);
  tmkit::LineReader reader(content);
  std::string_view line;
  std::vector<std::string> lines;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

std::string name_of(const cli::RowSet& rows, std::size_t i) {
  return i < rows.ids.size() && !rows.ids[i].empty() ? rows.ids[i] : std::to_string(i);
}

std::vector<std::string> leaf_names(const cli::RowSet& rows, std::size_t n) {
  std::vector<std::string> names(n);
  for (std::size_t i = 0; i < n; ++i) names[i] = name_of(rows, i);
  return names;
}

// The top words of topic k, from the model when there is one.
std::string topic_words(const cli::RowSet& rows, const std::vector<tmkit::TopicSummary>& topics,
                        std::size_t k) {
  if (!rows.model || k >= topics.size()) return "";
  std::string words;
  for (const auto w : topics[k].words) {
    if (!words.empty()) words += ' ';
    words += rows.model->vocab[w];
  }
  return words;
}

std::string clusters_table(const std::vector<tmkit::ClusterProfile>& profiles,
                           const cli::RowSet& rows, const std::vector<tmkit::TopicSummary>& topics,
                           bool for_terminal) {
  std::ostringstream out;
  if (for_terminal) {
    out << "cluster   size  dominant topics (share)        central document   top words of the "
           "first topic\n";
  } else {
    out << "cluster\tsize\ttopics\tcentral\tcentral_divergence\twords\n";
  }
  for (const auto& p : profiles) {
    std::string dominant;
    for (const std::size_t k : p.top_topics) {
      char cell[48];
      std::snprintf(cell, sizeof cell, for_terminal ? "%zu (%.2f) " : "%zu:%.4f ", k, p.mean(k));
      dominant += cell;
    }
    if (!dominant.empty()) dominant.pop_back();
    const std::string words =
        p.top_topics.empty() ? "" : topic_words(rows, topics, p.top_topics[0]);
    if (for_terminal) {
      char line[160];
      std::snprintf(line, sizeof line, "%7d %6zu  %-30s %-18s ", p.cluster, p.members.size(),
                    dominant.c_str(), name_of(rows, p.central).substr(0, 18).c_str());
      out << line << words << '\n';
    } else {
      out << p.cluster << '\t' << p.members.size() << '\t' << dominant << '\t'
          << name_of(rows, p.central) << '\t' << tmkit::format_double(p.central_value) << '\t'
          << words << '\n';
    }
  }
  return out.str();
}

std::string criterion_text(const Settings& s) {
  char text[96];
  switch (s.criterion) {
    case tmkit::FlatCriterion::maxclust:
      std::snprintf(text, sizeof text, "at most %.0f clusters", s.cut);
      break;
    case tmkit::FlatCriterion::distance:
      std::snprintf(text, sizeof text, "cut at height %g", s.cut);
      break;
    case tmkit::FlatCriterion::inconsistent:
      std::snprintf(text, sizeof text, "inconsistency above %g (depth %zu)", s.cut, s.depth);
      break;
  }
  return text;
}

// The whole job for distances stored as T.
template <class T>
int cluster(Settings s, const cli::RowSet& rows, const std::string& matrix_path,
            std::vector<std::string> labels) {
  const bool from_rows = matrix_path.empty();
  const std::size_t n = from_rows ? rows.columns.n_cols : 0;
  tmkit::CondensedMatrix<T> distances;
  arma::mat z;
  {
    cli::Progress progress("distances", s.quiet);
    if (from_rows) {
      if (n < 2) throw tmkit::InputError(rows.source, "has fewer than 2 rows to cluster");
      if (s.method != tmkit::Linkage::ib || s.cophenet) {
        const double bytes = double(n) * double(n - 1) / 2 * sizeof(T) *
                             (s.cophenet && s.method != tmkit::Linkage::ib ? 2 : 1);
        cli::check_memory(bytes, std::to_string(n) + " rows' distances", s.max_bytes,
                          "use --float32 or --no-cophenet");
        distances = tmkit::condensed_divergences<T>(rows.columns, s.divergence, s.threads,
                                                    cli::work_hooks(progress));
      }
    } else {
      distances = tmkit::read_distance_matrix<T>(matrix_path);
    }
  }
  const std::size_t points = from_rows ? n : distances.n_points();
  if (!s.cut_given) s.cut = std::min(s.cut, double(points));  // the default: 10 or fewer
  if (s.criterion == tmkit::FlatCriterion::maxclust && s.cut > double(points)) {
    throw tmkit::UsageError("--clusters " + tmkit::format_shortest(s.cut) + " is more than the " +
                            std::to_string(points) + " points to cluster");
  }
  if (s.optimal_ordering && points > kMaxOrderedPoints) {
    throw tmkit::UsageError(
        "--optimal-ordering takes O(n^3) time and n^2 memory; it is for at "
        "most " +
        std::to_string(kMaxOrderedPoints) + " points, not " + std::to_string(points));
  }
  if (!labels.empty() && labels.size() != points) {
    throw tmkit::UsageError(std::to_string(labels.size()) + " labels for " +
                            std::to_string(points) + " points");
  }
  {
    cli::Progress progress("merges", s.quiet);
    if (s.method == tmkit::Linkage::ib) {
      z = tmkit::ib_linkage(rows.columns, s.threads, cli::work_hooks(progress));
    } else if (s.cophenet) {
      z = tmkit::linkage(distances, s.method, s.threads, cli::work_hooks(progress));
    } else {
      z = tmkit::linkage(std::move(distances), s.method, s.threads, cli::work_hooks(progress));
      distances = {};
    }
  }
  const bool have_distances = distances.n_points() == points;
  if (s.optimal_ordering) {
    cli::Progress progress("leaf ordering", s.quiet);
    z = tmkit::optimal_leaf_ordering(z, distances);
  }
  const std::vector<int> flat = tmkit::flat_clusters(z, s.criterion, s.cut, s.depth);
  const double cophenet =
      have_distances ? tmkit::cophenetic_correlation(z, distances, s.threads) : std::nan("");
  std::vector<tmkit::ClusterProfile> profiles =
      from_rows        ? tmkit::profile_clusters(rows.columns, flat, s.divergence)
      : have_distances ? tmkit::profile_clusters(distances, flat)
                       : std::vector<tmkit::ClusterProfile>{};
  std::vector<tmkit::TopicSummary> topics;
  if (rows.model) topics = tmkit::summarize_topics(rows.model->model, s.top_words);

  // Outputs, all or nothing.
  tmkit::AtomicDirectory dir(s.out);
  {
    tmkit::AtomicFile npy(dir.file("linkage.npy"), true);
    tmkit::write_npy(npy.stream(), z);
    npy.commit();
  }
  tmkit::write_file_atomically(dir.file("linkage.txt"), tmkit::format_matrix_text(z));
  const std::vector<std::string> names = leaf_names(rows, points);
  {
    std::ostringstream out;
    out << "document\tcluster" << (labels.empty() ? "" : "\tlabel") << '\n';
    for (std::size_t i = 0; i < points; ++i) {
      out << names[i] << '\t' << flat[i];
      if (!labels.empty()) out << '\t' << labels[i];
      out << '\n';
    }
    tmkit::write_file_atomically(dir.file("labels.tsv"), out.str());
  }
  tmkit::write_file_atomically(dir.file("tree.nwk"), tmkit::to_newick(z, names));
  // The manifest: what made this directory, so that a later run may replace it (output_guard.hpp).
  tmkit::write_file_atomically(dir.file("cluster.json"),
                               "{\"written_by\": \"tm-cluster\", \"tmkit_version\": \"" +
                                   tmkit::tmkit_version() +
                                   "\", \"points\": " + std::to_string(points) +
                                   ", \"linkage\": \"" + tmkit::linkage_name(s.method) +
                                   "\", \"flat_clusters\": \"" + criterion_text(s) + "\"}\n");
  tmkit::DendrogramOptions picture;
  picture.title = "tm-cluster: " + tmkit::linkage_name(s.method) + " linkage of " +
                  std::to_string(points) + " points";
  picture.height_label = s.method == tmkit::Linkage::ib ? "information lost (nats)"
                         : from_rows ? tmkit::metric_name(s.divergence.metric) + " merge height"
                                     : "merge height";
  picture.last_p = s.truncate;
  picture.clusters = flat;
  tmkit::write_file_atomically(dir.file("dendrogram.svg"),
                               tmkit::render_dendrogram(z, names, picture));
  if (!profiles.empty()) {
    tmkit::write_file_atomically(dir.file("clusters.tsv"),
                                 clusters_table(profiles, rows, topics, false));
  }

  std::ostringstream summary;
  std::size_t k = 0;
  for (const auto& p : profiles) k += p.members.empty() ? 0 : 1;
  if (profiles.empty()) k = static_cast<std::size_t>(*std::max_element(flat.begin(), flat.end()));
  summary << "tm-cluster: " << points << " points, " << tmkit::linkage_name(s.method) << " linkage";
  if (from_rows && s.method != tmkit::Linkage::ib) {
    summary << " on " << tmkit::metric_name(s.divergence.metric)
            << (s.divergence.base2 ? " (bits)" : " (nats)");
  }
  summary << ", " << k << " flat clusters (" << criterion_text(s) << ")\n";
  if (have_distances) {
    char line[96];
    std::snprintf(line, sizeof line, "cophenetic correlation %.4f\n", cophenet);
    summary << line;
  }
  if (!labels.empty()) {
    const auto a = tmkit::compare_with_labels(flat, labels);
    char line[160];
    std::snprintf(line, sizeof line,
                  "against the %zu labels: purity %.4f, normalized mutual information %.4f, "
                  "adjusted Rand index %.4f\n",
                  a.classes, a.purity, a.nmi, a.ari);
    summary << line;
  }
  if (!profiles.empty()) summary << '\n' << clusters_table(profiles, rows, topics, true);
  tmkit::write_file_atomically(dir.file("summary.txt"), summary.str());
  dir.commit();
  std::fputs(summary.str().c_str(), stdout);
  std::printf(
      "\nwritten to %s/: linkage.npy linkage.txt labels.tsv tree.nwk dendrogram.svg%s "
      "summary.txt\n",
      s.out.c_str(), profiles.empty() ? "" : " clusters.tsv");
  std::printf("peak memory %.0f MiB\n", tmkit::peak_resident_mib());
  return cli::kExitOk;
}

int cluster_main(int argc, char** argv) {
  namespace po = cli::po;
  Settings s;
  bool float32 = false, no_cophenet = false, force = false;
  std::string model_dir, rows_path, matrix_path, labels_path, method = "average";
  cli::DivergenceOptionValues divergence_values;
  double clusters = 0, threshold = -1, inconsistent = -1;
  po::options_description options("Options");
  cli::add_common_options(options, s.threads, s.quiet);
  cli::add_force_option(options, force);
  cli::add_divergence_options(
      options, divergence_values, "jsd",
      "distance between rows: jsd (sqrt of JS, a metric), js, hellinger, tv or skl");
  options.add_options()("model,m", po::value<std::string>(&model_dir),
                        "model directory: cluster its documents by theta")(
      "rows", po::value<std::string>(&rows_path),
      "row-stochastic rows instead (.npy, CSV or text; e.g. theta from tm-infer)")(
      "matrix", po::value<std::string>(&matrix_path),
      "a distance matrix instead: condensed (scipy's pdist form) or square, .npy or text")(
      "out,o", po::value<std::string>(&s.out)->required(),
      "output directory: a new or empty one, or an earlier tm-cluster output")(
      "linkage", po::value<std::string>(&method)->default_value("average"),
      "single, complete, average, weighted, centroid, median, ward or ib")(

      "clusters,k", po::value<double>(&clusters),
      "flat clusters: at most K (scipy's maxclust; default 10)")(
      "threshold,t", po::value<double>(&threshold),
      "flat clusters: cut the tree at this height (scipy's distance criterion)")(
      "inconsistent", po::value<double>(&inconsistent),
      "flat clusters: cut where the inconsistency coefficient exceeds this")(
      "depth", po::value<std::size_t>(&s.depth)->default_value(2),
      "levels below a merge in its inconsistency statistics")(
      "labels", po::value<std::string>(&labels_path),
      "true labels, one per line in row order, to score the clusters (a model's corpus labels "
      "are used by default)")(
      "float32", po::bool_switch(&float32),
      "hold distances in single precision: half the memory, so about 1.4x the points")(
      "optimal-ordering", po::bool_switch(&s.optimal_ordering),
      "reorder each merge's children so that neighbouring leaves are as close as possible (as "
      "scipy's optimal_leaf_ordering; up to 5000 points)")(
      "no-cophenet", po::bool_switch(&no_cophenet),
      "skip the cophenetic correlation, which keeps a second copy of the distances")(

      "truncate", po::value<std::size_t>(&s.truncate)->default_value(50),
      "dendrogram.svg shows at most this many leaves (the last merges)")(
      "top-words", po::value<std::size_t>(&s.top_words)->default_value(6),
      "words shown for a cluster's first topic");
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  if (int(!model_dir.empty()) + int(!rows_path.empty()) + int(!matrix_path.empty()) != 1) {
    throw tmkit::UsageError("give exactly one of --model DIR, --rows FILE and --matrix FILE");
  }
  const cli::DivergenceChoice choice = cli::finish_divergence_options(divergence_values);
  s.method = tmkit::parse_linkage(method);
  s.divergence = choice.divergence;
  if (!tmkit::is_symmetric(s.divergence.metric)) {
    throw tmkit::UsageError("--metric " + divergence_values.metric +
                            " is not symmetric, so not a distance; use jsd, js, hellinger, tv "
                            "or skl");
  }
  if (s.method == tmkit::Linkage::ib && !matrix_path.empty()) {
    throw tmkit::UsageError(
        "--linkage ib merges distributions and needs --model or --rows, not "
        "a distance matrix");
  }
  const int cuts =
      int(vm.count("clusters")) + int(vm.count("threshold")) + int(vm.count("inconsistent"));
  s.cut_given = cuts == 1;
  if (cuts > 1) {
    throw tmkit::UsageError("give one of --clusters, --threshold and --inconsistent");
  }
  if (vm.count("threshold")) {
    s.criterion = tmkit::FlatCriterion::distance;
    s.cut = threshold;
  } else if (vm.count("inconsistent")) {
    s.criterion = tmkit::FlatCriterion::inconsistent;
    s.cut = inconsistent;
  } else if (vm.count("clusters")) {
    if (!(clusters >= 1) || clusters != std::floor(clusters)) {
      throw tmkit::UsageError("--clusters must be a whole number of at least 1");
    }
    s.cut = clusters;
  }
  if (!std::isfinite(s.cut) || s.cut < 0) throw tmkit::UsageError("the cut must be >= 0");
  if (s.depth == 0) throw tmkit::UsageError("--depth must be at least 1");
  s.cophenet = !no_cophenet;
  if (s.optimal_ordering && no_cophenet) {
    throw tmkit::UsageError("--optimal-ordering needs the distances that --no-cophenet drops");
  }
  s.max_bytes = choice.max_bytes;
  tmkit::check_output({"--out", s.out, true, "cluster.json", "tm-cluster"},
                      {{"--model", model_dir},
                       {"--rows", rows_path},
                       {"--matrix", matrix_path},
                       {"--labels", labels_path}},
                      force);

  const tmkit::RowPolicy& policy = choice.policy;
  cli::RowSet rows;
  if (matrix_path.empty()) rows = cli::load_rows(model_dir, rows_path, false, policy);
  std::vector<std::string> labels = rows.labels;
  if (!labels_path.empty()) labels = read_lines(labels_path);
  return float32 ? cluster<float>(s, rows, matrix_path, std::move(labels))
                 : cluster<double>(s, rows, matrix_path, std::move(labels));
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-cluster", argc, argv, cluster_main); }
