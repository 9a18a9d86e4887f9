#include "tmkit/lda/inference.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/lda/completion.hpp"

namespace {

const tmkit::test::PlantedSplit& planted() {
  static const tmkit::test::PlantedSplit p = tmkit::test::planted_split(3000, 500);
  return p;
}

tmkit::FitOptions fit_options() {
  tmkit::FitOptions options;
  options.n_topics = 10;
  options.alpha.value = 0.1;
  options.eta.value = 0.01;
  options.max_passes = 60;
  return options;
}

// A model whose topics are `beta` exactly in expectation: lambda = c * beta with c large.
tmkit::LdaModel model_with_topics(const arma::mat& beta, double alpha) {
  tmkit::LdaModel model;
  model.lambda = beta * 1e6;
  model.lambda.transform([](double x) { return std::max(x, 1e-300); });
  model.alpha = arma::vec(beta.n_rows, arma::fill::value(alpha));
  model.eta = 0.01;
  return model;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(inference)

// Folding the training documents in again, with the gamma the fit saved as the other candidate,
// gives that gamma bit for bit: the fit ends by folding its documents into its final topics by the
// same fold_in_document (the better of a fresh fold-in and the document's gamma), for the default
// tolerance and a tight one. Without the saved gamma, a fresh fold-in lands some documents in
// another local mode of their E-step, with a lower ELBO: the reason the fit keeps the better.
BOOST_AUTO_TEST_CASE(training_documents_reproduce_the_fitted_gamma) {
  for (const double tol : {1e-3, 1e-10}) {
    tmkit::FitOptions options = fit_options();
    options.estep.tol = tol;
    options.estep.max_iter = 10000;
    tmkit::LdaModel model = tmkit::initialize_model(planted().train, options);
    const tmkit::FitReport report = tmkit::fit_batch(planted().train, options, model);
    const tmkit::Inference folded =
        tmkit::infer_documents(planted().train, model, options.estep, 2, {}, &model.gamma);
    BOOST_TEST(tmkit::test::bit_identical(folded.gamma, model.gamma), "tol " << tol);
    const double beta_term = tmkit::topic_expectations(model.lambda, 1).beta_term(model.eta);
    BOOST_TEST(arma::accu(folded.elbo) + beta_term == report.final_elbo,
               boost::test_tools::tolerance(1e-12));
    const auto& trace = report.trace;
    BOOST_REQUIRE(trace.size() >= 2u);
    BOOST_TEST(trace.back().fold_in);
    // Never below the line before, but for rounding (the refined gamma is kept without comparing).
    BOOST_TEST(trace.back().elbo >=
                   trace[trace.size() - 2].elbo - 1e-12 * std::fabs(trace[trace.size() - 2].elbo),
               "tol " << tol);
    const tmkit::Inference fresh = tmkit::infer_documents(planted().train, model, options.estep, 2);
    // A fresh fold-in replaces the fit's gamma only from another mode with a higher ELBO; where
    // the modes agree the fit's gamma stays, whichever is higher in the last digits.
    BOOST_TEST(arma::accu(fresh.elbo) <=
               arma::accu(folded.elbo) + 1e-8 * std::fabs(arma::accu(folded.elbo)));
    BOOST_TEST(folded.n_kept_previous <= planted().train.n_docs());
    BOOST_TEST_MESSAGE("tol " << tol << ": " << folded.n_kept_previous << " of "
                              << planted().train.n_docs()
                              << " documents keep the fit's gamma; a fresh fold-in is lower by "
                              << (arma::accu(folded.elbo) - arma::accu(fresh.elbo)) /
                                     static_cast<double>(planted().train.n_tokens())
                              << " nats per token");
    const arma::mat theta = folded.theta();
    BOOST_TEST(arma::abs(arma::sum(theta, 1) - 1.0).max() < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_thread_count) {
  const tmkit::LdaModel model = model_with_topics(planted().all.topics, 0.1);
  const tmkit::EstepOptions estep;
  const tmkit::Inference one = tmkit::infer_documents(planted().test, model, estep, 1);
  const tmkit::Inference two = tmkit::infer_documents(planted().test, model, estep, 2);
  BOOST_TEST(tmkit::test::bit_identical(one.gamma, two.gamma));
  BOOST_TEST(tmkit::test::bit_identical(one.elbo, two.elbo));
}

BOOST_AUTO_TEST_CASE(words_are_mapped_by_name_and_unknown_ones_counted) {
  tmkit::Corpus corpus({"zebra", "apple", "moon"});
  corpus.add_document({{0, 2}, {1, 3}}, "a");
  corpus.add_document({{2, 4}}, "b", "lab");
  tmkit::VocabularyMapping mapping;
  const tmkit::Corpus mapped =
      tmkit::map_onto_vocabulary(corpus, {"apple", "moon", "sun"}, &mapping);
  BOOST_TEST(mapped.n_docs() == 2u);
  BOOST_TEST(mapped.n_words() == 3u);
  BOOST_TEST(mapped.doc(0).n == 1u);
  BOOST_TEST(mapped.doc(0).ids[0] == 0u);  // apple
  BOOST_TEST(mapped.doc(0).counts[0] == 3u);
  BOOST_TEST(mapped.doc(1).ids[0] == 1u);  // moon
  BOOST_TEST(mapped.labels()[1] == "lab");
  BOOST_TEST(mapping.n_tokens == 9u);
  BOOST_TEST(mapping.n_unknown_tokens == 2u);
  BOOST_REQUIRE(mapping.unknown_words.size() == 1u);
  BOOST_TEST(mapping.unknown_words[0].first == "zebra");
}

// A document with no word the model knows says nothing: its gamma is alpha and its ELBO exactly 0
// (the bound's terms cancel; summed, they left 4e-16 before), beside a document that has words.
BOOST_AUTO_TEST_CASE(a_document_without_words_has_the_prior_and_a_zero_elbo) {
  const tmkit::LdaModel model = model_with_topics(planted().all.topics, 0.1);
  tmkit::Corpus corpus(planted().all.corpus.vocab());
  corpus.add_document({}, "empty");
  corpus.add_document({{3, 2}, {7, 1}}, "words");
  const tmkit::Inference folded = tmkit::infer_documents(corpus, model, {});
  BOOST_TEST(folded.elbo[0] == 0.0);
  BOOST_TEST(tmkit::test::bit_identical(arma::mat(folded.gamma.col(0)), arma::mat(model.alpha)));
  BOOST_TEST(folded.elbo[1] < 0.0);
}

BOOST_AUTO_TEST_CASE(a_corpus_of_another_vocabulary_size_is_refused) {
  const tmkit::LdaModel model = model_with_topics(planted().all.topics, 0.1);
  tmkit::Corpus small({"a", "b"});
  small.add_document({{0, 1}});
  BOOST_CHECK_THROW(tmkit::infer_documents(small, model, {}), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(completion)

BOOST_AUTO_TEST_CASE(split_halves_add_up_and_depend_on_the_seed_only) {
  const tmkit::Corpus& corpus = planted().test;
  const tmkit::CompletionSplit a = tmkit::split_documents(corpus, 7);
  const tmkit::CompletionSplit b = tmkit::split_documents(corpus, 7);
  const tmkit::CompletionSplit c = tmkit::split_documents(corpus, 8);
  BOOST_TEST(a.observed.fingerprint() == b.observed.fingerprint());
  BOOST_TEST(a.heldout.fingerprint() == b.heldout.fingerprint());
  BOOST_TEST(a.heldout.fingerprint() != c.heldout.fingerprint());
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const tmkit::DocView doc = corpus.doc(d), obs = a.observed.doc(d), held = a.heldout.doc(d);
    BOOST_TEST(held.n_tokens() == std::floor(doc.n_tokens() / 2));
    BOOST_TEST(obs.n_tokens() + held.n_tokens() == doc.n_tokens());
    std::vector<double> sum(corpus.n_words(), 0);
    for (std::size_t i = 0; i < obs.n; ++i) sum[obs.ids[i]] += obs.counts[i];
    for (std::size_t i = 0; i < held.n; ++i) sum[held.ids[i]] += held.counts[i];
    for (std::size_t i = 0; i < doc.n; ++i) BOOST_TEST(sum[doc.ids[i]] == doc.counts[i]);
  }
}

// Each token is held out with probability one half: over many one-word documents of two tokens,
// the first token goes out about as often as the second, and over a long document every word's
// share is near a half.
BOOST_AUTO_TEST_CASE(split_is_unbiased) {
  tmkit::Corpus corpus({"a", "b"});
  corpus.add_document({{0, 5000}, {1, 5000}});
  const tmkit::CompletionSplit split = tmkit::split_documents(corpus, 3);
  const tmkit::DocView held = split.heldout.doc(0);
  BOOST_REQUIRE(held.n == 2u);
  BOOST_TEST(std::abs(static_cast<double>(held.counts[0]) - 2500.0) < 200.0);  // 4 sd
}

BOOST_AUTO_TEST_CASE(score_matches_a_direct_computation) {
  tmkit::Corpus heldout({"a", "b", "c"});
  heldout.add_document({{0, 2}, {2, 1}});
  heldout.add_document({});
  arma::mat beta = {{0.5, 0.25, 0.25}, {0.1, 0.1, 0.8}};  // K x V
  arma::mat gamma = {{1.0, 3.0}, {3.0, 1.0}};             // K x D
  const tmkit::CompletionScore score = tmkit::score_heldout(beta, gamma, heldout, 1);
  const double expected =
      2 * std::log(0.25 * 0.5 + 0.75 * 0.1) + std::log(0.25 * 0.25 + 0.75 * 0.8);
  BOOST_TEST(score.log_likelihood == expected, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(score.n_tokens == 3u);
  BOOST_TEST(score.n_documents == 1u);
  BOOST_TEST(score.perplexity() == std::exp(-expected / 3), boost::test_tools::tolerance(1e-15));
}

// The claim of the issue: a fitted model scores better than the same model with its topics'
// words shuffled, and the true generating topics score better than both.
BOOST_AUTO_TEST_CASE(truth_beats_fit_beats_shuffled_topics) {
  tmkit::FitOptions options = fit_options();
  tmkit::LdaModel fitted = tmkit::initialize_model(planted().train, options);
  tmkit::fit_batch(planted().train, options, fitted);
  tmkit::LdaModel shuffled = fitted;
  tmkit::Rng rng = tmkit::make_rng(5, 0);
  for (std::size_t k = 0; k < shuffled.n_topics(); ++k) {
    arma::rowvec row = shuffled.lambda.row(k);
    for (std::size_t w = row.n_elem - 1; w > 0; --w) std::swap(row[w], row[rng() % (w + 1)]);
    shuffled.lambda.row(k) = row;
  }
  const tmkit::LdaModel truth = model_with_topics(planted().all.topics, 0.1);
  const tmkit::CompletionSplit split = tmkit::split_documents(planted().test, 11);
  const tmkit::EstepOptions estep;
  const double p_fit = tmkit::document_completion(fitted, split, estep).perplexity();
  const double p_shuffled = tmkit::document_completion(shuffled, split, estep).perplexity();
  const double p_truth = tmkit::document_completion(truth, split, estep).perplexity();
  BOOST_TEST_MESSAGE("document-completion perplexity: truth " << p_truth << ", fitted " << p_fit
                                                              << ", shuffled " << p_shuffled);
  BOOST_TEST(p_truth < p_fit);
  BOOST_TEST(p_fit < p_shuffled);
}

BOOST_AUTO_TEST_SUITE_END()
