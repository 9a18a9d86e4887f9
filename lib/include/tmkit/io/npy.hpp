// NumPy .npy files (format version 1.0 written; 1.0-3.0 read), the matrix format of tmkit's
// outputs, so that numpy.load, scipy and pandas read them with one call. Format: numpy's
// "NEP 1 — A simple file format for NumPy arrays" (numpy.lib.format).
#pragma once

#include <armadillo>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace tmkit {

/// A numeric array read from a .npy file, converted to float64, in C (row-major) order.
struct NpyArray {
  std::vector<std::size_t> shape;  ///< 1 or 2 dimensions (0-d arrays are read as shape {1})
  std::vector<double> data;        ///< product(shape) values, row-major
};

/// Writes a float64 array (little-endian "<f8", C order) of the given shape, whose `data` holds
/// product(shape) values in row-major order.
void write_npy(std::ostream& out, const double* data, const std::vector<std::size_t>& shape);

/// The same in two steps, for an array written as it is computed: the header, then the values in
/// row-major order, in as many calls as convenient (product(shape) values in all).
void write_npy_header(std::ostream& out, const std::vector<std::size_t>& shape);
void write_npy_values(std::ostream& out, const double* data, std::size_t count);

/// Writes `matrix` as an n_rows x n_cols C-order array (transposing Armadillo's column-major
/// store).
void write_npy(std::ostream& out, const arma::mat& matrix);

/// Writes `matrix` to `path` atomically (see AtomicFile).
void write_npy_file(const std::string& path, const arma::mat& matrix);

/// Reads a .npy file of float64, float32, int64 or int32 (either byte order, C or Fortran order).
/// InputError naming the file for a bad magic string, an unsupported dtype, a malformed header or a
/// size that does not match the shape.
NpyArray read_npy(const std::string& path);

/// Called with each chunk of values as soon as it is in the array (in file order: `first` is the
/// index of values[0]), while it is still in cache: a reader of a large array checks it there
/// instead of walking the whole array again. It may throw.
using NpyChunkCheck =
    std::function<void(const double* values, std::size_t first, std::size_t count)>;

/// read_npy with `check` called on every chunk of the data as read (before a Fortran-ordered
/// array is reordered). With `storage` of the right size (as many values as the file holds, in an
/// uncompressed file), the values are read into its memory, which the array then owns: no fresh
/// pages to clear, for an array read again.
NpyArray read_npy(const std::string& path, const NpyChunkCheck& check,
                  std::vector<double> storage = {});

/// Reads a 2-d .npy file (a 1-d one becomes a single row) into an Armadillo matrix of the same
/// logical shape.
arma::mat read_npy_matrix(const std::string& path);

}  // namespace tmkit
