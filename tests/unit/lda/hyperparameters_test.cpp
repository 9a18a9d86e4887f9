#include "tmkit/lda/hyperparameters.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "tmkit/core/random.hpp"
#include "tmkit/corpus/synthetic.hpp"

BOOST_AUTO_TEST_SUITE(hyperparameters)

// Sum over n Dirichlet(alpha) draws of log x_k: the sufficient statistic of the MLE.
arma::vec sufficient_statistics(const arma::vec& alpha, std::size_t n, std::uint64_t seed) {
  tmkit::Rng rng = tmkit::make_rng(seed, 0);
  arma::vec s(alpha.n_elem, arma::fill::zeros);
  for (std::size_t i = 0; i < n; ++i) {
    arma::vec x(alpha.n_elem);
    for (std::size_t k = 0; k < alpha.n_elem; ++k) {
      boost::random::gamma_distribution<double> g(alpha[k], 1.0);
      x[k] = g(rng);
    }
    s += arma::log(x / arma::accu(x));
  }
  return s;
}

BOOST_AUTO_TEST_CASE(asymmetric_newton_finds_the_stationary_point) {
  const arma::vec truth = {0.1, 0.5, 2.0, 0.05};
  const double n = 20000;
  const arma::vec s = sufficient_statistics(truth, 20000, 3);
  const arma::vec start(4, arma::fill::value(1.0));
  const arma::vec fit = tmkit::fit_dirichlet_asymmetric(n, s, start);
  // Gradient n (psi(sum a) - psi(a_k)) + s_k vanishes at the maximum (relative to n).
  for (std::size_t k = 0; k < 4; ++k) {
    const double gradient =
        n * (boost::math::digamma(arma::accu(fit)) - boost::math::digamma(fit[k])) + s[k];
    BOOST_TEST(std::fabs(gradient) / n < 1e-9);
  }
  BOOST_TEST(tmkit::dirichlet_objective(n, fit, s) > tmkit::dirichlet_objective(n, start, s));
  // 20000 draws estimate alpha to a few percent (standard error ~ 1-2% here).
  for (std::size_t k = 0; k < 4; ++k) BOOST_TEST(std::fabs(fit[k] / truth[k] - 1.0) < 0.05);
}

BOOST_AUTO_TEST_CASE(symmetric_newton_agrees_with_asymmetric_on_exchangeable_statistics) {
  const double n = 500;
  const arma::vec s(6, arma::fill::value(-1500.0));
  const double c = tmkit::fit_dirichlet_symmetric(n, 6, arma::accu(s), 0.01);
  const arma::vec a = tmkit::fit_dirichlet_asymmetric(n, s, arma::vec(6, arma::fill::value(2.0)));
  for (double ak : a) BOOST_TEST(ak == c, boost::test_tools::tolerance(1e-9));
  const double gradient =
      n * 6 * (boost::math::digamma(6 * c) - boost::math::digamma(c)) + arma::accu(s);
  BOOST_TEST(std::fabs(gradient) / n < 1e-9);
}

BOOST_AUTO_TEST_CASE(steps_never_decrease_the_objective_from_far_starts) {
  const arma::vec s = sufficient_statistics({0.3, 0.3, 3.0}, 1000, 9);
  for (double start : {1e-4, 1e-2, 1.0, 100.0}) {
    const arma::vec init(3, arma::fill::value(start));
    const arma::vec fit = tmkit::fit_dirichlet_asymmetric(1000, s, init);
    BOOST_TEST(fit.min() > 0.0);
    BOOST_TEST(tmkit::dirichlet_objective(1000, fit, s) >=
               tmkit::dirichlet_objective(1000, init, s));
  }
}

BOOST_AUTO_TEST_SUITE_END()
