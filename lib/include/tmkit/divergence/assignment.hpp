// Minimum-cost one-to-one matching (the linear assignment problem), by the Hungarian method with
// potentials, O(n^2 m) (Kuhn 1955; Munkres 1957; the shortest-augmenting-path form of Jonker &
// Volgenant 1987). Used to match topics of two models, or fitted topics to true ones.
#pragma once

#include <armadillo>
#include <cstddef>
#include <utility>
#include <vector>

namespace tmkit {

/// For an n x m cost matrix with n <= m and finite entries, the column assigned to each row such
/// that the total cost is minimal and no column is used twice. UsageError if n > m or a cost is not
/// finite.
std::vector<std::size_t> solve_assignment(const arma::mat& cost);

/// The minimal-cost one-to-one pairs (row, column) of any n x m cost matrix, sorted by row; when
/// n > m the rows left over (and when n < m the columns) stay unmatched.
std::vector<std::pair<std::size_t, std::size_t>> match_pairs(const arma::mat& cost);

}  // namespace tmkit
