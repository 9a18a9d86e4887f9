#include "tmkit/divergence/assignment.hpp"

#include <boost/random/uniform_real_distribution.hpp>
#include <boost/test/unit_test.hpp>
#include <numeric>

#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"

BOOST_AUTO_TEST_SUITE(assignment)

double brute_force_minimum(const arma::mat& cost) {
  std::vector<std::size_t> columns(cost.n_cols);
  std::iota(columns.begin(), columns.end(), 0);
  double best = HUGE_VAL;
  do {
    double total = 0.0;
    for (std::size_t i = 0; i < cost.n_rows; ++i) total += cost(i, columns[i]);
    best = std::min(best, total);
  } while (std::next_permutation(columns.begin(), columns.end()));
  return best;
}

BOOST_AUTO_TEST_CASE(matches_brute_force_on_random_and_tied_costs) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    tmkit::Rng rng = tmkit::make_rng(seed, 0);
    boost::random::uniform_real_distribution<double> draw(0.0, 1.0);
    const std::size_t rows = 2 + seed % 5, cols = rows + seed % 3;
    arma::mat cost(rows, cols);
    for (auto& c : cost) c = seed % 2 ? draw(rng) : std::floor(3 * draw(rng));  // ties when even
    const auto match = tmkit::solve_assignment(cost);
    double total = 0.0;
    std::vector<bool> used(cols, false);
    for (std::size_t i = 0; i < rows; ++i) {
      BOOST_TEST(!used[match[i]]);
      used[match[i]] = true;
      total += cost(i, match[i]);
    }
    BOOST_TEST(total == brute_force_minimum(cost), boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(rejects_more_rows_than_columns_and_nan) {
  BOOST_CHECK_THROW(tmkit::solve_assignment(arma::mat(3, 2, arma::fill::ones)), tmkit::UsageError);
  arma::mat cost(2, 2, arma::fill::ones);
  cost(0, 1) = arma::datum::nan;
  BOOST_CHECK_THROW(tmkit::solve_assignment(cost), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
