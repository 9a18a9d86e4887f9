// Condensed distance matrices: the upper triangle of a symmetric n x n matrix with a zero diagonal,
// row by row (entry (i, j), i < j, at n i - i (i + 1) / 2 + (j - i - 1)), which is scipy's pdist
// form and the input of every linkage. Stored in float64, or float32 for twice the points in the
// same memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tmkit/core/process.hpp"
#include "tmkit/io/input_file.hpp"

namespace tmkit {

template <class T>
class CondensedMatrix {
 public:
  CondensedMatrix() = default;
  /// n points, every distance 0.
  explicit CondensedMatrix(std::size_t n) : n_(n) { allocate(n < 2 ? 0 : n * (n - 1) / 2); }
  /// Takes the upper triangle of n points; UsageError unless values.size() == n (n - 1) / 2.
  CondensedMatrix(std::size_t n, std::vector<T> values);
  CondensedMatrix(const CondensedMatrix& other) : n_(other.n_) {
    allocate(other.size());
    std::copy(other.values_.begin(), other.values_.end(), values_.begin());
  }
  /// A matrix moved from is empty (0 points).
  CondensedMatrix(CondensedMatrix&& other) noexcept
      : n_(std::exchange(other.n_, 0)), values_(std::move(other.values_)) {
    other.values_.clear();
  }
  CondensedMatrix& operator=(const CondensedMatrix& other) {
    if (this != &other) *this = CondensedMatrix(other);
    return *this;
  }
  CondensedMatrix& operator=(CondensedMatrix&& other) noexcept {
    n_ = std::exchange(other.n_, 0);
    values_ = std::move(other.values_);
    other.values_.clear();
    return *this;
  }
  ~CondensedMatrix() = default;

  std::size_t n_points() const noexcept { return n_; }
  std::size_t size() const noexcept { return values_.size(); }
  /// Entry (i, j) lives at row_offset(i) + j for i < j.
  std::size_t row_offset(std::size_t i) const noexcept { return n_ * i - i * (i + 1) / 2 - i - 1; }
  std::size_t index(std::size_t i, std::size_t j) const noexcept {
    return i < j ? row_offset(i) + j : row_offset(j) + i;
  }
  /// d(i, j) for i != j.
  T operator()(std::size_t i, std::size_t j) const noexcept { return values_[index(i, j)]; }
  T& operator()(std::size_t i, std::size_t j) noexcept { return values_[index(i, j)]; }
  const T* data() const noexcept { return values_.data(); }
  T* data() noexcept { return values_.data(); }
  const std::vector<T>& values() const noexcept { return values_; }
  /// The storage, given up: the matrix is left empty (0 points).
  std::vector<T> release() noexcept {
    n_ = 0;
    return std::move(values_);
  }

 private:
  // Zeroed storage, in huge pages where Linux offers them (a matrix of 10^4 points is 400 MB,
  // whose page faults would otherwise cost as much as filling it).
  void allocate(std::size_t size) {
    values_.reserve(size);
    advise_huge_pages(values_.data(), size * sizeof(T));
    values_.resize(size);
  }

  std::size_t n_ = 0;
  std::vector<T> values_;
};

/// The n with n (n - 1) / 2 == length; InputError naming `source` if there is none.
std::size_t points_of_condensed(std::size_t length, const std::string& source);

/// Checks that every distance is finite and non-negative; InputError naming `source` and the pair
/// (0-based rows i and j) otherwise.
template <class T>
void check_distances(const CondensedMatrix<T>& distances, const std::string& source);

/// Reads a distance matrix: .npy, 1-d condensed (as scipy's pdist writes it) or 2-d square; or
/// text, one line of condensed values or n lines of n values (what tm-similarity writes). A square
/// matrix must have a zero diagonal and be exactly symmetric (scipy's checks). InputError naming
/// the file (and for text the line) for anything else, and for fewer than 2 points, NaN,
/// infinite or negative distances.
template <class T>
CondensedMatrix<T> read_distance_matrix(const std::string& path);

/// read_distance_matrix into the memory of `storage` (whatever it holds), when the file is a plain
/// .npy of as many float64 values: no fresh pages for the kernel to clear, for a matrix read again
/// after a linkage worked in its storage. The values are not checked again when `checked` is the
/// stamp the file had when it was last read and checked, and it has it before and after this
/// read; otherwise, and for any other file, as read_distance_matrix.
template <class T>
CondensedMatrix<T> read_distance_matrix_again(const std::string& path, CondensedMatrix<T> storage,
                                              const std::optional<FileStamp>& checked);

}  // namespace tmkit
