#include "tmkit/core/special.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
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
      const double got = tmkit::detail::vector_exp_digamma_minus(v, c)[lane];
      const double want = tmkit::exp_digamma_minus(x, c);
      if (want > 1e-290) worst = std::max(worst, std::fabs(got - want) / want);
    }
  }
  BOOST_TEST_MESSAGE("vector_exp_digamma_minus (4 lanes): largest relative difference " << worst);
  BOOST_TEST(worst < 1e-14);
}

namespace {

// exp(psi(x) - c) of eight lanes as update_exp_elog_theta computes it: built for the baseline and,
// as the E-step's clones are, for x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512). The v3 and v4
// builds do the same operations lane by lane (FMA in both), so the same bits must come out. Arrays
// in and out, as in the E-step: a vector passed by value to a function built for another target
// travels in other registers (GCC's -Wpsabi note).
[[gnu::always_inline]] inline void eight_lanes(const double* x, double c, double* out) {
  tmkit::detail::v8d v;
  std::memcpy(&v, x, sizeof v);
  const tmkit::detail::v8d t = tmkit::detail::vector_exp_digamma_minus(v, c);
  std::memcpy(out, &t, sizeof t);
}
void exp_digamma_minus8(const double* x, double c, double* out) { eight_lanes(x, c, out); }
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TMKIT_TEST_HAS_CLONES 1
[[gnu::target("arch=x86-64-v3")]] void exp_digamma_minus8_v3(const double* x, double c,
                                                             double* out) {
  eight_lanes(x, c, out);
}
[[gnu::target("arch=x86-64-v4")]] void exp_digamma_minus8_v4(const double* x, double c,
                                                             double* out) {
  eight_lanes(x, c, out);
}
#endif

}  // namespace

// The eight-wide form is the four-wide one twice, bit for bit, and its AVX-512 build is its AVX2
// build bit for bit: the E-step's gamma does not depend on which of those two clones the CPU picks.
// Against the baseline build (no FMA) and the scalar form: within 1e-12 relative, the rounding of
// an exponent psi(x) - c near -700 (x near 1/700) carried into its exp.
BOOST_AUTO_TEST_CASE(eight_wide_exp_digamma_is_the_four_wide_one_bit_for_bit) {
  namespace d = tmkit::detail;
#ifdef TMKIT_TEST_HAS_CLONES
  const bool has_v4 = __builtin_cpu_supports("x86-64-v4");
#else
  const bool has_v4 = false;
#endif
  BOOST_TEST_MESSAGE("x86-64-v4 build compared: " << (has_v4 ? "yes" : "no, CPU lacks AVX-512"));
  std::size_t compared = 0;
  for (double log10_x = -6; log10_x <= 6; log10_x += 0.0117) {
    for (double c : {-3.0, 0.0, 2.5, 9.0}) {
      double x[8], wide[8], narrow[8];
      for (int lane = 0; lane < 8; ++lane) x[lane] = std::pow(10.0, log10_x + 0.001 * lane);
      exp_digamma_minus8(x, c, wide);
      for (int half = 0; half < 2; ++half) {
        d::v4d v;
        std::memcpy(&v, x + 4 * half, sizeof v);
        const d::v4d t = d::vector_exp_digamma_minus(v, c);
        std::memcpy(narrow + 4 * half, &t, sizeof t);
      }
      BOOST_TEST(std::memcmp(wide, narrow, sizeof wide) == 0);
      for (int lane = 0; lane < 8; ++lane) {
        const double want = tmkit::exp_digamma_minus(x[lane], c);
        if (want > 1e-290) BOOST_TEST(std::fabs(wide[lane] - want) <= 1e-12 * want);
      }
#ifdef TMKIT_TEST_HAS_CLONES
      if (has_v4) {
        double avx2[8], avx512[8];
        exp_digamma_minus8_v3(x, c, avx2);
        exp_digamma_minus8_v4(x, c, avx512);
        BOOST_TEST(std::memcmp(avx512, avx2, sizeof avx2) == 0);
        for (int lane = 0; lane < 8; ++lane) {
          if (wide[lane] > 1e-290)
            BOOST_TEST(std::fabs(avx2[lane] - wide[lane]) <= 1e-12 * wide[lane]);
        }
      }
#endif
      ++compared;
    }
  }
  BOOST_TEST(compared > 4000u);
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
