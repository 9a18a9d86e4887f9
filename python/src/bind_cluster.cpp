// Hierarchical clustering over numpy arrays: linkage matrices in scipy's format (usable by
// scipy.cluster.hierarchy.dendrogram), flat clusters, leaf order and cophenetic distances.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "tmkit/cluster/cluster.hpp"
#include "tmkit/cluster/cluster_tree.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/divergence/divergence.hpp"

namespace tmkit::python {

namespace {

// The number of points n of a condensed matrix of n (n - 1) / 2 entries; UsageError otherwise.
std::size_t points_of(std::size_t size) {
  std::size_t n = 1;
  while (n * (n - 1) / 2 < size) ++n;
  if (n * (n - 1) / 2 != size || n < 2) {
    throw UsageError(
        "a condensed distance matrix has n (n - 1) / 2 entries for n >= 2 points; "
        "got " +
        std::to_string(size));
  }
  return n;
}

py::array_t<double> linkage_of(const CArray& y, const std::string& method, int n_threads) {
  if (y.ndim() != 1) {
    throw UsageError("y must be a condensed distance matrix (1-d, scipy's pdist form); got " +
                     std::to_string(y.ndim()) + " dimensions");
  }
  const Linkage how = parse_linkage(method);
  if (how == Linkage::ib) {
    throw UsageError("the ib linkage clusters distributions, not distances: use ib_linkage");
  }
  const auto size = static_cast<std::size_t>(y.shape(0));
  // The linkage works in its input's storage: one copy of y, as scipy makes.
  CondensedMatrix<double> distances(points_of(size),
                                    std::vector<double>(y.data(), y.data() + size));
  check_distances(distances, "y");
  Released released;
  arma::mat z =
      released.run([&] { return linkage(std::move(distances), how, n_threads, released.hooks()); });
  return to_numpy(std::move(z));
}

py::array_t<double> ib_linkage_of(const CArray& rows, int n_threads) {
  arma::mat columns = columns_of_rows(rows, "P");
  arma::mat copy = columns;
  RowPolicy policy;
  policy.normalize = true;
  prepare_distributions(copy, policy, "P");
  Released released;
  arma::mat z = released.run([&] { return ib_linkage(copy, n_threads, released.hooks()); });
  return to_numpy(std::move(z));
}

arma::mat checked_linkage(const CArray& z) {
  if (z.ndim() != 2 || z.shape(1) != 4) {
    throw UsageError("Z must be a linkage matrix of n - 1 rows and 4 columns");
  }
  // Z arrives in C order: its rows are the columns of a 4 x (n - 1) matrix.
  arma::mat matrix = columns_of_rows(z, "Z").t();
  check_linkage(matrix, "Z");
  return matrix;
}

std::vector<int> fcluster(const CArray& z, double t, const std::string& criterion,
                          std::size_t depth) {
  FlatCriterion how;
  if (criterion == "maxclust") {
    how = FlatCriterion::maxclust;
  } else if (criterion == "distance") {
    how = FlatCriterion::distance;
  } else if (criterion == "inconsistent") {
    how = FlatCriterion::inconsistent;
  } else {
    throw UsageError("criterion \"" + criterion +
                     "\" is unknown; expected maxclust, distance or inconsistent");
  }
  return flat_clusters(checked_linkage(z), how, t, depth);
}

std::vector<std::size_t> leaves(const CArray& z) { return leaves_order(checked_linkage(z)); }

std::vector<double> cophenet(const CArray& z) {
  return cophenetic_distances(checked_linkage(z)).values();
}

}  // namespace

void bind_cluster(py::module_& m) {
  m.def("linkage", &linkage_of, py::arg("y"), py::arg("method"), py::arg("n_threads"));
  m.def("ib_linkage", &ib_linkage_of, py::arg("P"), py::arg("n_threads"));
  m.def("fcluster", &fcluster, py::arg("Z"), py::arg("t"), py::arg("criterion"), py::arg("depth"));
  m.def("leaves_list", &leaves, py::arg("Z"));
  m.def("cophenet", &cophenet, py::arg("Z"));
}

}  // namespace tmkit::python
