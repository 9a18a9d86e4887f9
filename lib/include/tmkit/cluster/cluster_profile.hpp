// What each flat cluster is about: its size, its mean topic distribution, its dominant topics and
// its most central document.
#pragma once

#include <armadillo>
#include <cstddef>
#include <vector>

#include "tmkit/divergence/condensed.hpp"
#include "tmkit/divergence/divergence.hpp"

namespace tmkit {

struct ClusterProfile {
  int cluster = 0;                      ///< its label (1..k)
  std::vector<std::size_t> members;     ///< points, in increasing order
  arma::vec mean;                       ///< mean distribution of its members (empty: no rows)
  std::vector<std::size_t> top_topics;  ///< indices of the largest entries of mean, largest first
  std::size_t central = 0;              ///< the member nearest the centre
  double central_value = 0;             ///< its divergence from the mean, or mean distance
};

/// Profiles of the clusters 1..k of `labels` from the distributions (K x n columns): the central
/// member is the one with the smallest divergence from the cluster's mean, by `options` (for KL,
/// KL(member || mean)). Ties go to the lower index.
std::vector<ClusterProfile> profile_clusters(const arma::mat& columns,
                                             const std::vector<int>& labels,
                                             const DivergenceOptions& options,
                                             std::size_t n_top_topics = 3);

/// Profiles from distances alone: sizes and members, and as the central member the medoid (the
/// smallest mean distance to the other members; ties to the lower index). No means or topics.
/// The same result on any number of threads.
template <class T>
std::vector<ClusterProfile> profile_clusters(const CondensedMatrix<T>& distances,
                                             const std::vector<int>& labels, int n_threads = 0);

}  // namespace tmkit
