#include "tmkit/report/mds.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/npy.hpp"

namespace {
arma::mat reference(const std::string& name) {
  return tmkit::read_npy_matrix(tmkit::test::source_path("tests/reference/mds/" + name + ".npy"));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(mds_reference)

// numpy's eigh of the double-centred squared distances (tests/reference/generate_mds.py), on
// Jensen-Shannon distances between random topics as tm-report's map uses, and on points of a plane.
BOOST_AUTO_TEST_CASE(matches_numpy_principal_coordinates) {
  for (const std::string name : {"js_k5", "js_k12", "js_k40", "plane"}) {
    BOOST_TEST_CONTEXT(name) {
      const arma::mat distances = reference(name + "_distances");
      const arma::mat expected = reference(name + "_coords");
      const arma::mat coords = tmkit::classical_mds(distances);
      BOOST_REQUIRE(coords.n_rows == expected.n_rows);
      BOOST_REQUIRE(coords.n_cols == 2u);
      BOOST_TEST(arma::abs(coords - expected).max() < 1e-10);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mds)

// Distances that are Euclidean in the plane come back exactly (up to rotation): every pairwise
// distance of the coordinates equals the input's.
BOOST_AUTO_TEST_CASE(planar_distances_are_recovered) {
  const arma::mat distances = reference("plane_distances");
  const arma::mat coords = tmkit::classical_mds(distances);
  for (arma::uword i = 0; i < coords.n_rows; ++i) {
    for (arma::uword j = 0; j < coords.n_rows; ++j) {
      BOOST_TEST(arma::norm(coords.row(i) - coords.row(j)) == distances(i, j),
                 boost::test_tools::tolerance(1e-9));
    }
  }
  // The coordinates are centred.
  BOOST_TEST(arma::abs(arma::mean(coords, 0)).max() < 1e-12);
}

BOOST_AUTO_TEST_CASE(degenerate_and_bad_inputs) {
  // Two points: one positive eigenvalue; the second dimension is 0.
  const arma::mat two = {{0, 3}, {3, 0}};
  const arma::mat coords = tmkit::classical_mds(two);
  BOOST_TEST(std::abs(coords(0, 0) - coords(1, 0)) == 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(arma::abs(coords.col(1)).max() == 0.0);
  // One point, identical points: all zero.
  BOOST_TEST(arma::abs(tmkit::classical_mds(arma::mat(3, 3, arma::fill::zeros))).max() == 0.0);
  BOOST_CHECK_THROW(tmkit::classical_mds(arma::mat(2, 3, arma::fill::zeros)), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::classical_mds(arma::mat(1, 1, arma::fill::zeros)), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::classical_mds(arma::mat{{0, 1}, {2, 0}}), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::classical_mds(arma::mat{{0, -1}, {-1, 0}}), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::classical_mds(arma::mat{{0, arma::datum::nan}, {arma::datum::nan, 0}}),
                    tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
