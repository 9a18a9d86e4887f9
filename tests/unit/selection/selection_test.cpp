// PSIS-LOO against R's loo 2.5.1 (tests/reference/generate_loo.R), information criteria by hand,
// and the pointwise log-likelihoods of LDA.
#include "tmkit/selection/selection.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "detail/pointwise.hpp"
#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/selection/information_criteria.hpp"
#include "tmkit/selection/psis_loo.hpp"
#include "tmkit/selection/run_selection.hpp"

namespace {

std::string reference(const std::string& name) {
  return tmkit::test::source_path("tests/reference/loo/" + name);
}

void check_relative(double actual, double expected, double tolerance, const std::string& what) {
  const double scale = std::max(std::abs(expected), 1e-300);
  BOOST_TEST(std::abs(actual - expected) / scale <= tolerance,
             what << ": " << actual << " vs R's " << expected);
}

void check_against_r(const std::string& name) {
  BOOST_TEST_CONTEXT("case " << name) {
    const arma::mat ll = tmkit::read_npy_matrix(reference(name + "_ll.npy"));
    const arma::mat est = tmkit::read_npy_matrix(reference(name + "_estimates.npy"));
    const arma::mat pw = tmkit::read_npy_matrix(reference(name + "_pointwise.npy"));
    for (const int threads : {1, 2}) {
      const tmkit::LooResult r = tmkit::psis_loo(ll, threads);
      BOOST_REQUIRE_EQUAL(r.n_observations(), pw.n_rows);
      check_relative(r.elpd_loo.value, est(0, 0), 1e-6, "elpd_loo");
      check_relative(r.elpd_loo.se, est(0, 1), 1e-6, "se_elpd_loo");
      check_relative(r.p_loo.value, est(0, 2), 1e-6, "p_loo");
      check_relative(r.p_loo.se, est(0, 3), 1e-6, "se_p_loo");
      check_relative(r.looic.value, est(0, 4), 1e-6, "looic");
      check_relative(r.looic.se, est(0, 5), 1e-6, "se_looic");
      double worst_k = 0, worst_elpd = 0;
      for (std::size_t i = 0; i < pw.n_rows; ++i) {
        worst_elpd =
            std::max(worst_elpd, std::abs(r.pointwise_elpd_loo[i] - pw(i, 0)) / std::abs(pw(i, 0)));
        worst_k = std::max(worst_k, std::abs(r.pareto_k[i] - pw(i, 2)));
      }
      BOOST_TEST(worst_k <= 1e-4, "largest |k-hat - R's| " << worst_k);
      BOOST_TEST(worst_elpd <= 1e-6, "largest relative pointwise elpd error " << worst_elpd);
    }
  }
}

// A batch fit of `corpus` on the planted corpora's K = 10 (test_support's planted_split).
tmkit::LdaModel fitted_planted(const tmkit::Corpus& corpus) {
  tmkit::FitOptions fit;
  fit.n_topics = 10;
  fit.max_passes = 20;
  fit.n_threads = 2;
  tmkit::LdaModel model = tmkit::initialize_model(corpus, fit);
  tmkit::fit_batch(corpus, fit, model);
  return model;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(selection_reference)

BOOST_AUTO_TEST_CASE(psis_loo_equals_r_loo_on_a_well_behaved_model) { check_against_r("normal"); }

BOOST_AUTO_TEST_CASE(psis_loo_equals_r_loo_with_influential_observations) {
  check_against_r("outliers");
  const tmkit::LooResult r = tmkit::psis_loo(tmkit::read_npy_matrix(reference("outliers_ll.npy")));
  BOOST_TEST(r.count_pareto_k_above(0.7) >= 2u);  // the case must exercise the bad classes
  const auto counts = r.pareto_k_counts();
  BOOST_TEST(counts[3] >= 1u);
  BOOST_TEST(counts[0] + counts[1] + counts[2] + counts[3] == r.n_observations());
}

BOOST_AUTO_TEST_CASE(psis_loo_equals_r_loo_on_lda_pointwise_log_likelihoods) {
  check_against_r("lda");
}

BOOST_AUTO_TEST_CASE(loo_compare_equals_r) {
  const tmkit::LooResult a = tmkit::psis_loo(tmkit::read_npy_matrix(reference("outliers_ll.npy")));
  const tmkit::LooResult b =
      tmkit::psis_loo(tmkit::read_npy_matrix(reference("outliers_t_ll.npy")));
  const arma::mat expected = tmkit::read_npy_matrix(reference("compare.npy"));
  const auto comparison = tmkit::compare_loo({&a, &b});
  BOOST_REQUIRE_EQUAL(comparison.size(), 2u);
  for (std::size_t row = 0; row < 2; ++row) {
    BOOST_TEST(comparison[row].model == static_cast<std::size_t>(expected(row, 0)));
    BOOST_TEST(std::abs(comparison[row].elpd_diff - expected(row, 1)) <= 1e-6);
    BOOST_TEST(std::abs(comparison[row].se_diff - expected(row, 2)) <= 1e-6);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(selection)

BOOST_AUTO_TEST_CASE(the_grid_from_lists_names_the_bad_option) {
  const auto grid = tmkit::parse_candidate_grid("5,10", "symmetric,auto", "symmetric", "1,2");
  BOOST_TEST(grid.size() == 8u);
  const auto option_of = [](const char* k, const char* a, const char* e, const char* s) {
    try {
      tmkit::parse_candidate_grid(k, a, e, s);
    } catch (const tmkit::OptionError& error) {
      return error.option();
    }
    return std::string("none");
  };
  BOOST_TEST(option_of("", "symmetric", "symmetric", "1") == "k");
  BOOST_TEST(option_of("5,,10", "symmetric", "symmetric", "1") == "k");
  BOOST_TEST(option_of("5,-1", "symmetric", "symmetric", "1") == "k");
  BOOST_TEST(option_of("5", "often", "symmetric", "1") == "alpha");
  BOOST_TEST(option_of("5", "symmetric", "0", "1") == "eta");
  BOOST_TEST(option_of("5", "symmetric", "symmetric", "1,x") == "seeds");
  BOOST_TEST(option_of("5", "symmetric", "symmetric", "1,") == "seeds");
}

BOOST_AUTO_TEST_CASE(information_criteria_by_hand) {
  // log L = -100, k = 3, n = 50.
  const auto ic = tmkit::information_criteria(-100, 3, 50);
  BOOST_TEST(ic.aic == 206.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(ic.aicc == 206.0 + 24.0 / 46.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(ic.bic == 200 + 3 * 3.912023005428146, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(ic.hqic == 200 + 6 * 1.3640546328884455, boost::test_tools::tolerance(1e-12));
  // AICc is undefined unless n > k + 1.
  BOOST_TEST(std::isnan(tmkit::information_criteria(-10, 4, 5).aicc));
  BOOST_TEST(std::isfinite(tmkit::information_criteria(-10, 4, 6).aicc));
  BOOST_CHECK_THROW(tmkit::information_criteria(std::nan(""), 1, 10), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::information_criteria(-1, -1, 10), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::information_criteria(-1, 1, 0), tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(pareto_fit_recovers_a_known_shape) {
  // Exceedances drawn from a generalized Pareto with k = 0.4, sigma = 2 by the quantile function.
  std::vector<double> x(2000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double p = (static_cast<double>(i) + 0.5) / static_cast<double>(x.size());
    x[i] = 2 * std::expm1(-0.4 * std::log1p(-p)) / 0.4;
  }
  const tmkit::ParetoFit fit = tmkit::fit_generalized_pareto(x);
  BOOST_TEST(std::abs(fit.k - 0.4) < 0.03, "k " << fit.k);
  BOOST_TEST(std::abs(fit.sigma - 2) < 0.1, "sigma " << fit.sigma);
}

BOOST_AUTO_TEST_CASE(short_or_flat_tails_give_infinite_k) {
  BOOST_TEST(tmkit::pareto_tail_length(1000) == 95u);  // ceil(3 sqrt(1000))
  BOOST_TEST(tmkit::pareto_tail_length(100) == 20u);   // ceil(0.2 * 100)
  // 20 draws: a tail of 4 < 5 is not fitted.
  std::vector<double> ratios(20);
  for (std::size_t i = 0; i < ratios.size(); ++i) ratios[i] = 0.1 * static_cast<double>(i);
  BOOST_TEST(std::isinf(tmkit::pareto_smooth(ratios).pareto_k));
  // A constant tail cannot be fitted either; the weights are then the raw ones.
  std::vector<double> flat(100, 1.0);
  const auto w = tmkit::pareto_smooth(flat);
  BOOST_TEST(std::isinf(w.pareto_k));
  for (const double v : w.log_weights) BOOST_TEST(v == 1.0);
}

BOOST_AUTO_TEST_CASE(non_finite_or_too_small_pointwise_matrices_are_refused) {
  arma::mat ll(10, 3, arma::fill::value(-1.0));
  ll(4, 2) = std::numeric_limits<double>::quiet_NaN();
  try {
    tmkit::check_pointwise(ll, "ll.npy");
    BOOST_FAIL("NaN accepted");
  } catch (const tmkit::UsageError& e) {
    BOOST_TEST(std::string(e.what()).find("draw 5, observation 3 is NaN") != std::string::npos,
               e.what());
  }
  ll(4, 2) = std::numeric_limits<double>::infinity();
  BOOST_CHECK_THROW(tmkit::psis_loo(ll), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::psis_loo(arma::mat(1, 5, arma::fill::zeros)), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::psis_loo(arma::mat(5, 0)), tmkit::UsageError);
}

// Scoring two sets of documents under one pass of draws gives what one call per set gives, bit
// for bit, on any thread count: tm-select draws q(beta) once for training and held-out documents.
BOOST_AUTO_TEST_CASE(documents_scored_together_equal_documents_scored_apart) {
  const tmkit::test::PlantedSplit planted = tmkit::test::planted_split(200, 100);
  const tmkit::LdaModel model = fitted_planted(planted.train);
  tmkit::PointwiseOptions options;
  options.n_draws = 12;
  const arma::mat apart_train = tmkit::pointwise_log_likelihood(planted.train, model, options, 2);
  const arma::mat apart_test = tmkit::pointwise_log_likelihood(planted.test, model, options, 1);
  for (const int threads : {1, 2}) {
    const std::vector<arma::mat> together = tmkit::pointwise_log_likelihoods(
        {{&planted.train, nullptr}, {&planted.test, nullptr}}, model, options, threads);
    BOOST_REQUIRE_EQUAL(together.size(), 2u);
    BOOST_TEST(tmkit::test::bit_identical(together[0], apart_train), "threads " << threads);
    BOOST_TEST(tmkit::test::bit_identical(together[1], apart_test), "threads " << threads);
  }
  BOOST_TEST(apart_train.n_rows == 12u);
  BOOST_TEST(apart_test.n_cols == 100u);
}

// The per-draw E-step capped at a few rounds runs a prefix of the uncapped one from the same
// plug-in fit, so every value is a bound at most the uncapped one and at least the plug-in gamma's
// (0 rounds). How far below depends on the corpus (docs/math/selection.md §3); on these documents
// of ~100 tokens, elpd_loo moves by a small fraction of its standard error.
BOOST_AUTO_TEST_CASE(fewer_rounds_per_draw_give_lower_bounds) {
  const tmkit::Corpus corpus = tmkit::test::planted_split(400, 0).train;
  const tmkit::LdaModel model = fitted_planted(corpus);
  tmkit::PointwiseOptions options;
  options.n_draws = 40;
  const arma::mat full = tmkit::pointwise_log_likelihood(corpus, model, options, 2);
  options.draw_max_iter = 3;
  const arma::mat three = tmkit::pointwise_log_likelihood(corpus, model, options, 2);
  options.draw_max_iter = 0;
  const arma::mat none = tmkit::pointwise_log_likelihood(corpus, model, options, 2);
  const double slack = 1e-9 * arma::abs(full).max();
  BOOST_TEST((three - full).max() <= slack);
  BOOST_TEST((none - three).max() <= slack);
  BOOST_TEST(arma::accu(full - three) > 0.0);  // the cap did cut rounds short
  const tmkit::LooResult loo_full = tmkit::psis_loo(full), loo_three = tmkit::psis_loo(three);
  const double shift = loo_full.elpd_loo.value - loo_three.elpd_loo.value;
  BOOST_TEST_MESSAGE("elpd_loo " << loo_full.elpd_loo.value << " +- " << loo_full.elpd_loo.se
                                 << ", with 3 rounds per draw " << loo_three.elpd_loo.value);
  BOOST_TEST(std::abs(shift) <= 0.05 * loo_full.elpd_loo.se);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(selection_properties)

// The draws of q(beta) behind PSIS-LOO have Dir(lambda_k)'s moments: with every entry of row k
// equal to a, log beta_kw has mean psi(a) - psi(V a) and variance psi'(a) - psi'(V a). Rows span
// both paths of the log-gamma sampler (a < 1 through a + 1) and lambda from a tiny prior to a
// large count; 100 draws of V = 400 give 40,000 values per row, so the mean is asked to within 5
// standard errors and the variance to within 6%.
BOOST_AUTO_TEST_CASE(draws_of_the_topics_have_the_dirichlet_moments) {
  const std::vector<double> shapes = {0.05, 0.5, 1.0, 2.5, 40.0, 3000.0};
  const std::size_t n_words = 400, n_draws = 100;
  arma::mat lambda(shapes.size(), n_words);
  for (std::size_t k = 0; k < shapes.size(); ++k) lambda.row(k).fill(shapes[k]);
  std::vector<double> sum(shapes.size(), 0.0), sum_sq(shapes.size(), 0.0);
  for (std::size_t s = 0; s < n_draws; ++s) {
    const arma::mat log_beta = tmkit::draw_log_topics(lambda, 7, s, 2);
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      for (std::size_t w = 0; w < n_words; ++w) {
        sum[k] += log_beta(k, w);
        sum_sq[k] += log_beta(k, w) * log_beta(k, w);
      }
    }
  }
  const double n = static_cast<double>(n_words * n_draws);
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const double a = shapes[k], total = a * static_cast<double>(n_words);
    const double want_mean = boost::math::digamma(a) - boost::math::digamma(total);
    const double want_var = boost::math::trigamma(a) - boost::math::trigamma(total);
    const double mean = sum[k] / n, var = sum_sq[k] / n - mean * mean;
    BOOST_TEST(std::abs(mean - want_mean) <= 5.0 * std::sqrt(want_var / n),
               "a = " << a << ": mean " << mean << ", want " << want_mean);
    BOOST_TEST(std::abs(var / want_var - 1.0) <= 0.06,
               "a = " << a << ": variance " << var << ", want " << want_var);
  }
}

// Each draw of the topics is a distribution per row (log-sum-exp 0 to 1e-13, the vector logarithms
// and exponentials included) and the same bits on 1, 2 and 3 threads; a lambda with a zero, a
// negative, a NaN or an infinite entry is refused. V = 303 leaves a partial group of four at each
// row's end, and lambda spans both paths of the sampler (below and above 1) and a tiny prior entry
// (1e-4, whose log beta lies far below the row's top, where the uniform's power 1e4 acts).
BOOST_AUTO_TEST_CASE(draws_of_the_topics_are_distributions_on_any_thread_count) {
  const std::size_t n_topics = 5, n_words = 303;
  tmkit::Rng rng = tmkit::make_rng(3, 0);
  arma::mat lambda(n_topics, n_words);
  for (std::size_t w = 0; w < n_words; ++w) {
    for (std::size_t k = 0; k < n_topics; ++k) {
      const double u = tmkit::open_unit_uniform(rng);
      lambda(k, w) = w % 7 == 0 ? 1e-4 : std::exp(12.0 * u - 4.0);  // e^-4 .. e^8
    }
  }
  for (std::size_t s = 0; s < 3; ++s) {
    const arma::mat one = tmkit::draw_log_topics(lambda, 11, s, 1);
    for (const int threads : {2, 3}) {
      BOOST_TEST(
          arma::approx_equal(one, tmkit::draw_log_topics(lambda, 11, s, threads), "absdiff", 0.0));
    }
    for (std::size_t k = 0; k < n_topics; ++k) {
      const double top = one.row(k).max();
      const double log_sum = top + std::log(arma::accu(arma::exp(one.row(k) - top)));
      BOOST_TEST(std::abs(log_sum) <= 1e-13, "draw " << s << ", topic " << k << ": " << log_sum);
      BOOST_TEST(one.row(k).is_finite());
    }
  }
  for (const double wrong : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(), HUGE_VAL}) {
    arma::mat bad = lambda;
    bad(2, 9) = wrong;
    BOOST_CHECK_THROW(tmkit::draw_log_topics(bad, 11, 0, 2), tmkit::UsageError);
  }
}

// The sampler's uniform never reaches 0 or 1 (it feeds a logarithm) and has U(0, 1)'s mean and
// variance (1/2 and 1/12, 200,000 values, to within 5 standard errors).
BOOST_AUTO_TEST_CASE(open_unit_uniforms_stay_inside_and_are_uniform) {
  tmkit::Rng rng = tmkit::make_rng(5, 1);
  const std::size_t n = 200000;
  double sum = 0.0, sum_sq = 0.0, low = 1.0, high = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = tmkit::open_unit_uniform(rng);
    sum += u;
    sum_sq += u * u;
    low = std::min(low, u);
    high = std::max(high, u);
  }
  BOOST_TEST(low > 0.0);
  BOOST_TEST(high < 1.0);
  const double mean = sum / n, var = sum_sq / n - mean * mean;
  BOOST_TEST(std::abs(mean - 0.5) <= 5.0 * std::sqrt(1.0 / 12.0 / n));
  // The sample variance's own variance is (mu_4 - sigma^4) / n = (1/80 - 1/144) / n = 1 / (180 n).
  BOOST_TEST(std::abs(var - 1.0 / 12.0) <= 5.0 * std::sqrt(1.0 / 180.0 / n));
  BOOST_TEST(tmkit::open_unit_uniform(rng) != tmkit::open_unit_uniform(rng));
}

// A corpus drawn from LDA with K* = 10 topics: among K = 5, 10 and 20, both held-out criteria
// (document-completion perplexity and held-out elpd) must prefer the true K.
BOOST_AUTO_TEST_CASE(heldout_criteria_prefer_the_true_number_of_topics) {
  for (const std::uint64_t corpus_seed : {11, 12, 13}) {
    BOOST_TEST_CONTEXT("corpus seed " << corpus_seed) {
      tmkit::SyntheticSpec spec;
      spec.n_topics = 10;
      spec.n_words = 400;
      spec.n_docs = 700;
      spec.mean_length = 80;
      spec.alpha = 0.1;
      spec.eta = 0.05;
      spec.seed = corpus_seed;
      const tmkit::Corpus corpus = tmkit::generate_lda_corpus(spec).corpus;
      const auto grid =
          tmkit::candidate_grid({5, 10, 20}, {tmkit::AlphaOption{}}, {tmkit::EtaOption{}}, {1});
      tmkit::SelectionOptions options;
      options.heldout_fraction = 0.2;
      options.n_draws = 50;
      options.fit.max_passes = 100;
      const tmkit::SelectionReport report = tmkit::select_models(corpus, grid, options);
      for (const auto& r : report.candidates) {
        BOOST_TEST_MESSAGE(r.candidate.label()
                           << ": perplexity " << r.heldout_perplexity << ", held-out elpd "
                           << r.heldout_elpd.value << ", elpd_loo " << r.loo.elpd_loo.value
                           << ", aic " << r.criteria.aic << ", bic " << r.criteria.bic);
      }
      const auto chosen = [&](const char* criterion) {
        return report.candidates[report.choice.at(criterion)].candidate.n_topics;
      };
      BOOST_TEST(chosen("heldout_perplexity") == 10u);
      BOOST_TEST(chosen("heldout_elpd") == 10u);
      // The training documents' scores must agree with the counts they are made of.
      for (const auto& r : report.candidates) {
        BOOST_TEST(r.loo.n_observations() == report.n_training_docs);
        BOOST_TEST(r.criteria.n_observations == static_cast<double>(report.n_training_tokens));
        BOOST_TEST(r.criteria.n_parameters == static_cast<double>(r.candidate.n_topics * 399));
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
