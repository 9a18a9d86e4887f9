// What is read off a linkage matrix (scipy's (n - 1) x 4 format, see cluster.hpp): the order of
// its leaves, flat clusters as scipy.cluster.hierarchy.fcluster forms them, inconsistency
// statistics, cophenetic distances and their correlation with the input distances, and the tree
// in Newick format. Each follows scipy 1.10's definition; flat cluster labels are numbered 1..k
// in the order scipy numbers them (a depth-first walk from the root, left child first).
#pragma once

#include <armadillo>
#include <cstddef>
#include <string>
#include <vector>

#include "tmkit/divergence/condensed.hpp"

namespace tmkit {

/// Checks that `z` is a linkage matrix of n = rows + 1 leaves: 4 columns, children are earlier
/// clusters used once each, sizes add up, heights finite and non-negative. InputError naming
/// `source` otherwise.
void check_linkage(const arma::mat& z, const std::string& source);

/// The leaves left to right as the dendrogram draws them (scipy's leaves_list).
std::vector<std::size_t> leaves_order(const arma::mat& z);

/// scipy's inconsistent(Z, d): per merge the mean and standard deviation of the heights of the
/// merges up to `depth` levels below it (itself included), their count, and the inconsistency
/// coefficient (height - mean) / std (0 when std is 0).
arma::mat inconsistency(const arma::mat& z, std::size_t depth = 2);

enum class FlatCriterion { maxclust, distance, inconsistent };

/// Flat clusters (labels 1..k per leaf) as fcluster(Z, t, criterion, depth): `maxclust` at most
/// t clusters (t >= 1), `distance` no merge above height t, `inconsistent` no merge whose
/// inconsistency (at `depth`) or that of one below it exceeds t.
std::vector<int> flat_clusters(const arma::mat& z, FlatCriterion criterion, double t,
                               std::size_t depth = 2);

/// Cophenetic distances (the height at which two leaves first join), condensed.
CondensedMatrix<double> cophenetic_distances(const arma::mat& z);

/// Pearson correlation between the cophenetic distances and `distances` over all pairs (scipy's
/// cophenet(Z, Y)[0]), computed row by row without holding the cophenetic matrix.
template <class T>
double cophenetic_correlation(const arma::mat& z, const CondensedMatrix<T>& distances,
                              int n_threads = 0);

/// The same tree with the children of some merges swapped so that the leaves, read left to right
/// (leaves_order), minimise the sum of the distances between neighbours (Bar-Joseph, Gifford &
/// Jaakkola 2001; scipy's optimal_leaf_ordering, which computes it in float32 where tmkit uses
/// float64). O(n^2) memory (an n x n table) and O(n^3) time at worst: for a few thousand points.
template <class T>
arma::mat optimal_leaf_ordering(const arma::mat& z, const CondensedMatrix<T>& distances);

/// Sum of the distances between neighbouring leaves in leaves_order(z).
template <class T>
double ordering_cost(const arma::mat& z, const CondensedMatrix<T>& distances);

/// The tree in Newick format, leaves named by `names` (quoted where Newick needs it), branch
/// lengths the differences of merge heights, ending in ";\n".
std::string to_newick(const arma::mat& z, const std::vector<std::string>& names);

}  // namespace tmkit
