// A dendrogram of a linkage matrix (cluster.hpp) as a standalone SVG picture: leaves along the
// bottom with their names, each merge drawn as a bracket at its height, a height axis on the left.
// For many leaves only the last merges are drawn, as scipy's dendrogram(truncate_mode="lastp")
// does: the p clusters that remain before them become the leaves, labelled with their size.
#pragma once

#include <armadillo>
#include <cstddef>
#include <string>
#include <vector>

namespace tmkit {

struct DendrogramOptions {
  std::string title = "Dendrogram";
  std::string height_label = "merge height";
  std::size_t last_p = 50;  ///< leaves shown at most (the last last_p - 1 merges)
  /// Flat cluster (1..k) of each point, to colour the branches within a cluster; empty: black.
  std::vector<int> clusters;
};

/// The leaves a truncated dendrogram shows, left to right: a point (< n) or a cluster (n + i).
std::vector<std::size_t> dendrogram_leaves(const arma::mat& z, std::size_t last_p);

/// The picture. Leaves that are points are named by `names` (their index when names is empty),
/// clusters by "(size)".
std::string render_dendrogram(const arma::mat& z, const std::vector<std::string>& names,
                              const DendrogramOptions& options = {});

}  // namespace tmkit
