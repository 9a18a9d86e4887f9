#include "tmkit/report/report.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/divergence/row_set.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/lda/run_fit.hpp"
#include "tmkit/report/mds.hpp"
#include "tmkit/topics/topics.hpp"

namespace {

// A model fitted to a small synthetic corpus, in a scratch directory.
struct Fitted {
  tmkit::test::ScratchDir dir;
  std::string model;
  Fitted() {
    tmkit::SyntheticSpec spec;
    spec.n_topics = 6;
    spec.n_words = 400;
    spec.n_docs = 300;
    spec.mean_length = 60;
    tmkit::test::write_and_fit(dir, spec, "r", 15);
    model = dir.file("model");
  }

  // The report's data with `top_terms` terms and `top_documents` documents per topic.
  tmkit::ReportData report(std::size_t top_terms = 30, std::size_t top_documents = 20) const {
    tmkit::ReportPlan plan;
    plan.model = model;
    plan.top_terms = top_terms;
    plan.top_documents = top_documents;
    return tmkit::build_report(plan);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

// The page's term lists: for every lambda of the slider's grid, the candidates ranked by
// relevance give exactly summarize_topics's top words (tm-topics --relevance), which a direct
// computation over the whole vocabulary produces. A word missing from the candidates would show.
BOOST_AUTO_TEST_CASE(terms_rank_as_tm_topics_at_every_slider_position) {
  Fitted f;
  const tmkit::ReportData data = f.report(12);
  const tmkit::SavedModel saved = tmkit::load_model(f.model);
  for (int step = 0; step <= 100; ++step) {
    const double lambda = step / 100.0;
    const auto expected = tmkit::summarize_topics(saved.model, 12, lambda);
    for (std::size_t k = 0; k < data.topics.size(); ++k) {
      const auto words = tmkit::rank_terms(data, data.topics[k], lambda, 12);
      BOOST_TEST(words == expected[k].words, "topic " << k << ", lambda " << lambda);
    }
  }
}

// Relevance computed here from lambda alone (phi_kw = lambda_kw / sum_w lambda_kw, shares from the
// topics' pseudo-counts beyond the prior, p(w) = sum_k share_k phi_kw): the page's top terms are
// the best-scoring words of the whole vocabulary, in order (to rounding: 1e-12).
BOOST_AUTO_TEST_CASE(terms_are_the_most_relevant_words_by_a_direct_computation) {
  Fitted f;
  const tmkit::ReportData data = f.report(15);
  const tmkit::SavedModel saved = tmkit::load_model(f.model);
  const tmkit::LdaModel& model = saved.model;
  const arma::mat phi = arma::normalise(model.lambda, 1, 1);
  arma::vec mass = arma::sum(model.lambda, 1) - static_cast<double>(model.n_words()) * model.eta;
  const arma::vec share = mass / arma::accu(mass);
  const arma::rowvec marginal = share.t() * phi;
  for (const double lambda : {0.0, 0.25, 0.6, 1.0}) {
    for (std::size_t k = 0; k < data.topics.size(); ++k) {
      const arma::rowvec score =
          lambda * arma::log(phi.row(k)) + (1 - lambda) * arma::log(phi.row(k) / marginal);
      const auto words = tmkit::rank_terms(data, data.topics[k], lambda, 15);
      BOOST_REQUIRE(words.size() == 15u);
      for (std::size_t i = 1; i < words.size(); ++i) {
        BOOST_TEST(score[words[i]] <= score[words[i - 1]] + 1e-12);
      }
      double best_left_out = -arma::datum::inf;
      for (std::size_t w = 0; w < model.n_words(); ++w) {
        if (std::find(words.begin(), words.end(), w) == words.end()) {
          best_left_out = std::max(best_left_out, score[w]);
        }
      }
      BOOST_TEST(best_left_out <= score[words.back()] + 1e-12,
                 "topic " << k << " lambda " << lambda);
    }
  }
}

// Shares, documents, term frequencies and the map, each against a direct computation.
BOOST_AUTO_TEST_CASE(numbers_match_direct_computations) {
  Fitted f;
  const tmkit::ReportData data = f.report(30, 7);
  const tmkit::SavedModel saved = tmkit::load_model(f.model);
  const auto summaries = tmkit::summarize_topics(saved.model, 1);
  const arma::mat theta = tmkit::document_topic_distributions(saved.model);
  tmkit::DivergenceOptions jsd;
  jsd.metric = tmkit::Metric::jsd;
  // The map is placed by the distances tm-similarity --topics --metric jsd gives.
  const arma::mat map = tmkit::classical_mds(tmkit::divergence_matrix(
      tmkit::load_rows(f.model, "", true, tmkit::RowPolicy{}).columns, jsd));
  BOOST_TEST(data.term_frequency.size() == saved.term_frequency.n_elem);
  for (std::size_t w = 0; w < data.term_frequency.size(); ++w) {
    BOOST_TEST(data.term_frequency[w] == saved.term_frequency[w]);
  }
  for (std::size_t k = 0; k < data.topics.size(); ++k) {
    const tmkit::ReportTopic& topic = data.topics[k];
    BOOST_TEST(topic.share == summaries[k].share);
    BOOST_TEST(topic.x == map(k, 0));
    BOOST_TEST(topic.y == map(k, 1));
    BOOST_TEST(topic.umass == saved.umass[k]);
    // The documents: the 7 largest theta_dk, in order, ties to the lower index.
    arma::uvec order = arma::stable_sort_index(theta.col(k), "descend");
    BOOST_REQUIRE(topic.documents.size() == 7u);
    for (std::size_t i = 0; i < 7; ++i) {
      BOOST_TEST(topic.documents[i] == order[i]);
      BOOST_TEST(topic.document_shares[i] == theta(order[i], k));
    }
  }
}

// The page embeds the numbers exactly (the data round-trips through its JSON) and nothing that
// loads from elsewhere.
BOOST_AUTO_TEST_CASE(the_page_embeds_the_data_and_needs_no_network) {
  Fitted f;
  const tmkit::ReportData data = f.report();
  const std::string page = tmkit::render_report(data, 30);
  BOOST_TEST(page.find("default-src 'none'") != std::string::npos);
  BOOST_TEST(page.find("src=\"http") == std::string::npos);
  const std::string open = "<script type=\"application/json\" id=\"tmkit-data\">";
  const std::size_t start = page.find(open) + open.size();
  const std::size_t end = page.find("</script>", start);
  const nlohmann::json json = nlohmann::json::parse(page.substr(start, end - start));
  BOOST_TEST(json.at("topics").size() == data.topics.size());
  for (std::size_t k = 0; k < data.topics.size(); ++k) {
    const auto& terms = json.at("topics")[k].at("terms");
    BOOST_REQUIRE(terms.size() == data.topics[k].terms.size());
    for (std::size_t i = 0; i < terms.size(); ++i) {
      BOOST_TEST(terms[i][1].get<double>() == data.topics[k].terms[i].log_phi);
      const std::string word = std::to_string(data.topics[k].terms[i].word);
      BOOST_TEST(json.at("words").at(word)[1].get<double>() ==
                 data.log_marginal[data.topics[k].terms[i].word]);
    }
  }
  // A word that would close the script element is escaped.
  tmkit::ReportData tricky = data;
  tricky.vocab[data.topics[0].terms[0].word] = "</script><b>";
  const std::string escaped = tmkit::render_report(tricky, 30);
  BOOST_TEST(escaped.find("</script><b>") == std::string::npos);
  BOOST_TEST(escaped.find("<\\/script><b>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
