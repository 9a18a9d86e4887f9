// read_distributions: rows of distributions from .npy or from text (matrix_io's read_matrix).
#include "tmkit/core/error.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/matrix_io.hpp"

namespace tmkit {

DistributionFile read_distributions(const std::string& path) {
  MatrixFile read = read_matrix(path, "probability");
  if (read.columns.n_elem == 0) {
    throw InputError(path, "the array is empty; expected one distribution per row");
  }
  return {std::move(read.columns), std::move(read.lines)};
}

}  // namespace tmkit
