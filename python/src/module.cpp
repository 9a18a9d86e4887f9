// tmkit._core: the library's computations over numpy arrays. The Python package (python/tmkit)
// builds its estimator and functions on these.
#include <Python.h>

#include "bindings.hpp"
#include "tmkit/core/error.hpp"

namespace tmkit::python {

namespace {

// Keeps a moved-in Armadillo object alive for as long as numpy views its memory.
template <class Object>
py::capsule owner(Object* object) {
  return py::capsule(object, [](void* p) { delete static_cast<Object*>(p); });
}

// A numpy view of `matrix`'s column-major memory, kept alive by the array: shape (rows, cols) of
// the matrix (Fortran order), or its transpose (C order).
py::array_t<double> view_of(arma::mat&& matrix, bool transposed) {
  auto* kept = new arma::mat(std::move(matrix));
  const auto rows = static_cast<py::ssize_t>(kept->n_rows);
  const auto cols = static_cast<py::ssize_t>(kept->n_cols);
  const auto item = static_cast<py::ssize_t>(sizeof(double));
  if (transposed) {
    return py::array_t<double>({cols, rows}, {item * rows, item}, kept->memptr(), owner(kept));
  }
  return py::array_t<double>({rows, cols}, {item, item * rows}, kept->memptr(), owner(kept));
}

}  // namespace

py::array_t<double> to_numpy(arma::mat&& matrix) { return view_of(std::move(matrix), false); }

py::array_t<double> to_numpy_transposed(arma::mat&& matrix) {
  return view_of(std::move(matrix), true);
}

py::array_t<double> to_numpy(arma::vec&& vector) {
  auto* kept = new arma::vec(std::move(vector));
  return py::array_t<double>({static_cast<py::ssize_t>(kept->n_elem)}, {sizeof(double)},
                             kept->memptr(), owner(kept));
}

arma::mat columns_of_rows(const CArray& rows, const char* name) {
  if (rows.ndim() != 2) {
    throw UsageError(std::string(name) + " must be a 2-d array (one distribution per row); got " +
                     std::to_string(rows.ndim()) + " dimensions");
  }
  // Armadillo's advanced constructor over foreign memory: no copy, strict (never reallocated).
  return arma::mat(const_cast<double*>(rows.data()), static_cast<arma::uword>(rows.shape(1)),
                   static_cast<arma::uword>(rows.shape(0)), /*copy_aux_mem=*/false,
                   /*strict=*/true);
}

arma::mat matrix_view(const FArray& array, const char* name) {
  if (array.ndim() != 2) {
    throw UsageError(std::string(name) + " must be a 2-d array; got " +
                     std::to_string(array.ndim()) + " dimensions");
  }
  return arma::mat(const_cast<double*>(array.data()), static_cast<arma::uword>(array.shape(0)),
                   static_cast<arma::uword>(array.shape(1)), /*copy_aux_mem=*/false,
                   /*strict=*/true);
}

Released::Released()
    : caller_(std::this_thread::get_id()), last_poll_(std::chrono::steady_clock::now()) {}

WorkHooks Released::hooks() {
  WorkHooks hooks;
  hooks.stop_requested = [this] { return poll(); };
  return hooks;
}

bool Released::poll() {
  if (stop_.load(std::memory_order_relaxed)) return true;
  if (std::this_thread::get_id() != caller_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_poll_ < std::chrono::milliseconds(50)) return false;
  last_poll_ = now;
  py::gil_scoped_acquire gil;
  // Runs Python's signal handlers; the default SIGINT handler raises KeyboardInterrupt, which
  // stays set in this thread until raise_interrupt hands it to Python.
  if (PyErr_CheckSignals() != 0) stop_.store(true, std::memory_order_relaxed);
  return stop_.load(std::memory_order_relaxed);
}

void Released::raise_interrupt() {
  if (!PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
  throw py::error_already_set();
}

}  // namespace tmkit::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  m.doc() = "tmkit's C++ library: variational LDA, divergences, clustering, model selection";
  m.attr("__version__") = TMKIT_PYTHON_VERSION;
  // The library's errors become Python's: bad input or options ValueError (with the library's
  // message), a file that cannot be written OSError, a stop KeyboardInterrupt.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const tmkit::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const tmkit::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const tmkit::OutputError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const tmkit::Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  tmkit::python::bind_lda(m);
  tmkit::python::bind_divergence(m);
  tmkit::python::bind_cluster(m);
  tmkit::python::bind_selection(m);
}
