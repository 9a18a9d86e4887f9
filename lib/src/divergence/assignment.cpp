#include "tmkit/divergence/assignment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tmkit/core/error.hpp"

namespace tmkit {

std::vector<std::size_t> solve_assignment(const arma::mat& cost) {
  const std::size_t n = cost.n_rows, m = cost.n_cols;
  if (n > m) {
    throw UsageError("assignment: " + std::to_string(n) + " rows but only " + std::to_string(m) +
                     " columns; expected rows <= columns");
  }
  if (!cost.is_finite()) throw UsageError("assignment: the cost matrix has a non-finite entry");
  const double infinity = std::numeric_limits<double>::infinity();
  // 1-based arrays with a virtual column 0, as in the classic formulation: u, v are the row and
  // column potentials, row_of[j] the row matched to column j, way[j] the previous column on the
  // shortest augmenting path.
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<std::size_t> row_of(m + 1, 0), way(m + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    row_of[0] = i;
    std::size_t j0 = 0;
    std::vector<double> min_slack(m + 1, infinity);
    std::vector<bool> used(m + 1, false);
    do {
      used[j0] = true;
      const std::size_t i0 = row_of[j0];
      double delta = infinity;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double slack = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (slack < min_slack[j]) {
          min_slack[j] = slack;
          way[j] = j0;
        }
        if (min_slack[j] < delta) {
          delta = min_slack[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[row_of[j]] += delta;
          v[j] -= delta;
        } else {
          min_slack[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      row_of[j0] = row_of[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<std::size_t> column_of(n, 0);
  for (std::size_t j = 1; j <= m; ++j) {
    if (row_of[j] != 0) column_of[row_of[j] - 1] = j - 1;
  }
  return column_of;
}

std::vector<std::pair<std::size_t, std::size_t>> match_pairs(const arma::mat& cost) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  if (cost.n_rows <= cost.n_cols) {
    const auto column = solve_assignment(cost);
    for (std::size_t i = 0; i < column.size(); ++i) pairs.emplace_back(i, column[i]);
    return pairs;
  }
  const auto row = solve_assignment(cost.t());
  for (std::size_t j = 0; j < row.size(); ++j) pairs.emplace_back(row[j], j);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace tmkit
