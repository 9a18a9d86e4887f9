// Agglomerative hierarchical clustering with scipy.cluster.hierarchy's definitions and output:
// the (n - 1) x 4 linkage matrix whose row i merges clusters Z[i,0] < Z[i,1] (leaves 0..n-1, the
// cluster made by row i is n + i) at height Z[i,2] into a cluster of Z[i,3] points.
//
// Algorithms (Müllner 2011, "Modern hierarchical, agglomerative clustering algorithms"), each the
// one scipy 1.10 runs, with the same tie-breaking, so that tied distances give scipy's tree:
//   single                              minimum spanning tree (Prim), sorted and relabelled
//   complete, average, weighted, ward   nearest-neighbour chain, sorted and relabelled
//   centroid, median                    the generic algorithm (nearest-neighbour candidates in a
//                                       heap); merges in the order made (heights may decrease)
// and `ib`, the agglomerative information bottleneck (Slonim & Tishby 1999; docs/math/cluster.md),
// by the generic algorithm over the distributions themselves: the merge of clusters i and j costs
// (w_i + w_j) JS_pi(p_i, p_j) nats, pi = (w_i, w_j) / (w_i + w_j), each document weighing 1/n;
// the merged cluster is the weighted mean of the two. Its heights are the merge costs.
//
// The scans over the distance matrix run in parallel; results do not depend on the thread count.
#pragma once

#include <armadillo>
#include <string>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/divergence/condensed.hpp"

namespace tmkit {

enum class Linkage { single, complete, average, weighted, centroid, median, ward, ib };

/// "single", "complete", "average", "weighted", "centroid", "median", "ward", "ib"; UsageError
/// otherwise.
Linkage parse_linkage(const std::string& name);
std::string linkage_name(Linkage method);

/// Clusters n points from their condensed distances, which it uses as its working store (pass an
/// rvalue to avoid a copy). Not for `ib` (UsageError): see ib_linkage. The distances must be
/// finite and non-negative (check_distances). Progress counts merges; a stop request throws
/// Interrupted.
template <class T>
arma::mat linkage(CondensedMatrix<T> distances, Linkage method, int n_threads = 0,
                  const WorkHooks& hooks = {});

/// The same in the storage of `distances`, whose values it leaves undefined (the storage stays,
/// for a reader to fill again: read_distance_matrix_again).
template <class T>
arma::mat linkage_in_place(CondensedMatrix<T>& distances, Linkage method, int n_threads = 0,
                           const WorkHooks& hooks = {});

/// The information-bottleneck linkage of the distributions in the columns of `columns` (K x n,
/// prepared: finite, non-negative, each summing to 1), each weighing 1/n.
arma::mat ib_linkage(const arma::mat& columns, int n_threads = 0, const WorkHooks& hooks = {});

/// The cost in nats of merging two clusters of weights wp and wq with distributions p and q:
/// wp KL(p || m) + wq KL(q || m), m = (wp p + wq q) / (wp + wq), which equals
/// (wp + wq) JS_pi(p, q). The reference for ib_linkage's heights.
double ib_merge_cost(const double* p, double wp, const double* q, double wq,
                     std::size_t k) noexcept;

}  // namespace tmkit
