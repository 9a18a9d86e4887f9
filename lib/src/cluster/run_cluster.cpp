#include "tmkit/cluster/run_cluster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "tmkit/cluster/cluster_agreement.hpp"
#include "tmkit/cluster/cluster_profile.hpp"
#include "tmkit/cluster/dendrogram.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit {
namespace {

std::string name_of(const RowSet& rows, std::size_t i) {
  return i < rows.ids.size() && !rows.ids[i].empty() ? rows.ids[i] : std::to_string(i);
}

// The top words of topic k, from the model when there is one.
std::string topic_words(const RowSet& rows, const std::vector<TopicSummary>& topics,
                        std::size_t k) {
  if (!rows.model || k >= topics.size()) return "";
  std::string words;
  for (const auto w : topics[k].words) {
    if (!words.empty()) words += ' ';
    words += rows.model->vocab[w];
  }
  return words;
}

std::string clusters_table(const std::vector<ClusterProfile>& profiles, const RowSet& rows,
                           const std::vector<TopicSummary>& topics, bool for_terminal) {
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
          << name_of(rows, p.central) << '\t' << format_double(p.central_value) << '\t' << words
          << '\n';
    }
  }
  return out.str();
}

std::string criterion_text(const ClusterPlan& plan) {
  char text[96];
  switch (plan.criterion) {
    case FlatCriterion::maxclust:
      std::snprintf(text, sizeof text, "at most %.0f clusters", plan.cut);
      break;
    case FlatCriterion::distance:
      std::snprintf(text, sizeof text, "cut at height %g", plan.cut);
      break;
    case FlatCriterion::inconsistent:
      std::snprintf(text, sizeof text, "inconsistency above %g (depth %zu)", plan.cut, plan.depth);
      break;
  }
  return text;
}

WorkHooks stage(const StageHooks& stages, const char* name) {
  return stages ? stages(name) : WorkHooks{};
}

// What was computed, for the files and the summary.
template <class T>
struct Clustering {
  CondensedMatrix<T> distances;  ///< kept for the cophenetic correlation (else empty)
  arma::mat z;
  std::vector<int> flat;
  std::size_t points = 0;
  bool have_distances = false;
  double cophenetic = std::nan("");
  std::vector<ClusterProfile> profiles;
  std::vector<std::string> labels;
};

template <class T>
CondensedMatrix<T> distances_of(const ClusterPlan& plan, const RowSet& rows, int n_threads,
                                const StageHooks& stages) {
  const WorkHooks hooks = stage(stages, "distances");
  if (!plan.matrix.empty()) return read_distance_matrix<T>(plan.matrix);
  const std::size_t n = rows.columns.n_cols;
  if (n < 2) throw InputError(rows.source, "has fewer than 2 rows to cluster");
  if (plan.method == Linkage::ib && !plan.cophenet) return {};
  const bool twice = plan.cophenet && plan.method != Linkage::ib;
  const double bytes = double(n) * double(n - 1) / 2 * sizeof(T) * (twice ? 2 : 1);
  check_memory(bytes, std::to_string(n) + " rows' distances", plan.max_bytes,
               "hold them in single precision or skip the cophenetic correlation");
  return condensed_divergences<T>(rows.columns, plan.divergence, n_threads, hooks);
}

template <class T>
Clustering<T> compute(ClusterPlan plan, const RowSet& rows, int n_threads,
                      const StageHooks& stages) {
  Clustering<T> c;
  // A given matrix's stamp before it is read: if the file still has it when it is opened again
  // after the linkage, its values are the ones checked now.
  const std::optional<FileStamp> matrix_stamp =
      plan.matrix.empty() ? std::nullopt : stamp_of(plan.matrix);
  c.distances = distances_of<T>(plan, rows, n_threads, stages);
  c.points = plan.matrix.empty() ? rows.columns.n_cols : c.distances.n_points();
  if (!plan.cut_given) plan.cut = std::min(plan.cut, double(c.points));  // 10 or fewer
  if (plan.criterion == FlatCriterion::maxclust && plan.cut > double(c.points)) {
    throw OptionError("clusters", format_shortest(plan.cut) + " is more than the " +
                                      std::to_string(c.points) + " points to cluster");
  }
  if (plan.optimal_ordering && c.points > kMaxOrderedPoints) {
    throw OptionError("optimal-ordering", "takes O(n^3) time and n^2 memory; it is for at most " +
                                              std::to_string(kMaxOrderedPoints) + " points, not " +
                                              std::to_string(c.points));
  }
  c.labels = plan.labels.empty() ? rows.labels : read_lines(plan.labels);
  if (!c.labels.empty() && c.labels.size() != c.points) {
    throw UsageError(std::to_string(c.labels.size()) + " labels for " + std::to_string(c.points) +
                     " points");
  }
  {
    const WorkHooks hooks = stage(stages, "merges");
    if (plan.method == Linkage::ib) {
      c.z = ib_linkage(rows.columns, n_threads, hooks);
    } else if (plan.cophenet && plan.matrix.empty()) {
      c.z = linkage(c.distances, plan.method, n_threads, hooks);  // works on a copy
    } else {
      c.z = linkage_in_place(c.distances, plan.method, n_threads, hooks);
      // A given matrix is read again for what needs the distances after the linkage, into the
      // storage the linkage worked in, rather than copied before it: the process never holds the
      // matrix twice, and its pages are not cleared again.
      if (!plan.cophenet) {
        c.distances = {};
      } else {
        c.distances =
            read_distance_matrix_again<T>(plan.matrix, std::move(c.distances), matrix_stamp);
        if (c.distances.n_points() != c.points) {
          throw InputError(plan.matrix, "changed while it was being clustered");
        }
      }
    }
  }
  c.have_distances = c.distances.n_points() == c.points;
  if (plan.optimal_ordering) {
    stage(stages, "leaf ordering");
    c.z = optimal_leaf_ordering(c.z, c.distances);
  }
  c.flat = flat_clusters(c.z, plan.criterion, plan.cut, plan.depth);
  if (c.have_distances) c.cophenetic = cophenetic_correlation(c.z, c.distances, n_threads);
  if (plan.matrix.empty()) {
    c.profiles = profile_clusters(rows.columns, c.flat, plan.divergence);
  } else if (c.have_distances) {
    c.profiles = profile_clusters(c.distances, c.flat, n_threads);
  }
  return c;
}

template <class T>
std::string summary_of(const ClusterPlan& plan, const Clustering<T>& c, const std::string& table,
                       std::size_t clusters) {
  std::ostringstream summary;
  summary << "tm-cluster: " << c.points << " points, " << linkage_name(plan.method) << " linkage";
  if (plan.matrix.empty() && plan.method != Linkage::ib) {
    summary << " on " << metric_name(plan.divergence.metric)
            << (plan.divergence.base2 ? " (bits)" : " (nats)");
  }
  summary << ", " << clusters << " flat clusters (" << criterion_text(plan) << ")\n";
  if (c.have_distances && std::isnan(c.cophenetic)) {
    // Pearson's r is 0/0 when the distances or the tree's heights do not vary (two points; three
    // at distances 1, 1, 2 under single linkage), as in scipy.
    summary
        << "cophenetic correlation undefined (the distances or the tree's heights do not vary)\n";
  } else if (c.have_distances) {
    char line[96];
    std::snprintf(line, sizeof line, "cophenetic correlation %.4f\n", c.cophenetic);
    summary << line;
  }
  if (!c.labels.empty()) {
    const auto a = compare_with_labels(c.flat, c.labels);
    char line[160];
    std::snprintf(line, sizeof line,
                  "against the %zu labels: purity %.4f, normalized mutual information %.4f, "
                  "adjusted Rand index %.4f\n",
                  a.classes, a.purity, a.nmi, a.ari);
    summary << line;
  }
  if (!table.empty()) summary << '\n' << table;
  return summary.str();
}

std::string labels_table(const std::vector<std::string>& names, const std::vector<int>& flat,
                         const std::vector<std::string>& labels) {
  std::ostringstream out;
  out << "document\tcluster" << (labels.empty() ? "" : "\tlabel") << '\n';
  for (std::size_t i = 0; i < names.size(); ++i) {
    out << names[i] << '\t' << flat[i];
    if (!labels.empty()) out << '\t' << labels[i];
    out << '\n';
  }
  return out.str();
}

// The manifest: what made this directory, so that a later run may replace it (output_guard.hpp).
std::string manifest(const ClusterPlan& plan, std::size_t points) {
  return "{\"written_by\": \"tm-cluster\", \"tmkit_version\": \"" + tmkit_version() +
         "\", \"points\": " + std::to_string(points) + ", \"linkage\": \"" +
         linkage_name(plan.method) + "\", \"flat_clusters\": \"" + criterion_text(plan) + "\"}\n";
}

template <class T>
ClusterOutcome write(const ClusterPlan& plan, const RowSet& rows, const Clustering<T>& c) {
  std::vector<TopicSummary> topics;
  if (rows.model) topics = summarize_topics(rows.model->model, plan.top_words);
  std::vector<std::string> names(c.points);
  for (std::size_t i = 0; i < c.points; ++i) names[i] = name_of(rows, i);

  ClusterOutcome outcome;
  outcome.points = c.points;
  outcome.cophenetic = c.cophenetic;
  for (const auto& p : c.profiles) outcome.clusters += p.members.empty() ? 0 : 1;
  if (c.profiles.empty()) {
    outcome.clusters = static_cast<std::size_t>(*std::max_element(c.flat.begin(), c.flat.end()));
  }
  const std::string table =
      c.profiles.empty() ? "" : clusters_table(c.profiles, rows, topics, true);
  outcome.summary = summary_of(plan, c, table, outcome.clusters);

  DendrogramOptions picture;
  picture.title = "tm-cluster: " + linkage_name(plan.method) + " linkage of " +
                  std::to_string(c.points) + " points";
  picture.height_label = plan.method == Linkage::ib ? "information lost (nats)"
                         : plan.matrix.empty()
                             ? metric_name(plan.divergence.metric) + " merge height"
                             : "merge height";
  picture.last_p = plan.truncate;
  picture.clusters = c.flat;

  // All or nothing.
  AtomicDirectory dir(plan.out);
  {
    AtomicFile npy(dir.file("linkage.npy"), true);
    write_npy(npy.stream(), c.z);
    npy.commit();
  }
  outcome.files = {"linkage.npy", "linkage.txt", "labels.tsv", "tree.nwk", "dendrogram.svg"};
  write_file_atomically(dir.file("linkage.txt"), format_matrix_text(c.z));
  write_file_atomically(dir.file("labels.tsv"), labels_table(names, c.flat, c.labels));
  write_file_atomically(dir.file("tree.nwk"), to_newick(c.z, names));
  write_file_atomically(dir.file("cluster.json"), manifest(plan, c.points));
  write_file_atomically(dir.file("dendrogram.svg"), render_dendrogram(c.z, names, picture));
  if (!c.profiles.empty()) {
    write_file_atomically(dir.file("clusters.tsv"),
                          clusters_table(c.profiles, rows, topics, false));
    outcome.files.push_back("clusters.tsv");
  }
  write_file_atomically(dir.file("summary.txt"), outcome.summary);
  outcome.files.push_back("summary.txt");
  dir.commit();
  return outcome;
}

template <class T>
ClusterOutcome run(const ClusterPlan& plan, const RowSet& rows, int n_threads,
                   const StageHooks& stages) {
  const Clustering<T> c = compute<T>(plan, rows, n_threads, stages);
  return write(plan, rows, c);
}

}  // namespace

void check_cluster_plan(const ClusterPlan& plan, const std::vector<InputPath>& inputs) {
  if (!is_symmetric(plan.divergence.metric)) {
    throw OptionError("metric", metric_name(plan.divergence.metric) +
                                    " is not symmetric, so not a distance; use jsd, js, "
                                    "hellinger, tv or skl");
  }
  if (plan.method == Linkage::ib && !plan.matrix.empty()) {
    throw OptionError("linkage",
                      "ib merges distributions and needs rows or a model, not a distance matrix");
  }
  if (!std::isfinite(plan.cut) || plan.cut < 0) throw UsageError("the cut must be >= 0");
  if (plan.criterion == FlatCriterion::maxclust &&
      (!(plan.cut >= 1) || plan.cut != std::floor(plan.cut))) {
    throw OptionError("clusters", "must be a whole number of at least 1");
  }
  if (plan.depth == 0) throw OptionError("depth", "must be at least 1");
  if (plan.optimal_ordering && !plan.cophenet) {
    throw OptionError(
        "optimal-ordering",
        "needs the distances, which are dropped when the cophenetic correlation is skipped");
  }
  std::vector<InputPath> all = inputs;
  all.push_back({"--matrix", plan.matrix});
  all.push_back({"--labels", plan.labels});
  check_output({"--out", plan.out, true, "cluster.json", "tm-cluster"}, all, plan.force);
}

ClusterOutcome run_cluster(const ClusterPlan& plan, const RowSet& rows, int n_threads,
                           const StageHooks& stages) {
  return plan.float32 ? run<float>(plan, rows, n_threads, stages)
                      : run<double>(plan, rows, n_threads, stages);
}

}  // namespace tmkit
