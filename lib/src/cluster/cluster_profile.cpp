#include "tmkit/cluster/cluster_profile.hpp"

#include <algorithm>
#include <numeric>

#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {

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
                                             const std::vector<int>& labels) {
  if (labels.size() != distances.n_points()) {
    throw UsageError(std::to_string(labels.size()) + " labels for " +
                     std::to_string(distances.n_points()) + " points");
  }
  std::vector<ClusterProfile> profiles = group(labels);
  for (ClusterProfile& p : profiles) {
    if (p.members.empty()) continue;
    p.central = p.members.front();
    p.central_value = 0;
    if (p.members.size() < 2) continue;
    double best = std::numeric_limits<double>::infinity();
    for (const std::size_t i : p.members) {
      double sum = 0;
      for (const std::size_t j : p.members) {
        if (i != j) sum += static_cast<double>(distances(i, j));
      }
      if (sum < best) {
        best = sum;
        p.central = i;
      }
    }
    p.central_value = best / static_cast<double>(p.members.size() - 1);
  }
  return profiles;
}

template std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<double>&,
                                                      const std::vector<int>&);
template std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<float>&,
                                                      const std::vector<int>&);

}  // namespace tmkit
