// Condensed distance matrices: construction, checks, and reading from .npy or text.
#include "tmkit/divergence/condensed.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include "tmkit/core/error.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"

namespace tmkit {

namespace {

std::string pair_name(std::size_t i, std::size_t j) {
  return "rows " + std::to_string(i) + " and " + std::to_string(j);
}

// A row-major n x m matrix of values and, for text, the line of each row.
struct RawMatrix {
  std::size_t n_rows = 0, n_cols = 0;
  std::vector<double> values;
  std::vector<std::size_t> lines;
  bool one_dimensional = false;
  bool finite_non_negative = false;  ///< every value checked finite and >= 0 as it was read
};

// True when every value is finite (and >= 0 unless negative_ok): one pass the compiler
// vectorises, so that checking a large matrix costs a fraction of reading it; the caller looks
// for the first offender only when it is false.
template <class T>
bool all_finite_non_negative(const T* values, std::size_t n, bool negative_ok) {
  const T lowest = negative_ok ? -std::numeric_limits<T>::max() : T(0);
  const T highest = std::numeric_limits<T>::max();
  std::size_t bad = 0;  // a count, not a flag: branch-free, so that it vectorises
#pragma omp simd reduction(+ : bad)
  for (std::size_t i = 0; i < n; ++i) {
    const T v = values[i];
    bad += static_cast<std::size_t>(!(v >= lowest) | !(v <= highest));  // NaN fails both
  }
  return bad == 0;
}

bool is_npy(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
}

// Reads `path`, a .npy file into `storage`'s memory when it has the right size (see read_npy),
// checking its values as read unless `check` is false.
RawMatrix read_raw(const std::string& path, std::vector<double> storage = {}, bool check = true) {
  RawMatrix raw;
  if (is_npy(path)) {
    // Checked chunk by chunk as read, while in cache: one pass over a large matrix fewer.
    bool negative = false;
    NpyArray array = read_npy(
        path,
        !check ? NpyChunkCheck{} : [&](const double* values, std::size_t first, std::size_t n) {
      if (all_finite_non_negative(values, n, /*negative_ok=*/false)) return;
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(values[i])) {
          throw InputError(path, "entry " + std::to_string(first + i) + " is " +
                                     format_double(values[i]) + "; expected a finite distance");
        }
        negative = negative || values[i] < 0;
      }
        },
        std::move(storage));
    raw.one_dimensional = array.shape.size() == 1;
    raw.n_rows = raw.one_dimensional ? 1 : array.shape[0];
    raw.n_cols = raw.one_dimensional ? array.shape[0] : array.shape[1];
    raw.values = std::move(array.data);
    raw.finite_non_negative = check && !negative;
    return raw;
  }
  DistributionFile file = read_distributions(path);  // K x N: column j is the file's row j
  raw.n_rows = file.columns.n_cols;
  raw.n_cols = file.columns.n_rows;
  raw.values.assign(file.columns.begin(), file.columns.end());  // column-major = rows in order
  raw.lines = std::move(file.lines);
  raw.one_dimensional = raw.n_rows == 1;
  return raw;
}

}  // namespace

template <class T>
CondensedMatrix<T>::CondensedMatrix(std::size_t n, std::vector<T> values)
    : n_(n), values_(std::move(values)) {
  if (values_.size() != (n < 2 ? 0 : n * (n - 1) / 2)) {
    throw UsageError("a condensed matrix of " + std::to_string(n) + " points has " +
                     std::to_string(n * (n - 1) / 2) + " entries, not " +
                     std::to_string(values_.size()));
  }
}

std::size_t points_of_condensed(std::size_t length, const std::string& source) {
  auto n = static_cast<std::size_t>(std::llround(0.5 + std::sqrt(0.25 + 2.0 * double(length))));
  while (n > 1 && n * (n - 1) / 2 > length) --n;
  while (n * (n - 1) / 2 < length) ++n;
  if (n * (n - 1) / 2 != length) {
    throw InputError(source, std::to_string(length) +
                                 " values are not a condensed distance matrix; expected n (n - 1) "
                                 "/ 2 values for some n (the upper triangle, row by row)");
  }
  return n;
}

template <class T>
void check_distances(const CondensedMatrix<T>& distances, const std::string& source) {
  const std::size_t n = distances.n_points();
  if (n < 2) {
    throw InputError(source, "has " + std::to_string(n) + " point; clustering needs at least 2");
  }
  if (all_finite_non_negative(distances.data(), distances.size(), /*negative_ok=*/false)) return;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const T* row = distances.data() + distances.row_offset(i);
    for (std::size_t j = i + 1; j < n; ++j) {
      const T d = row[j];
      if (!std::isfinite(d)) {
        throw InputError(source, "distance between " + pair_name(i, j) + " is " +
                                     format_double(double(d)) + "; expected a finite distance");
      }
      if (d < 0) {
        throw InputError(source, "distance between " + pair_name(i, j) + " is negative (" +
                                     format_double(double(d)) + ")");
      }
    }
  }
}

template <class T>
CondensedMatrix<T> read_distance_matrix(const std::string& path) {
  return read_distance_matrix_again<T>(path, {}, std::nullopt);
}

template <class T>
CondensedMatrix<T> read_distance_matrix_again(const std::string& path, CondensedMatrix<T> storage,
                                              const std::optional<FileStamp>& checked) {
  // The file checked before, unless its stamp changed: its values need no second check.
  const bool same_file = checked && is_npy(path) && stamp_of(path) == checked;
  std::vector<double> buffer;  // only float64 storage can take the values as read
  if constexpr (std::is_same_v<T, double>) buffer = storage.release();
  RawMatrix raw = read_raw(path, std::move(buffer), /*check=*/!same_file);
  if (raw.values.empty()) throw InputError(path, "is empty; expected a distance matrix");
  std::size_t n = 0;
  std::vector<T> values;
  if (raw.one_dimensional || raw.n_cols == 1) {  // a row, or one value per line (np.savetxt)
    n = points_of_condensed(raw.values.size(), path);
    if constexpr (std::is_same_v<T, double>) {
      values = std::move(raw.values);  // the array read is the matrix: no second copy
    } else {
      values.assign(raw.values.begin(), raw.values.end());
      raw.values = {};
    }
  } else {
    if (raw.n_rows != raw.n_cols) {
      throw InputError(path, "is a " + std::to_string(raw.n_rows) + " x " +
                                 std::to_string(raw.n_cols) +
                                 " matrix; expected a square distance matrix or one condensed row");
    }
    n = raw.n_rows;
    const auto where = [&](std::size_t i) {
      return raw.lines.empty() ? path : path + ":" + std::to_string(raw.lines[i]);
    };
    values.reserve(n < 2 ? 0 : n * (n - 1) / 2);
    for (std::size_t i = 0; i < n; ++i) {
      if (raw.values[i * n + i] != 0.0) {
        throw InputError(where(i), "diagonal entry of row " + std::to_string(i) + " is " +
                                       format_double(raw.values[i * n + i]) + "; expected 0");
      }
      for (std::size_t j = i + 1; j < n; ++j) {
        if (raw.values[i * n + j] != raw.values[j * n + i]) {
          throw InputError(where(j), "the matrix is not symmetric: entry (" + std::to_string(i) +
                                         ", " + std::to_string(j) + ") is " +
                                         format_double(raw.values[i * n + j]) + " but (" +
                                         std::to_string(j) + ", " + std::to_string(i) + ") is " +
                                         format_double(raw.values[j * n + i]));
        }
        values.push_back(static_cast<T>(raw.values[i * n + j]));
      }
    }
  }
  CondensedMatrix<T> matrix(n, std::move(values));
  if (same_file && stamp_of(path) == checked && n >= 2) return matrix;  // unchanged while read
  if (std::is_same_v<T, double> && raw.finite_non_negative &&
      (raw.one_dimensional || raw.n_cols == 1) && n >= 2) {
    return matrix;  // every value was checked as it was read
  }
  check_distances(matrix, path);
  return matrix;
}

template class CondensedMatrix<double>;
template class CondensedMatrix<float>;
template void check_distances(const CondensedMatrix<double>&, const std::string&);
template void check_distances(const CondensedMatrix<float>&, const std::string&);
template CondensedMatrix<double> read_distance_matrix<double>(const std::string&);
template CondensedMatrix<float> read_distance_matrix<float>(const std::string&);
template CondensedMatrix<double> read_distance_matrix_again<double>(
    const std::string&, CondensedMatrix<double>, const std::optional<FileStamp>&);
template CondensedMatrix<float> read_distance_matrix_again<float>(const std::string&,
                                                                  CondensedMatrix<float>,
                                                                  const std::optional<FileStamp>&);

}  // namespace tmkit
