#include "tmkit/cluster/cluster_profile.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {

constexpr std::size_t kProfileChunks = 16;  // tasks of the medoid sums
constexpr double kTieTolerance = 1e-12;     // relative

std::vector<ClusterProfile> group(const std::vector<int>& labels) {
  int k = 0;
  for (const int l : labels) {
    if (l < 1) throw UsageError("cluster labels start at 1");
    k = std::max(k, l);
  }
  std::vector<ClusterProfile> profiles(static_cast<std::size_t>(k));
  for (std::size_t c = 0; c < profiles.size(); ++c) profiles[c].cluster = static_cast<int>(c + 1);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    profiles[static_cast<std::size_t>(labels[i] - 1)].members.push_back(i);
  }
  return profiles;
}

}  // namespace

std::vector<ClusterProfile> profile_clusters(const arma::mat& columns,
                                             const std::vector<int>& labels,
                                             const DivergenceOptions& options,
                                             std::size_t n_top_topics) {
  if (labels.size() != columns.n_cols) {
    throw UsageError(std::to_string(labels.size()) + " labels for " +
                     std::to_string(columns.n_cols) + " distributions");
  }
  std::vector<ClusterProfile> profiles = group(labels);
  for (ClusterProfile& p : profiles) {
    if (p.members.empty()) continue;
    p.mean.zeros(columns.n_rows);
    for (const std::size_t i : p.members) p.mean += columns.col(i);
    p.mean /= static_cast<double>(p.members.size());
    std::vector<std::size_t> order(columns.n_rows);
    std::iota(order.begin(), order.end(), 0);
    const std::size_t top = std::min(n_top_topics, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](std::size_t a, std::size_t b) {
                        return p.mean(a) > p.mean(b) || (p.mean(a) == p.mean(b) && a < b);
                      });
    p.top_topics.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top));
    p.central_value = std::numeric_limits<double>::infinity();
    for (const std::size_t i : p.members) {
      const double d = divergence(columns.colptr(i), p.mean.memptr(), columns.n_rows, options);
      if (d < p.central_value) {
        p.central_value = d;
        p.central = i;
      }
    }
  }
  return profiles;
}

template <class T>
std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<T>& distances,
                                             const std::vector<int>& labels, int n_threads) {
  const std::size_t n = distances.n_points();
  if (labels.size() != n) {
    throw UsageError(std::to_string(labels.size()) + " labels for " + std::to_string(n) +
                     " points");
  }
  std::vector<ClusterProfile> profiles = group(labels);
  // Each point's summed distance to the other members of its cluster, in one pass over the matrix
  // in storage order: a cluster's pairs looked up member by member would jump across the whole
  // matrix. The columns are cut into kProfileChunks chunks of about equal work (column j holds j
  // entries), each a task: for every row above the chunk's end it reads the row's stretch inside
  // the chunk, adding each entry to its column's sum and to its row's sum for that chunk. The
  // chunks' row sums are added in chunk order afterwards: the same sums on any thread count, and
  // no ordered section (where a descheduled thread would hold up the others on a busy machine).
  const std::size_t n_chunks = std::min<std::size_t>(kProfileChunks, n);
  std::vector<std::size_t> edge(n_chunks + 1, n);
  for (std::size_t c = 0; c < n_chunks; ++c) {
    edge[c] = static_cast<std::size_t>(double(n) * std::sqrt(double(c) / double(n_chunks)));
  }
  std::vector<double> column_sums(n, 0.0);
  std::vector<std::vector<double>> row_sums(n_chunks);
  const T* values = distances.data();
  for_each_block(BlockPartition{n_chunks, 1}, n_threads, [&](std::size_t c) {
    const std::size_t begin = edge[c], end = edge[c + 1];
    std::vector<double>& rows = row_sums[c];
    rows.assign(end, 0.0);  // rows 0..end-1 have entries in columns [begin, end)
    for (std::size_t i = 0; i + 1 < end; ++i) {
      const T* row = values + distances.row_offset(i);
      const int own = labels[i];
      double sum = 0.0;
      const std::size_t first = std::max(begin, i + 1);
#pragma omp simd reduction(+ : sum)
      for (std::size_t j = first; j < end; ++j) {
        const double d = labels[j] == own ? static_cast<double>(row[j]) : 0.0;
        sum += d;
        column_sums[j] += d;
      }
      rows[i] = sum;
    }
  });
  std::vector<double> sums = std::move(column_sums);
  for (const std::vector<double>& rows : row_sums) {
    for (std::size_t i = 0; i < rows.size(); ++i) sums[i] += rows[i];
  }
  for (ClusterProfile& p : profiles) {
    if (p.members.empty()) continue;
    p.central = p.members.front();
    p.central_value = 0;
    if (p.members.size() < 2) continue;
    // Sums equal but for rounding (their terms were added in different orders) are a tie, which
    // goes to the lower index.
    double best = std::numeric_limits<double>::infinity();
    for (const std::size_t i : p.members) {
      if (sums[i] < best * (1 - kTieTolerance)) {
        best = sums[i];
        p.central = i;
      }
    }
    p.central_value = best / static_cast<double>(p.members.size() - 1);
  }
  return profiles;
}

template std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<double>&,
                                                      const std::vector<int>&, int);
template std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<float>&,
                                                      const std::vector<int>&, int);

}  // namespace tmkit
