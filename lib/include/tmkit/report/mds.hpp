// Classical multidimensional scaling (Torgerson 1952; Gower 1966, "principal coordinates"): points
// in a few dimensions whose Euclidean distances match given distances as closely as an
// eigendecomposition allows. tm-report places topics on its map this way from their Jensen-Shannon
// distances, as LDAvis does (Sievert & Shirley 2014).
#pragma once

#include <armadillo>
#include <cstddef>

namespace tmkit {

/// Coordinates of n points in `dimensions` dimensions (an n x dimensions matrix) from their n x n
/// symmetric distance matrix `distances` (zero diagonal): with J = I - 11'/n the centring matrix
/// and B = -J D∘D J / 2 (D∘D the squared distances), the columns are the eigenvectors of B for its
/// largest eigenvalues, each scaled by the square root of its eigenvalue (0 where the eigenvalue is
/// not positive, below 1e-12 of the largest: the distances then have no extent, or are not
/// Euclidean, in that direction). Each column's sign is
/// fixed so that its entry of largest magnitude is positive (the first such entry on a tie), which
/// makes the result unique where the eigenvalues are distinct. UsageError for a matrix that is not
/// square and symmetric, holds a negative or non-finite entry, or for n < dimensions.
arma::mat classical_mds(const arma::mat& distances, std::size_t dimensions = 2);

}  // namespace tmkit
