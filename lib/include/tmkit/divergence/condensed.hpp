// Condensed distance matrices: the upper triangle of a symmetric n x n matrix with a zero diagonal,
// row by row (entry (i, j), i < j, at n i - i (i + 1) / 2 + (j - i - 1)), which is scipy's pdist
// form and the input of every linkage. Stored in float64, or float32 for twice the points in the
// same memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
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
  /// The n (n - 1) / 2 values at `data`, read in place (a file mapped into memory, which `keeper`
  /// keeps alive): no copy until the first non-const access, which copies them into storage of
  /// the matrix's own.
  CondensedMatrix(std::size_t n, const T* data, std::shared_ptr<const void> keeper)
      : n_(n), view_(data), view_size_(n < 2 ? 0 : n * (n - 1) / 2), keeper_(std::move(keeper)) {}
  CondensedMatrix(const CondensedMatrix& other) : n_(other.n_) {
    allocate(other.size());
    std::copy(other.data(), other.data() + other.size(), values_.begin());
  }
  CondensedMatrix(CondensedMatrix&& other) noexcept { swap(other); }
  CondensedMatrix& operator=(const CondensedMatrix& other) {
    if (this != &other) *this = CondensedMatrix(other);
    return *this;
  }
  CondensedMatrix& operator=(CondensedMatrix&& other) noexcept {
    CondensedMatrix(std::move(other)).swap(*this);
    return *this;
  }
  ~CondensedMatrix() = default;

  std::size_t n_points() const noexcept { return n_; }
  std::size_t size() const noexcept { return view_ ? view_size_ : values_.size(); }
  /// Entry (i, j) lives at row_offset(i) + j for i < j.
  std::size_t row_offset(std::size_t i) const noexcept { return n_ * i - i * (i + 1) / 2 - i - 1; }
  std::size_t index(std::size_t i, std::size_t j) const noexcept {
    return i < j ? row_offset(i) + j : row_offset(j) + i;
  }
  /// d(i, j) for i != j.
  T operator()(std::size_t i, std::size_t j) const noexcept { return data()[index(i, j)]; }
  T& operator()(std::size_t i, std::size_t j) { return data()[index(i, j)]; }
  const T* data() const noexcept { return view_ ? view_ : values_.data(); }
  T* data() {
    own();
    return values_.data();
  }
  /// A copy of the values, in order.
  std::vector<T> values() const { return std::vector<T>(data(), data() + size()); }
  /// True while the values are read in place from memory the matrix does not own.
  bool in_place() const noexcept { return view_ != nullptr; }

 private:
  // Zeroed storage, in huge pages where Linux offers them (a matrix of 10^4 points is 400 MB,
  // whose page faults would otherwise cost as much as filling it).
  void allocate(std::size_t size) {
    values_.reserve(size);
    advise_huge_pages(values_.data(), size * sizeof(T));
    values_.resize(size);
  }
  // Values read in place become the matrix's own before they are written.
  void own() {
    if (!view_) return;
    allocate(view_size_);
    std::copy(view_, view_ + view_size_, values_.begin());
    view_ = nullptr;
    view_size_ = 0;
    keeper_.reset();
  }
  void swap(CondensedMatrix& other) noexcept {
    std::swap(n_, other.n_);
    values_.swap(other.values_);
    std::swap(view_, other.view_);
    std::swap(view_size_, other.view_size_);
    keeper_.swap(other.keeper_);
  }

  std::size_t n_ = 0;
  std::vector<T> values_;
  const T* view_ = nullptr;
  std::size_t view_size_ = 0;
  std::shared_ptr<const void> keeper_;
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

/// read_distance_matrix for what only reads the distances (the cophenetic correlation, medoids):
/// a plain .npy of condensed float64 values in the machine's byte order is not read but
/// memory-mapped, and the matrix reads it in place (no copy, no fresh pages). Its values are
/// checked as read_distance_matrix checks them, on `n_threads` threads, unless `checked` is the
/// stamp the file had when it was last read and checked and it still has it. Any other file is
/// read.
template <class T>
CondensedMatrix<T> open_distance_matrix(const std::string& path, int n_threads = 0,
                                        const std::optional<FileStamp>& checked = std::nullopt);

}  // namespace tmkit
