// Minimum-cost one-to-one matching (the linear assignment problem), by the Hungarian method with
// potentials, O(n^2 m) (Kuhn 1955; Munkres 1957; the shortest-augmenting-path form of Jonker &
// Volgenant 1987). Used to match topics of two models, or fitted topics to true ones.
#pragma once

#include <armadillo>
#include <cstddef>
#include <vector>

namespace tmkit {

/// For an n x m cost matrix with n <= m and finite entries, the column assigned to each row such
/// that the total cost is minimal and no column is used twice. UsageError if n > m or a cost is not
/// finite.
std::vector<std::size_t> solve_assignment(const arma::mat& cost);

}  // namespace tmkit
