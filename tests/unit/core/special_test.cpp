#include "tmkit/core/special.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "detail/vector_special.hpp"

BOOST_AUTO_TEST_SUITE(special)

#pragma GCC diagnostic ignored "-Wpsabi"

// The four-wide exp of the E-step against std::exp, lane by lane: within 2 ulp where the result is
// normal, 0 (or within 1e-308) below, exact at 0.
BOOST_AUTO_TEST_CASE(vector_exp_is_within_two_ulps_of_std_exp) {
  double worst_ulps = 0.0;
  int lane = 0;
  for (double z = -760.0; z <= 709.0; z += 0.00731, lane = (lane + 1) % 4) {
    tmkit::detail::v4d v = tmkit::detail::splat(0.0);
    v[lane] = z;
    const double got = tmkit::detail::vector_exp4(v)[lane];
    const double want = std::exp(z);
    if (want >= std::numeric_limits<double>::min()) {
      const double ulp = std::nextafter(want, HUGE_VAL) - want;
      worst_ulps = std::max(worst_ulps, std::fabs(got - want) / ulp);
    } else {
      BOOST_TEST(std::fabs(got - want) <= 1e-308);
    }
  }
  BOOST_TEST_MESSAGE("vector_exp4: largest error " << worst_ulps << " ulp");
  BOOST_TEST(worst_ulps <= 2.0);
  BOOST_TEST(tmkit::detail::vector_exp4(tmkit::detail::splat(0.0))[2] == 1.0);
}

// exp(psi(x) - c) four at a time against the scalar exp_digamma_minus, over the range of gamma
// (tiny priors to a million tokens): relative 1e-14.
BOOST_AUTO_TEST_CASE(vector_exp_digamma_matches_the_scalar_one) {
  double worst = 0.0;
  int lane = 0;
  for (double log10_x = -6; log10_x <= 6; log10_x += 0.0013, lane = (lane + 1) % 4) {
    const double x = std::pow(10.0, log10_x);
    for (double c : {-3.0, 0.0, 2.5, 9.0}) {
      tmkit::detail::v4d v = tmkit::detail::splat(1.0);
      v[lane] = x;
      const double got = tmkit::detail::vector_exp_digamma_minus4(v, c)[lane];
      const double want = tmkit::exp_digamma_minus(x, c);
      if (want > 1e-290) worst = std::max(worst, std::fabs(got - want) / want);
    }
  }
  BOOST_TEST_MESSAGE("vector_exp_digamma_minus4: largest relative difference " << worst);
  BOOST_TEST(worst < 1e-14);
}

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
