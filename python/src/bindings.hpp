// What every part of the Python extension shares: numpy arrays to and from Armadillo without
// copies where the layouts agree, and running library work with the GIL released while Ctrl-C
// still stops it.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <armadillo>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>

#include "tmkit/core/error.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"

namespace tmkit::python {

namespace py = pybind11;

/// A float64 array in C order; other dtypes and layouts are converted (a copy), these are not.
using CArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
/// The same in Fortran order.
using FArray = py::array_t<double, py::array::f_style | py::array::forcecast>;

/// A matrix handed to numpy without a copy: numpy's array of shape (n_rows, n_cols) views the
/// matrix's column-major memory (Fortran order) and keeps it alive.
py::array_t<double> to_numpy(arma::mat&& matrix);
/// The transpose, also without a copy: shape (n_cols, n_rows) in C order (a K x N matrix whose
/// columns are distributions becomes N rows).
py::array_t<double> to_numpy_transposed(arma::mat&& matrix);
py::array_t<double> to_numpy(arma::vec&& vector);

/// The rows of a C-ordered (n, k) array as the columns of a k x n matrix over the same memory (no
/// copy; the array must outlive the matrix). `name` goes into the error for a wrong shape.
arma::mat columns_of_rows(const CArray& rows, const char* name);
/// A Fortran-ordered (n, m) array as an n x m matrix over the same memory.
arma::mat matrix_view(const FArray& array, const char* name);

/// Runs library work with the GIL released. Its hooks() poll Python's signal handlers (from the
/// calling thread, at most every 50 ms), so Ctrl-C stops the work at its next poll; the library
/// then throws Interrupted, which run() turns into the KeyboardInterrupt Python raised.
class Released {
 public:
  Released();
  /// Hooks for the library: stop_requested polls Python's signals.
  WorkHooks hooks();
  /// Runs `work()` without the GIL and returns its result.
  template <class Work>
  auto run(Work&& work) -> decltype(work()) {
    try {
      py::gil_scoped_release release;
      return work();
    } catch (const Interrupted&) {
      raise_interrupt();
      throw;  // not reached
    }
  }

 private:
  [[noreturn]] void raise_interrupt();
  bool poll();

  std::thread::id caller_;
  std::atomic<bool> stop_{false};
  std::chrono::steady_clock::time_point last_poll_;
};

/// A CSR matrix of counts (documents x words) that the library reads in place: the package
/// (tmkit/_lda.py, as_corpus) hands over int64 row pointers, int32 column indices sorted within
/// each row, and positive float64 counts, converting (copying) only arrays of other types.
struct CsrCorpus {
  py::array_t<std::int64_t, py::array::c_style> indptr;
  py::array_t<std::int32_t, py::array::c_style> indices;
  py::array_t<double, py::array::c_style> data;
  std::size_t n_features = 0;

  /// The corpus over these arrays (Corpus::view: no copy); UsageError for inconsistent arrays,
  /// ids out of range or unsorted, and counts that are not positive and finite.
  Corpus view() const;
};

void bind_lda(py::module_& m);
void bind_divergence(py::module_& m);
void bind_cluster(py::module_& m);
void bind_selection(py::module_& m);

}  // namespace tmkit::python
