#include "tmkit/report/mds.hpp"

#include <cmath>
#include <string>

#include "tmkit/core/error.hpp"

namespace tmkit {

arma::mat classical_mds(const arma::mat& distances, std::size_t dimensions) {
  const std::size_t n = distances.n_rows;
  if (distances.n_cols != n) {
    throw UsageError("classical MDS needs a square distance matrix; got " + std::to_string(n) +
                     " x " + std::to_string(distances.n_cols));
  }
  if (n < dimensions) {
    throw UsageError("classical MDS of " + std::to_string(n) + " points into " +
                     std::to_string(dimensions) + " dimensions; expected at least as many points");
  }
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < n; ++i) {
      const double d = distances(i, j);
      if (!std::isfinite(d) || d < 0 || d != distances(j, i)) {
        throw UsageError("classical MDS needs symmetric, finite, non-negative distances; entry (" +
                         std::to_string(i) + ", " + std::to_string(j) + ") breaks that");
      }
    }
  }
  // B = -J (D o D) J / 2, by subtracting row and column means and adding the grand mean.
  arma::mat b = arma::square(distances);
  const arma::rowvec column_means = arma::mean(b, 0);
  const arma::colvec row_means = arma::mean(b, 1);
  const double grand_mean = arma::mean(row_means);
  b.each_row() -= column_means;
  b.each_col() -= row_means;
  b += grand_mean;
  b *= -0.5;
  b = 0.5 * (b + b.t());  // exactly symmetric for the symmetric eigensolver
  arma::vec values;
  arma::mat vectors;
  if (!arma::eig_sym(values, vectors, b)) {
    throw UsageError("classical MDS: the eigendecomposition did not converge");
  }
  // eig_sym returns ascending eigenvalues: the largest are last.
  arma::mat coordinates(n, dimensions, arma::fill::zeros);
  for (std::size_t c = 0; c < dimensions; ++c) {
    const std::size_t e = n - 1 - c;
    // Eigenvalues within rounding of zero (relative to the largest) count as zero.
    if (!(values(e) > 1e-12 * std::abs(values(n - 1)))) continue;
    arma::vec column = vectors.col(e) * std::sqrt(values(e));
    std::size_t largest = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (std::abs(column(i)) > std::abs(column(largest))) largest = i;
    }
    if (column(largest) < 0) column = -column;
    coordinates.col(c) = column;
  }
  return coordinates;
}

}  // namespace tmkit
