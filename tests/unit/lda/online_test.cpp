#include <boost/test/unit_test.hpp>
#include <fstream>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/inference.hpp"
#include "tmkit/lda/lda_online.hpp"

namespace {

const tmkit::test::PlantedSplit& planted() {
  static const tmkit::test::PlantedSplit p = tmkit::test::planted_split(6000, 500);
  return p;
}

tmkit::FitOptions fit_options(std::size_t passes, std::uint64_t seed) {
  tmkit::FitOptions options;
  options.n_topics = 10;
  options.alpha.value = 0.1;
  options.eta.value = 0.01;
  options.max_passes = passes;
  options.seed = seed;
  return options;
}

struct OnlineFit {
  tmkit::LdaModel model;
  tmkit::FitReport report;
  arma::mat gamma;  // K x D from the fold-in pass
};

OnlineFit fit_online(const tmkit::Corpus& corpus, const tmkit::FitOptions& options,
                     const tmkit::OnlineOptions& online) {
  tmkit::CorpusSource source(corpus);
  OnlineFit fit;
  fit.model = tmkit::initialize_online_model(source, options);
  fit.gamma.set_size(options.n_topics, corpus.n_docs());
  tmkit::OnlineCallbacks callbacks;
  callbacks.on_gamma = [&](const tmkit::DocumentBatch& batch, const arma::mat& gamma) {
    fit.gamma.cols(batch.first, batch.first + batch.n_docs() - 1) = gamma;
  };
  tmkit::OnlineProgress progress;
  fit.report = tmkit::fit_online(source, options, online, fit.model, progress, callbacks);
  return fit;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(online_properties)

BOOST_AUTO_TEST_CASE(recovers_planted_topics_and_matches_batch_perplexity) {
  const tmkit::CompletionSplit split = tmkit::split_documents(planted().test, 5);
  tmkit::OnlineOptions online;
  online.batch_size = 256;
  const std::size_t passes = 10;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const tmkit::FitOptions options = fit_options(passes, seed);
    const OnlineFit fit = fit_online(planted().train, options, online);
    const auto js =
        tmkit::test::matched_js(planted().all.topics, tmkit::topic_word_distributions(fit.model));
    tmkit::FitOptions batch_options = options;  // the same number of passes, in batch
    batch_options.max_moves = 0;
    batch_options.tol = 1e-300;
    tmkit::LdaModel batch = tmkit::initialize_model(planted().train, batch_options);
    tmkit::fit_batch(planted().train, batch_options, batch);
    const double p_online = tmkit::document_completion(fit.model, split, {}).perplexity();
    const double p_batch = tmkit::document_completion(batch, split, {}).perplexity();
    BOOST_TEST_MESSAGE("seed " << seed << ": online mean matched JS " << js.mean << " (max "
                               << js.max << "), perplexity online " << p_online << ", batch "
                               << p_batch);
    BOOST_TEST(js.mean < 0.03, "seed " << seed);
    BOOST_TEST(std::fabs(p_online / p_batch - 1.0) < 0.05, "seed " << seed);
  }
}

// The final pass folds every document in with the final topics: its gamma is what
// infer_documents gives, and its ELBO is exact.
BOOST_AUTO_TEST_CASE(fold_in_pass_gives_the_inferred_gamma) {
  const tmkit::FitOptions options = fit_options(2, 1);
  const OnlineFit fit = fit_online(planted().train, options, {});
  tmkit::EstepOptions estep;
  const arma::mat inferred = tmkit::infer_documents(planted().train, fit.model, estep).gamma;
  BOOST_TEST(tmkit::test::bit_identical(inferred, fit.gamma));
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_thread_count) {
  tmkit::FitOptions options = fit_options(2, 3);
  options.alpha = tmkit::AlphaOption::parse("auto");
  options.eta = tmkit::EtaOption::parse("auto");
  options.n_threads = 1;
  const OnlineFit one = fit_online(planted().train, options, {});
  options.n_threads = 2;
  const OnlineFit two = fit_online(planted().train, options, {});
  BOOST_TEST(tmkit::test::bit_identical(one.model.lambda, two.model.lambda));
  BOOST_TEST(tmkit::test::bit_identical(one.model.alpha, two.model.alpha));
  BOOST_TEST(one.model.eta == two.model.eta);
  BOOST_TEST(tmkit::test::bit_identical(one.gamma, two.gamma));
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  tmkit::OnlineOptions bad;
  bad.batch_size = 0;
  BOOST_CHECK_THROW(tmkit::validate_online_options(bad), tmkit::UsageError);
  bad = {};
  bad.kappa = 1.5;
  BOOST_CHECK_THROW(tmkit::validate_online_options(bad), tmkit::UsageError);
  bad = {};
  bad.tau0 = -1;
  BOOST_CHECK_THROW(tmkit::validate_online_options(bad), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
