#include "tmkit/divergence/divergence.hpp"

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>

#include "detail/midpoint_xlogx.hpp"
#include "detail/vector_log.hpp"
#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/npy.hpp"

namespace {

using tmkit::DivergenceOptions;
using tmkit::Metric;

const Metric kAllMetrics[] = {Metric::kl,  Metric::rkl,       Metric::skl, Metric::js,
                              Metric::jsd, Metric::hellinger, Metric::tv};

// Rows of a Dirichlet(concentration) draw as columns (K x n), with a few exact zeros and two
// duplicated columns so that neighbour lists have ties.
arma::mat random_columns(arma::uword k, arma::uword n, double concentration, unsigned seed,
                         bool zeros = true) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> gamma(concentration, 1.0);
  arma::mat x(k, n);
  for (arma::uword j = 0; j < n; ++j) {
    for (arma::uword i = 0; i < k; ++i) x(i, j) = gamma(rng) + 1e-300;
    if (zeros && j % 5 == 0) x(j % k, j) = 0.0;
    x.col(j) /= arma::accu(x.col(j));
  }
  if (n > 10) {
    x.col(9) = x.col(4);
    x.col(n - 1) = x.col(4);
  }
  return x;
}

// The k smallest of row i of `full` by (value, index), skipping column i when `exclude_self`.
std::vector<arma::uword> read_off(const arma::mat& full, arma::uword i, std::size_t k,
                                  bool exclude_self) {
  std::vector<arma::uword> order;
  for (arma::uword j = 0; j < full.n_cols; ++j) {
    if (!(exclude_self && i == j)) order.push_back(j);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](arma::uword a, arma::uword b) { return full(i, a) < full(i, b); });
  order.resize(k);
  return order;
}

// Checks a neighbour list against the full matrix: the same values rank by rank, and the same
// indices (exactly for direct kernels; elsewhere wherever no other value lies within 1e-12).
void check_neighbours(const tmkit::Neighbours& nb, const arma::mat& full, std::size_t k,
                      bool exclude_self, bool exact) {
  for (arma::uword i = 0; i < full.n_rows; ++i) {
    const auto expected = read_off(full, i, k, exclude_self);
    for (std::size_t r = 0; r < k; ++r) {
      const double want = full(i, expected[r]);
      const double got = nb.value(i, r);
      if (exact) {
        BOOST_TEST_REQUIRE(nb.index(i, r) == expected[r]);
        BOOST_TEST_REQUIRE(got == want);
        continue;
      }
      BOOST_TEST_REQUIRE((got == want || std::fabs(got - want) <= 1e-13));
      bool near_tie = false;
      for (arma::uword j = 0; j < full.n_cols; ++j) {
        near_tie = near_tie || (j != expected[r] && std::fabs(full(i, j) - want) <= 1e-12);
      }
      if (!near_tie) BOOST_TEST_REQUIRE(nb.index(i, r) == expected[r]);
    }
  }
}

bool is_direct(Metric metric) {
  return metric == Metric::js || metric == Metric::jsd || metric == Metric::tv;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(divergence)

// The log of each lane of a four-wide vector, against std::log.
#pragma GCC diagnostic ignored "-Wpsabi"
double lane_log(double x, int lane) {
  tmkit::detail::v4d v = tmkit::detail::splat(1.0);
  v[lane] = x;
  return tmkit::detail::vector_log4(v)[lane];
}

BOOST_AUTO_TEST_CASE(vector_log_is_within_three_ulps_of_std_log) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-1070.0, 1020.0);
  std::uniform_real_distribution<double> near_one(0.5, 2.0);
  double worst_ulps = 0.0;
  for (int trial = 0; trial < 200000; ++trial) {
    const double x = trial % 2 == 0 ? std::exp2(exponent(rng)) : near_one(rng);
    const double want = std::log(x);
    const double got = lane_log(x, trial % 4);
    const double ulp = std::nextafter(std::fabs(want), HUGE_VAL) - std::fabs(want);
    worst_ulps = std::max(worst_ulps, std::fabs(got - want) / ulp);
  }
  BOOST_TEST_MESSAGE("vector_log4: largest error " << worst_ulps << " ulp");
  BOOST_TEST(worst_ulps <= 3.0);
  BOOST_TEST(lane_log(1.0, 2) == 0.0);
  BOOST_TEST(std::isfinite(lane_log(0.0, 1)));  // so 0 * log 0 stays 0
  BOOST_TEST(lane_log(4.9406564584124654e-324, 3) == std::log(4.9406564584124654e-324));
}

// x log x of one entry (p = q = x, so the midpoint is x) by every kernel this CPU runs, against
// long double arithmetic: within 3.5e-16 (x + |x log x|), about three ulp of the larger of x and
// x log x (measured: 2.4e-16; where x is near 1, e ln 2 and log f cancel, so the bound is
// absolute).
BOOST_AUTO_TEST_CASE(midpoint_xlogx_is_accurate_on_every_kernel) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> exponent(-1060.0, 0.0);
  std::uniform_real_distribution<double> near_one(0.25, 1.0);
  for (const auto& kernel : tmkit::detail::midpoint_xlogx_kernels()) {
    double worst = 0.0;
    for (int trial = 0; trial < 100000; ++trial) {
      const double x = trial % 2 == 0 ? std::exp2(exponent(rng)) : near_one(rng);
      const long double want = static_cast<long double>(x) * std::log(static_cast<long double>(x));
      const double got = kernel.sum(&x, &x, 1);
      const double scale = x + std::fabs(static_cast<double>(want));
      if (x >= 2.2250738585072014e-308) {
        worst = std::max(worst, static_cast<double>(std::fabs(got - want)) / scale);
      }
    }
    BOOST_TEST_MESSAGE("midpoint_xlogx " << kernel.isa << ": largest error " << worst
                                         << " (x + |x log x|)");
    BOOST_TEST(worst <= 3.5e-16);
    const double zero = 0.0, one = 1.0, tiny = 4.9406564584124654e-324;
    BOOST_TEST(kernel.sum(&zero, &zero, 1) == 0.0);  // 0 log 0 = 0
    BOOST_TEST(std::fabs(kernel.sum(&one, &one, 1)) <= 1e-16);
    BOOST_TEST(std::fabs(kernel.sum(&tiny, &tiny, 1)) <= 1e-305);
  }
}

// The scalar, AVX2 and AVX-512 kernels (those this CPU has) give the same bits for every length,
// so a JS matrix does not depend on the machine that computed it.
BOOST_AUTO_TEST_CASE(midpoint_xlogx_kernels_agree_bit_for_bit) {
  const auto kernels = tmkit::detail::midpoint_xlogx_kernels();
  BOOST_TEST_MESSAGE("midpoint_xlogx kernels on this CPU: " << kernels.size());
  std::mt19937_64 rng(12);
  std::gamma_distribution<double> gamma(0.2);
  std::vector<double> p(1100), q(1100);
  for (std::size_t n : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 50, 63, 64, 65, 1000, 1099}) {
    for (int trial = 0; trial < 20; ++trial) {
      for (std::size_t i = 0; i < n; ++i) {
        p[i] = trial % 4 == 0 && i % 3 == 0 ? 0.0 : gamma(rng);
        q[i] = trial % 5 == 0 ? p[i] : gamma(rng);
      }
      const double first = kernels.front().sum(p.data(), q.data(), n);
      for (const auto& kernel : kernels) {
        const double other = kernel.sum(p.data(), q.data(), n);
        BOOST_TEST(
            std::memcmp(&first, &other, sizeof first) == 0,
            kernel.isa << " differs from scalar at n = " << n << ": " << other << " vs " << first);
      }
    }
  }
}

// Each kernel's many-pairs form (four at a time where it has one) gives, for every pair, the bits
// of the one-pair form, whatever the count (groups of four and the rest) and length.
BOOST_AUTO_TEST_CASE(midpoint_xlogx_many_pairs_match_one_pair_at_a_time) {
  std::mt19937_64 rng(13);
  std::gamma_distribution<double> gamma(0.3);
  for (std::size_t n : {1, 7, 8, 9, 50, 65}) {
    std::vector<double> p(n), q(n * 11);
    for (double& v : p) v = gamma(rng);
    for (std::size_t i = 0; i < q.size(); ++i) q[i] = i % 5 == 0 ? 0.0 : gamma(rng);
    for (std::size_t count : {1, 3, 4, 5, 8, 11}) {
      for (const auto& kernel : tmkit::detail::midpoint_xlogx_kernels()) {
        std::vector<double> sums(count, -1.0);
        kernel.sum_many(p.data(), q.data(), n, count, n, sums.data());
        for (std::size_t c = 0; c < count; ++c) {
          const double one = kernel.sum(p.data(), q.data() + c * n, n);
          BOOST_TEST(std::memcmp(&one, &sums[c], sizeof one) == 0,
                     kernel.isa << " pair " << c << " of " << count << " at n = " << n << ": "
                                << sums[c] << " vs " << one);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(metric_names_and_zero_policy_parse_or_say_why) {
  for (const Metric metric : kAllMetrics) {
    BOOST_TEST((tmkit::parse_metric(tmkit::metric_name(metric)) == metric));
  }
  BOOST_CHECK_THROW(tmkit::parse_metric("cosine"), tmkit::UsageError);
  BOOST_TEST(tmkit::parse_zero_policy("inf") == 0.0);
  BOOST_TEST(tmkit::parse_zero_policy("epsilon=1e-12") == 1e-12);
  for (const char* bad :
       {"epsilon=0", "epsilon=-1", "epsilon=", "epsilon=nan", "zero", "epsilon=1x"}) {
    BOOST_CHECK_THROW(tmkit::parse_zero_policy(bad), tmkit::UsageError);
  }
}

BOOST_AUTO_TEST_CASE(prepare_rejects_bad_rows_naming_the_line) {
  const auto message = [](arma::mat x, bool normalize) {
    try {
      tmkit::prepare_distributions(x, tmkit::RowPolicy{normalize, 0.0}, "p.txt", {3, 5});
    } catch (const tmkit::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(message(arma::mat{{0.5, 0.5}, {0.5, nan}}, false).find("p.txt:5: value 2 is nan") ==
             0u);
  BOOST_TEST(
      message(arma::mat{{1.2, 0.5}, {-0.2, 0.5}}, true).find("p.txt:3: value 2 is negative") == 0u);
  BOOST_TEST(message(arma::mat{{0.5, 0.0}, {0.5, 0.0}}, true).find("p.txt:5: all values are 0") ==
             0u);
  const std::string sum = message(arma::mat{{0.5, 0.5}, {0.5, 0.6}}, false);
  BOOST_TEST(sum.find("p.txt:5: values sum to 1.1") == 0u);
  BOOST_TEST(sum.find("ask to normalize") != std::string::npos);
  BOOST_TEST(message(arma::mat{{0.5, 0.5}, {0.5, 0.5 + 5e-10}}, false).empty());  // within 1e-9
  BOOST_TEST(message(arma::mat{{2.0, 1.0}, {6.0, 1.0}}, true).empty());

  arma::mat counts(2, 1);
  counts(0, 0) = 1.0;
  counts(1, 0) = 3.0;  // normalize divides by the sum, epsilon smooths after
  tmkit::prepare_distributions(counts, tmkit::RowPolicy{true, 0.5}, "counts");
  BOOST_TEST(counts(0, 0) == (0.25 + 0.5) / 2.0);
  BOOST_TEST(counts(1, 0) == (0.75 + 0.5) / 2.0);
}

BOOST_AUTO_TEST_CASE(text_reader_takes_spaces_commas_headers_and_comments) {
  tmkit::test::ScratchDir dir;
  const auto file = tmkit::read_distributions(
      dir.write("p.csv", "a,b,c\n# a comment\n0.2, 0.3,0.5\n\n1\t0 0  # trailing\r\n"));
  BOOST_TEST(file.columns.n_rows == 3u);
  BOOST_TEST(file.columns.n_cols == 2u);
  BOOST_TEST(file.columns(1, 0) == 0.3);
  BOOST_TEST(file.columns(0, 1) == 1.0);
  BOOST_TEST((file.lines == std::vector<std::size_t>{3, 5}));

  const auto error = [&](const std::string& text) {
    try {
      tmkit::read_distributions(dir.write("bad.txt", text));
    } catch (const tmkit::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(error("0.5 0.5\n1 0 0\n").find("bad.txt:2: row has 3 values; expected 2") !=
             std::string::npos);
  BOOST_TEST(error("").find("no rows of numbers") != std::string::npos);
  BOOST_TEST(error("# only a comment\n").find("no rows of numbers") != std::string::npos);
  BOOST_TEST(error("0.5 0.5\n0.5 x\n").find("bad.txt:2: value 2 \"x\" is not a number") !=
             std::string::npos);
  BOOST_TEST(error("0.5 nan\n").find("bad.txt:1: value 2 is nan") != std::string::npos);
  BOOST_CHECK_THROW(tmkit::read_distributions(dir.file("missing.txt")), tmkit::InputError);

  arma::mat rows = {{0.25, 0.75}, {1.0, 0.0}};  // .npy rows become columns
  tmkit::write_npy_file(dir.file("p.npy"), rows);
  const auto npy = tmkit::read_distributions(dir.file("p.npy"));
  BOOST_TEST(tmkit::test::bit_identical(npy.columns, rows.t()));
}

BOOST_AUTO_TEST_CASE(pairwise_matrix_is_symmetric_zero_on_diagonal_and_thread_independent) {
  const arma::mat x = random_columns(40, 300, 0.2, 11);
  for (const Metric metric : kAllMetrics) {
    for (const bool base2 : {false, true}) {
      const DivergenceOptions options{metric, base2};
      const arma::mat one = tmkit::divergence_matrix(x, options, 1);
      const arma::mat two = tmkit::divergence_matrix(x, options, 2);
      BOOST_TEST_REQUIRE(tmkit::test::bit_identical(one, two));
      BOOST_TEST(arma::all(one.diag() == 0.0));
      if (tmkit::is_symmetric(metric)) BOOST_TEST(tmkit::test::bit_identical(one, one.t()));
      // Every entry against the direct formula (the reference itself is checked against scipy).
      double worst = 0.0;
      for (arma::uword i = 0; i < x.n_cols; ++i) {
        for (arma::uword j = 0; j < x.n_cols; ++j) {
          const double want =
              i == j ? 0.0 : tmkit::divergence(x.colptr(i), x.colptr(j), 40, options);
          if (std::isinf(want)) {
            BOOST_TEST_REQUIRE(std::isinf(one(i, j)));
          } else {
            worst = std::max(worst, std::fabs(one(i, j) - want));
          }
        }
      }
      BOOST_TEST_INFO("metric " << tmkit::metric_name(metric) << " base2 " << base2);
      BOOST_TEST(worst <= 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(neighbours_equal_those_read_off_the_full_matrix) {
  // 2100 columns cross the 2048-column product blocks; duplicated columns make ties.
  const arma::mat x = random_columns(8, 2100, 0.3, 5);
  const arma::mat queries = x.cols(0, 99);
  for (const Metric metric : kAllMetrics) {
    BOOST_TEST_INFO("metric " << tmkit::metric_name(metric));
    const DivergenceOptions options{metric, metric == Metric::jsd};
    const arma::mat cross = tmkit::divergence_matrix(queries, x, options, 2);
    const auto nb = tmkit::nearest_neighbours(queries, x, 7, false, options, 2);
    check_neighbours(nb, cross, 7, false, is_direct(metric));
    const auto nb1 = tmkit::nearest_neighbours(queries, x, 7, false, options, 1);
    BOOST_TEST(arma::all(arma::vectorise(nb1.index == nb.index)));
    BOOST_TEST(tmkit::test::bit_identical(nb1.value, nb.value));
  }
  for (const Metric metric : kAllMetrics) {
    BOOST_TEST_INFO("metric " << tmkit::metric_name(metric) << " within one set");
    const DivergenceOptions options{metric, false};
    const arma::mat full = tmkit::divergence_matrix(x, options, 2);
    const auto nb = tmkit::nearest_neighbours(x, x, 5, true, options, 2);
    check_neighbours(nb, full, 5, true, is_direct(metric));
  }
}

BOOST_AUTO_TEST_CASE(neighbour_search_refuses_impossible_k_and_stops_when_asked) {
  const arma::mat x = random_columns(5, 20, 1.0, 3);
  const DivergenceOptions js{Metric::js, false};
  BOOST_CHECK_THROW(tmkit::nearest_neighbours(x, x, 20, true, js), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::nearest_neighbours(x, x, 0, true, js), tmkit::UsageError);
  BOOST_TEST(tmkit::nearest_neighbours(x, x, 19, true, js).index.n_cols == 19u);
  const arma::mat narrow = random_columns(4, 20, 1.0, 3);
  BOOST_CHECK_THROW(tmkit::divergence_matrix(x, narrow, js), tmkit::UsageError);
  tmkit::WorkHooks stop;
  stop.stop_requested = [] { return true; };
  BOOST_CHECK_THROW(tmkit::divergence_matrix(x, js, 1, stop), tmkit::Interrupted);
  BOOST_CHECK_THROW(tmkit::nearest_neighbours(x, x, 3, true, js, 1, stop), tmkit::Interrupted);
  std::size_t last_done = 0, last_total = 1;
  tmkit::WorkHooks progress;
  progress.on_progress = [&](std::size_t done, std::size_t total) {
    last_done = done;
    last_total = total;
  };
  tmkit::divergence_matrix(x, DivergenceOptions{Metric::kl, false}, 1, progress);
  BOOST_TEST(last_done == last_total);

  // JS reports from inside its parallel loop over tiles: never backwards, ending at the total; a
  // stop asked for midway stops it there.
  const arma::mat wide = random_columns(200, 700, 0.5, 4);  // tiles of 81 columns: 45 tiles
  bool backwards = false;
  std::size_t calls = 0;
  progress.on_progress = [&](std::size_t done, std::size_t total) {
    backwards = backwards || done < last_done;
    last_done = done;
    last_total = total;
    ++calls;
  };
  last_done = 0;
  tmkit::divergence_matrix(wide, js, 2, progress);
  BOOST_TEST(!backwards);
  BOOST_TEST(last_done == last_total);
  BOOST_TEST(last_total == 45u);
  BOOST_TEST(calls >= 2u);
  std::atomic<int> polls{0};
  tmkit::WorkHooks midway;
  midway.stop_requested = [&] { return ++polls > 10; };
  BOOST_CHECK_THROW(tmkit::divergence_matrix(wide, js, 2, midway), tmkit::Interrupted);
  BOOST_TEST(polls.load() < 45 + 2);
  polls = 0;
  BOOST_CHECK_THROW(tmkit::condensed_divergences<double>(wide, js, 2, midway), tmkit::Interrupted);
}

BOOST_AUTO_TEST_CASE(similarities_follow_their_documented_formulas) {
  const double ln2 = std::log(2.0);
  BOOST_TEST(tmkit::to_similarity(ln2, {Metric::js, false}) == 0.0);
  BOOST_TEST(tmkit::to_similarity(0.5, {Metric::js, true}) == 0.5);
  BOOST_TEST(std::fabs(tmkit::to_similarity(std::sqrt(0.25 * ln2), {Metric::jsd, false}) - 0.75) <
             1e-15);
  BOOST_TEST(tmkit::to_similarity(1.0, {Metric::kl, false}) == std::exp(-1.0));
  BOOST_TEST(tmkit::to_similarity(1.0, {Metric::kl, true}) == std::exp(-ln2));
  BOOST_TEST(tmkit::to_similarity(HUGE_VAL, {Metric::skl, false}) == 0.0);
  BOOST_TEST(tmkit::to_similarity(0.5, {Metric::hellinger, false}) == 0.75);
  BOOST_TEST(tmkit::to_similarity(0.25, {Metric::tv, false}) == 0.75);
  const arma::mat square = {{0, 1, 2}, {1, 0, 3}, {2, 3, 0}};
  BOOST_TEST(arma::approx_equal(tmkit::condensed_upper_triangle(square), arma::vec{1, 2, 3},
                                "absdiff", 0.0));
  BOOST_TEST(tmkit::matrix_bytes(1e6, 1e6) == 8e12);
}

BOOST_AUTO_TEST_CASE(a_streamed_full_matrix_equals_the_held_one_bit_for_bit) {
  // Panels of 262 rows for N = 4000 (2^20 / N), so the last panel is short and every panel but the
  // first reads back the rows before it; a small N takes one panel.
  tmkit::test::ScratchDir dir;
  for (const arma::uword n : {37u, 4000u}) {
    const arma::mat p = random_columns(12, n, 0.3, static_cast<unsigned>(17 + n));
    for (const Metric metric : {Metric::js, Metric::jsd, Metric::tv}) {
      for (const bool similarity : {false, true}) {
        const tmkit::DivergenceOptions options{metric, metric == Metric::jsd};
        arma::mat want = tmkit::divergence_matrix(p, options, 2);
        if (similarity) {
          want.transform([&](double v) { return tmkit::to_similarity(v, options); });
        }
        const std::string path = dir.file("full.npy");
        for (const int threads : {1, 2}) {
          tmkit::AtomicFile file(path, /*binary=*/true);
          tmkit::write_divergence_matrix(p, options, similarity, file, threads);
          file.commit();
          BOOST_TEST(tmkit::test::bit_identical(tmkit::read_npy_matrix(path), want),
                     tmkit::metric_name(metric)
                         << " n " << n << " similarity " << similarity << " threads " << threads);
        }
      }
    }
  }
  tmkit::AtomicFile file(dir.file("kl.npy"), true);
  BOOST_CHECK_THROW(tmkit::write_divergence_matrix(random_columns(3, 5, 1.0, 1),
                                                   {Metric::kl, false}, false, file),
                    tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- against scipy (tests/reference/generate_divergences.py) -----------------------------------

BOOST_AUTO_TEST_SUITE(divergence_reference)

namespace {

struct Case {
  const char* name;
  tmkit::RowPolicy policy;
  bool within;  // P and Q are the same rows
};

arma::mat load_reference(const std::string& name) {
  return tmkit::read_npy_matrix(tmkit::test::source_path("tests/reference/divergences/" + name));
}

// |got - want| <= 1e-12, and +inf exactly where want is +inf.
void expect_matches(const arma::mat& got, const arma::mat& want, const std::string& what) {
  BOOST_TEST_INFO(what);
  BOOST_TEST_REQUIRE(got.n_rows == want.n_rows);
  BOOST_TEST_REQUIRE(got.n_cols == want.n_cols);
  double worst = 0.0;
  for (arma::uword i = 0; i < want.n_elem; ++i) {
    BOOST_TEST_REQUIRE(std::isinf(got[i]) == std::isinf(want[i]));
    if (!std::isinf(want[i])) worst = std::max(worst, std::fabs(got[i] - want[i]));
  }
  BOOST_TEST(worst <= 1e-12, what << ": largest difference " << worst);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_metric_mode_policy_and_base_agrees_with_scipy) {
  const Case cases[] = {{"k3", {}, false},
                        {"k2", {}, false},
                        {"k1000", {}, false},
                        {"k100", {}, true},
                        {"eps", {false, 1e-3}, false},
                        {"counts", {true, 0.0}, false}};
  int compared = 0;
  for (const Case& c : cases) {
    const std::string prefix = c.name;
    auto p = tmkit::read_distributions(
        tmkit::test::source_path("tests/reference/divergences/" + prefix + "_p.npy"));
    auto q = tmkit::read_distributions(
        tmkit::test::source_path("tests/reference/divergences/" + prefix + "_q.npy"));
    tmkit::prepare_distributions(p.columns, c.policy, prefix + "_p");
    tmkit::prepare_distributions(q.columns, c.policy, prefix + "_q");
    for (const Metric metric : kAllMetrics) {
      for (const bool base2 : {false, true}) {
        const std::string file = prefix + "_" + tmkit::metric_name(metric) + (base2 ? "_2" : "_e");
        if (!std::ifstream(
                tmkit::test::source_path("tests/reference/divergences/" + file + ".npy"))) {
          continue;  // the large case keeps only some metrics
        }
        const arma::mat want = load_reference(file + ".npy");
        const DivergenceOptions options{metric, base2};
        expect_matches(tmkit::divergence_matrix(p.columns, q.columns, options), want,
                       file + " cross");
        if (c.within) {
          expect_matches(tmkit::divergence_matrix(p.columns, options), want, file + " within");
        }
        arma::mat pairs(want.n_rows, want.n_cols);
        for (arma::uword i = 0; i < want.n_rows; ++i) {
          for (arma::uword j = 0; j < want.n_cols; ++j) {
            pairs(i, j) = tmkit::divergence(p.columns.colptr(i), q.columns.colptr(j),
                                            p.columns.n_rows, options);
          }
        }
        expect_matches(pairs, want, file + " pair");
        const arma::uword n = std::min(p.columns.n_cols, q.columns.n_cols);
        const arma::vec rows =
            tmkit::divergence_rows(p.columns.cols(0, n - 1), q.columns.cols(0, n - 1), options);
        expect_matches(rows, want.submat(0, 0, n - 1, n - 1).diag(), file + " rows");
        ++compared;
      }
    }
  }
  BOOST_TEST(compared == 5 * 14 + 4);
}

BOOST_AUTO_TEST_SUITE_END()
