// A whole clustering run, as tm-cluster does it: distances of a row set (or a distance matrix read
// from a file), the linkage, flat clusters, what each cluster is about, agreement with known
// labels, and the output directory (linkage.npy/.txt, labels.tsv, tree.nwk, dendrogram.svg,
// clusters.tsv, summary.txt and the cluster.json manifest), written all or nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tmkit/cluster/cluster.hpp"
#include "tmkit/cluster/cluster_tree.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/divergence/row_set.hpp"
#include "tmkit/io/output_guard.hpp"

namespace tmkit {

/// --optimal-ordering is O(n^3) time and n^2 memory: refused above this many points.
constexpr std::size_t kMaxOrderedPoints = 5000;

struct ClusterPlan {
  Linkage method = Linkage::average;
  DivergenceOptions divergence{Metric::jsd, false};  ///< between rows (not for a matrix, nor ib)
  FlatCriterion criterion = FlatCriterion::maxclust;
  double cut = 10;         ///< the criterion's threshold (maxclust: at most this many clusters)
  bool cut_given = false;  ///< else cut is the default of 10 clusters, lowered to the points
  std::size_t depth = 2;   ///< levels of the inconsistency statistics
  bool cophenet = true;    ///< the cophenetic correlation (a second copy of distances computed
                           ///< from rows; a given --matrix is read again after the linkage)
  bool optimal_ordering = false;
  bool float32 = false;                  ///< distances held in single precision
  double max_bytes = kDefaultMaxMemory;  ///< the memory the distances may take
  std::size_t truncate = 50;             ///< leaves shown in dendrogram.svg
  std::size_t top_words = 6;             ///< words shown for a cluster's first topic
  std::string matrix;                    ///< a distance matrix file to cluster instead of rows
  std::string labels;                    ///< true labels, one per line (else the rows' own labels)
  std::string out;                       ///< the output directory
  bool force = false;  ///< replace a directory that holds something else (output_guard.hpp)
};

struct ClusterOutcome {
  std::size_t points = 0, clusters = 0;
  /// NaN when the distances were not kept, or they or the tree's heights do not vary (two points)
  double cophenetic = 0;
  std::string summary;             ///< summary.txt: the numbers, the labels' scores, the table
  std::vector<std::string> files;  ///< written into plan.out
};

/// Checks the plan (UsageError or OptionError naming the option) and that plan.out may be written
/// (output_guard.hpp), before anything is read or computed; `inputs` are the files the caller read.
void check_cluster_plan(const ClusterPlan& plan, const std::vector<InputPath>& inputs);

/// Runs `plan` on `rows` (ignored when plan.matrix is set) with `n_threads` threads; `stages`
/// gives the hooks of each stage ("distances", "merges", "leaf ordering"). Interrupted leaves
/// nothing written.
ClusterOutcome run_cluster(const ClusterPlan& plan, const RowSet& rows, int n_threads = 0,
                           const StageHooks& stages = {});

}  // namespace tmkit
