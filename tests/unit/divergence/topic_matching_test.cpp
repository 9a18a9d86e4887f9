#include "tmkit/divergence/topic_matching.hpp"

#include <boost/test/unit_test.hpp>

#include "tmkit/core/error.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/divergence/topic_drift.hpp"
#include "tmkit/lda/lda.hpp"

namespace {

tmkit::LdaModel fit(const tmkit::Corpus& corpus, std::uint64_t seed) {
  tmkit::FitOptions options;
  options.n_topics = 6;
  options.alpha = tmkit::AlphaOption::parse("0.1");
  options.eta = tmkit::EtaOption::parse("0.01");
  options.seed = seed;
  options.n_threads = 2;
  tmkit::LdaModel model = tmkit::initialize_model(corpus, options);
  tmkit::fit_batch(corpus, options, model);
  return model;
}

const tmkit::SyntheticCorpus& corpus() {
  static const tmkit::SyntheticCorpus planted = [] {
    tmkit::SyntheticSpec spec;
    spec.n_topics = 6;
    spec.n_words = 300;
    spec.n_docs = 600;
    spec.mean_length = 80;
    spec.seed = 17;
    return tmkit::generate_lda_corpus(spec);
  }();
  return planted;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(topic_matching)

BOOST_AUTO_TEST_CASE(two_seeds_pair_the_same_topics_and_a_model_matches_itself) {
  const tmkit::LdaModel a = fit(corpus().corpus, 1);
  const tmkit::LdaModel b = fit(corpus().corpus, 99);
  const tmkit::DivergenceOptions js{tmkit::Metric::js, false};
  const auto self = tmkit::compare_topics(a, a, js, 2);
  for (std::size_t k = 0; k < self.pairs.size(); ++k) {
    BOOST_TEST(self.pairs[k].first == k);
    BOOST_TEST(self.pairs[k].second == k);
    BOOST_TEST(self.matched[k] == 0.0);
  }
  const auto cross = tmkit::compare_topics(a, b, js, 2);
  BOOST_TEST_MESSAGE("seeds 1 and 99: mean matched JS " << cross.mean_matched);
  BOOST_TEST(cross.pairs.size() == 6u);
  BOOST_TEST(cross.mean_matched < 0.02);
  // The matching is the best: no pair of pairs does better swapped.
  for (std::size_t x = 0; x < 6; ++x) {
    for (std::size_t y = 0; y < 6; ++y) {
      const auto [i, j] = cross.pairs[x];
      const auto [k, l] = cross.pairs[y];
      BOOST_TEST(cross.divergence(i, j) + cross.divergence(k, l) <=
                 cross.divergence(i, l) + cross.divergence(k, j) + 1e-15);
    }
  }
  const std::string table = tmkit::format_topic_comparison(cross, a, b, corpus().corpus.vocab(), 3);
  BOOST_TEST(table.find("# mean js over 6 matched pairs") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(drift_follows_group_means_in_order_of_appearance) {
  const arma::mat theta = {{0.9, 0.8, 0.1, 0.2, 0.5}, {0.1, 0.2, 0.9, 0.8, 0.5}};
  const auto drift = tmkit::compute_topic_drift(theta, {"jan", "jan", "feb", "feb", "mar"}, 0.1);
  BOOST_TEST((drift.groups == std::vector<std::string>{"jan", "feb", "mar"}));
  BOOST_TEST(std::fabs(drift.means(0, 0) - 0.85) < 1e-15);
  BOOST_TEST(std::fabs(drift.means(0, 1) - 0.15) < 1e-15);
  BOOST_TEST(drift.steps.size() == 2u);
  const double p[] = {0.85, 0.15}, q[] = {0.15, 0.85};
  const double kl = 0.85 * std::log(0.85 / 0.15) + 0.15 * std::log(0.15 / 0.85);
  BOOST_TEST(std::fabs(drift.steps[0].kl_forward - kl) < 1e-14);
  BOOST_TEST(std::fabs(drift.steps[0].js - tmkit::divergence(p, q, 2, {tmkit::Metric::js, false})) <
             1e-15);
  BOOST_TEST(drift.steps[0].flagged);
  BOOST_TEST(drift.js_pairs(0, 1) == drift.js_pairs(1, 0));
  BOOST_TEST(tmkit::format_topic_drift(drift).find("jan\tfeb\t2->2\t") != std::string::npos);
  BOOST_TEST(tmkit::render_topic_drift(drift).find("<svg") != std::string::npos);
  BOOST_CHECK_THROW(tmkit::compute_topic_drift(theta, {"a", "a", "a", "a", "a"}, 0.1),
                    tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::compute_topic_drift(theta, {"a", "b"}, 0.1), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
