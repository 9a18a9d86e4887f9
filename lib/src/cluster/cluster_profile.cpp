#include "tmkit/cluster/cluster_profile.hpp"

#include <algorithm>
#include <numeric>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {

constexpr std::size_t kProfileRowsPerBlock = 32;
constexpr double kTieTolerance = 1e-12;  // relative

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
  // in storage order (row i gives its own sum and, for each later j of its cluster, a term of j's):
  // a cluster's pairs looked up member by member would jump across the whole matrix. Blocks of
  // rows in parallel, their column terms added in block order: the same sums on any thread count.
  std::vector<double> sums(n, 0.0);
  const BlockPartition blocks{n < 2 ? 0 : n - 1, kProfileRowsPerBlock};
  const T* values = distances.data();
  for_each_block_ordered(
      blocks, n_threads, [] { return std::vector<double>(); },
      [&](std::size_t b, std::vector<double>& column) {
        const std::size_t first = blocks.begin(b);
        column.assign(n - first, 0.0);  // terms of points first.. from this block's rows
        for (std::size_t i = first; i < blocks.end(b); ++i) {
          const T* row = values + distances.row_offset(i);
          const int own = labels[i];
          double sum = 0.0;
          double* terms = column.data() - first;
#pragma omp simd reduction(+ : sum)
          for (std::size_t j = i + 1; j < n; ++j) {
            const double d = labels[j] == own ? static_cast<double>(row[j]) : 0.0;
            sum += d;
            terms[j] += d;
          }
          column[i - first] += sum;
        }
      },
      [&](std::size_t b, std::vector<double>& column) {
        const std::size_t first = blocks.begin(b);
        for (std::size_t j = first; j < n; ++j) sums[j] += column[j - first];
      });
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
