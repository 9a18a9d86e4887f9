#include "tmkit/lda/elbo.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <boost/test/unit_test.hpp>

#include "support/test_support.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/lda/lda.hpp"

BOOST_AUTO_TEST_SUITE(elbo)

// A model state that is no fit at all: lambda and gamma drawn at random, so that every term is
// exercised away from any optimum.
tmkit::LdaModel random_state(const tmkit::Corpus& corpus, std::size_t n_topics,
                             std::uint64_t seed) {
  tmkit::Rng rng = tmkit::make_rng(seed, 0);
  boost::random::gamma_distribution<double> draw(2.0, 1.5);
  tmkit::LdaModel model;
  model.lambda.set_size(n_topics, corpus.n_words());
  model.gamma.set_size(n_topics, corpus.n_docs());
  model.alpha = {0.2, 0.7, 1.3, 0.05};
  model.alpha.resize(n_topics);
  for (auto& v : model.lambda) v = draw(rng);
  for (auto& v : model.gamma) v = draw(rng);
  model.eta = 0.3;
  return model;
}

const tmkit::Corpus& tiny_corpus() {
  static const tmkit::Corpus corpus =
      tmkit::read_corpus(tmkit::test::source_path("tests/reference/sklearn_lda/docword.tiny.txt"));
  return corpus;
}

// Each term against the oracle written from the definitions. Tolerance 1e-10 relative: the two
// differ only in digamma (a few ulp) and summation order over ~1000 terms.
BOOST_AUTO_TEST_CASE(each_term_matches_a_direct_computation) {
  const tmkit::LdaModel model = random_state(tiny_corpus(), 4, 5);
  const tmkit::ElboTerms terms = tmkit::elbo_terms(tiny_corpus(), model);
  const tmkit::test::NaiveElbo naive = tmkit::test::naive_elbo(tiny_corpus(), model);
  const auto tol = boost::test_tools::tolerance(1e-10);
  BOOST_TEST(terms.log_p_w == naive.log_p_w, tol);
  BOOST_TEST(terms.log_p_z == naive.log_p_z, tol);
  BOOST_TEST(terms.entropy_z == naive.entropy_z, tol);
  BOOST_TEST(terms.log_p_theta == naive.log_p_theta, tol);
  BOOST_TEST(terms.entropy_theta == naive.entropy_theta, tol);
  BOOST_TEST(terms.log_p_beta == naive.log_p_beta, tol);
  BOOST_TEST(terms.entropy_beta == naive.entropy_beta, tol);
}

// The bound the fit reports (collapsed over phi, shifted exponentials) equals the seven terms.
BOOST_AUTO_TEST_CASE(collapsed_bound_equals_the_sum_of_terms) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const tmkit::LdaModel model = random_state(tiny_corpus(), 4, seed);
    const double naive = tmkit::test::naive_elbo(tiny_corpus(), model).total();
    BOOST_TEST(tmkit::evaluate_elbo(tiny_corpus(), model, 1) == naive,
               boost::test_tools::tolerance(1e-10));
    BOOST_TEST(tmkit::evaluate_elbo(tiny_corpus(), model, 2) == naive,
               boost::test_tools::tolerance(1e-10));
  }
}

// A tiny eta puts E[log beta] near psi(1e-8) ~ -1e8 for unused words: a plain exp() underflows to
// 0 there, the shifted form must not.
BOOST_AUTO_TEST_CASE(tiny_eta_does_not_underflow) {
  tmkit::LdaModel model = random_state(tiny_corpus(), 4, 7);
  model.eta = 1e-8;
  model.lambda.col(3).fill(1e-8);  // a word no topic has taken
  const double bound = tmkit::evaluate_elbo(tiny_corpus(), model, 1);
  BOOST_TEST(std::isfinite(bound));
  BOOST_TEST(bound == tmkit::test::naive_elbo(tiny_corpus(), model).total(),
             boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
