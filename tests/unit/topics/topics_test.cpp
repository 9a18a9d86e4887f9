#include "tmkit/topics/topics.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"

BOOST_AUTO_TEST_SUITE(topics)

// gensim 4.2's CoherenceModel on the same corpus and top words (tests/reference/
// generate_gensim_coherence.py). Tolerance 1e-10: the same sums in another order.
BOOST_AUTO_TEST_CASE(coherence_matches_gensim) {
  const tmkit::Corpus corpus =
      tmkit::read_corpus(tmkit::test::source_path("tests/reference/sklearn_lda/docword.tiny.txt"));
  std::ifstream topics_file(tmkit::test::source_path("tests/reference/coherence/topics.txt"));
  std::ifstream expected_file(tmkit::test::source_path("tests/reference/coherence/expected.txt"));
  std::vector<tmkit::TopicSummary> topics;
  std::vector<std::pair<double, double>> expected;
  for (std::string line; std::getline(topics_file, line);) {
    std::istringstream words(line);
    tmkit::TopicSummary topic;
    for (tmkit::WordId w; words >> w;) topic.words.push_back(w);
    topics.push_back(topic);
    double umass = 0, npmi = 0;
    expected_file >> umass >> npmi;
    expected.emplace_back(umass, npmi);
  }
  BOOST_REQUIRE(topics.size() == 4u);
  tmkit::compute_coherence(corpus, topics);
  for (std::size_t k = 0; k < topics.size(); ++k) {
    BOOST_TEST(topics[k].umass == expected[k].first, boost::test_tools::tolerance(1e-10));
    BOOST_TEST(topics[k].npmi == expected[k].second, boost::test_tools::tolerance(1e-10));
  }
}

// Words that never share a document: UMass is then the epsilon's alone, log(1e-12 N / df), and
// gensim adds the epsilon to the probability (the co-document count / N), not to the count.
BOOST_AUTO_TEST_CASE(umass_of_words_that_never_meet_matches_gensim) {
  const tmkit::Corpus corpus =
      tmkit::read_corpus(tmkit::test::source_path("corpora/kjv/docword.kjv.txt"));
  std::ifstream file(tmkit::test::source_path("tests/reference/coherence/kjv_apart.txt"));
  tmkit::TopicSummary topic;
  topic.words.resize(3);
  double expected = 0;
  file >> topic.words[0] >> topic.words[1] >> topic.words[2] >> expected;
  BOOST_REQUIRE(file);
  std::vector<tmkit::TopicSummary> topics = {topic};
  tmkit::compute_coherence(corpus, topics);
  BOOST_TEST(topics[0].umass == expected, boost::test_tools::tolerance(1e-12));
}

tmkit::LdaModel two_topic_model() {
  tmkit::LdaModel model;
  model.eta = 0.5;
  model.alpha = {0.1, 0.1};
  // topic 0 prefers words 0 > 1 > 2; topic 1 prefers word 3, then word 0 (shared, common).
  model.lambda = {{40.5, 20.5, 10.5, 0.5}, {20.5, 0.5, 0.5, 30.5}};
  model.gamma = arma::mat(2, 1, arma::fill::ones);
  return model;
}

BOOST_AUTO_TEST_CASE(top_words_by_probability_and_by_relevance) {
  const auto by_probability = tmkit::summarize_topics(two_topic_model(), 2, 1.0);
  BOOST_TEST(by_probability[0].words == (std::vector<tmkit::WordId>{0, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(by_probability[0].weights[0] == 40.5 / 72.0, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(by_probability[1].words == (std::vector<tmkit::WordId>{3, 0}),
             boost::test_tools::per_element());
  // Shares: expected counts 70 and 50 of 120.
  BOOST_TEST(by_probability[0].share == 70.0 / 120.0, boost::test_tools::tolerance(1e-14));
  // Relevance with lambda = 0 ranks by lift p(w|k)/p(w): word 1 is topic 0's alone.
  const auto by_lift = tmkit::summarize_topics(two_topic_model(), 1, 0.0);
  BOOST_TEST(by_lift[0].words[0] == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
