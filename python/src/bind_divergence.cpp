// Divergences over numpy arrays, with tm-kl's metrics, zero policies and bases: full matrices,
// scipy's condensed form, nearest neighbours and the matching of two sets of topics.
#include <pybind11/stl.h>

#include <cmath>
#include <string>

#include "bindings.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/divergence/topic_matching.hpp"

namespace tmkit::python {

namespace {

DivergenceOptions divergence_options(const std::string& metric, double base) {
  DivergenceOptions options;
  options.metric = parse_metric(metric);
  if (base == 2) {
    options.base2 = true;
  } else if (std::fabs(base - std::exp(1.0)) > 1e-12) {
    throw UsageError("base must be e or 2; got " + std::to_string(base));
  }
  return options;
}

// The rows of `rows` as prepared columns (checked, divided by their sums, the zero policy
// applied): a copy, since preparing changes the values and the caller's array stays as it is.
arma::mat prepared(const CArray& rows, const char* name, const std::string& zero, bool normalize) {
  arma::mat columns = columns_of_rows(rows, name);
  arma::mat copy = columns;  // columns views the caller's memory
  RowPolicy policy;
  policy.normalize = normalize;
  policy.epsilon = parse_zero_policy(zero);
  prepare_distributions(copy, policy, name);
  return copy;
}

py::array_t<double> matrix(const CArray& p, const py::object& q, const std::string& metric,
                           double base, const std::string& zero, bool normalize, int n_threads) {
  const DivergenceOptions options = divergence_options(metric, base);
  const arma::mat a = prepared(p, "P", zero, normalize);
  arma::mat b;
  if (!q.is_none()) b = prepared(q.cast<CArray>(), "Q", zero, normalize);
  if (!q.is_none() && a.n_rows != b.n_rows) {
    throw UsageError("P and Q have rows of different lengths: " + std::to_string(a.n_rows) +
                     " and " + std::to_string(b.n_rows));
  }
  Released released;
  arma::mat out = released.run([&] {
    return q.is_none() ? divergence_matrix(a, options, n_threads, released.hooks())
                       : divergence_matrix(a, b, options, n_threads, released.hooks());
  });
  return to_numpy(std::move(out));
}

py::array_t<double> condensed(const CArray& p, const std::string& metric, double base,
                              const std::string& zero, bool normalize, int n_threads) {
  const DivergenceOptions options = divergence_options(metric, base);
  const arma::mat a = prepared(p, "P", zero, normalize);
  Released released;
  CondensedMatrix<double> out = released.run(
      [&] { return condensed_divergences<double>(a, options, n_threads, released.hooks()); });
  auto* kept = new CondensedMatrix<double>(std::move(out));
  return py::array_t<double>(
      {static_cast<py::ssize_t>(kept->size())}, {sizeof(double)}, kept->data(),
      py::capsule(kept, [](void* x) { delete static_cast<CondensedMatrix<double>*>(x); }));
}

py::tuple neighbours(const CArray& p, const py::object& q, std::size_t k, const std::string& metric,
                     double base, const std::string& zero, bool normalize, int n_threads) {
  const DivergenceOptions options = divergence_options(metric, base);
  const arma::mat a = prepared(p, "P", zero, normalize);
  const arma::mat b = q.is_none() ? arma::mat() : prepared(q.cast<CArray>(), "Q", zero, normalize);
  Released released;
  Neighbours nb = released.run([&] {
    return nearest_neighbours(a, q.is_none() ? a : b, k, /*exclude_same_index=*/q.is_none(),
                              options, n_threads, released.hooks());
  });
  py::array_t<std::int64_t> index(
      {static_cast<py::ssize_t>(nb.index.n_rows), static_cast<py::ssize_t>(nb.index.n_cols)});
  auto view = index.mutable_unchecked<2>();
  for (arma::uword i = 0; i < nb.index.n_rows; ++i) {
    for (arma::uword j = 0; j < nb.index.n_cols; ++j) {
      view(i, j) = static_cast<std::int64_t>(nb.index(i, j));
    }
  }
  return py::make_tuple(index, to_numpy(std::move(nb.value)));
}

py::dict match(const CArray& a, const CArray& b, const std::string& metric, double base,
               int n_threads) {
  const DivergenceOptions options = divergence_options(metric, base);
  LdaModel first, second;
  // compare_topics reads E[beta] = lambda_k / sum_w lambda_kw: rows given as distributions (or
  // as any positive weights) serve as lambda.
  first.lambda = prepared(a, "A", "inf", /*normalize=*/true).t();
  second.lambda = prepared(b, "B", "inf", /*normalize=*/true).t();
  Released released;
  TopicComparison comparison =
      released.run([&] { return compare_topics(first, second, options, n_threads); });
  py::list pairs;
  for (const auto& [i, j] : comparison.pairs) pairs.append(py::make_tuple(i, j));
  py::dict out;
  out["pairs"] = pairs;
  out["matched"] = comparison.matched;
  out["mean"] = comparison.mean_matched;
  out["divergence"] = to_numpy(std::move(comparison.divergence));
  return out;
}

}  // namespace

void bind_divergence(py::module_& m) {
  m.def("divergence_matrix", &matrix, py::arg("P"), py::arg("Q"), py::arg("metric"),
        py::arg("base"), py::arg("zero"), py::arg("normalize"), py::arg("n_threads"));
  m.def("condensed_divergences", &condensed, py::arg("P"), py::arg("metric"), py::arg("base"),
        py::arg("zero"), py::arg("normalize"), py::arg("n_threads"));
  m.def("nearest_neighbours", &neighbours, py::arg("P"), py::arg("Q"), py::arg("k"),
        py::arg("metric"), py::arg("base"), py::arg("zero"), py::arg("normalize"),
        py::arg("n_threads"));
  m.def("match_topics", &match, py::arg("A"), py::arg("B"), py::arg("metric"), py::arg("base"),
        py::arg("n_threads"));
}

}  // namespace tmkit::python
