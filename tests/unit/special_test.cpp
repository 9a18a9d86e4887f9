#include "tmkit/special.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>

BOOST_AUTO_TEST_SUITE(special)

// The E-step's digamma against Boost.Math's over the range LDA uses (tiny priors up to the token
// count of a large corpus). Bound: 4e-15 absolute below 1 in magnitude, relative above - a few ulp
// of the result, far below the 1e-10 the ELBO tests need.
BOOST_AUTO_TEST_CASE(digamma_matches_boost_to_a_few_ulp) {
  double worst = 0.0;
  for (double log10_x = -8; log10_x <= 12; log10_x += 0.0007) {
    const double x = std::pow(10.0, log10_x);
    const double expected = boost::math::digamma(x);
    const double error =
        std::fabs(tmkit::digamma(x) - expected) / std::max(1.0, std::fabs(expected));
    worst = std::max(worst, error);
  }
  BOOST_TEST(worst < 4e-15);
}

BOOST_AUTO_TEST_CASE(digamma_near_its_root_is_accurate_in_absolute_terms) {
  const double root = 1.4616321449683623;  // psi(root) = 0
  BOOST_TEST(std::fabs(tmkit::digamma(root)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(log_gamma_and_trigamma_match_boost) {
  for (double x : {1e-6, 0.01, 0.5, 1.0, 3.7, 100.0, 1e6}) {
    BOOST_TEST(tmkit::log_gamma(x) == boost::math::lgamma(x), boost::test_tools::tolerance(1e-13));
    BOOST_TEST(tmkit::trigamma(x) == boost::math::trigamma(x), boost::test_tools::tolerance(1e-14));
  }
}

BOOST_AUTO_TEST_SUITE_END()
