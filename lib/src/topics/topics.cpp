#include "tmkit/topics/topics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_map>

#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"

namespace tmkit {
namespace {
constexpr double kCoherenceEpsilon = 1e-12;  // gensim.topic_coherence's EPSILON
}  // namespace

std::vector<TopicSummary> summarize_topics(const LdaModel& model, std::size_t n_top,
                                           double relevance_lambda) {
  if (!(relevance_lambda >= 0.0 && relevance_lambda <= 1.0)) {
    throw OptionError("relevance", format_shortest(relevance_lambda) + " is outside [0, 1]");
  }
  const std::size_t n_topics = model.n_topics(), n_words = model.n_words();
  n_top = std::min(n_top, n_words);
  const arma::mat phi = topic_word_distributions(model);  // K x V
  arma::vec mass = arma::sum(model.lambda, 1) - static_cast<double>(n_words) * model.eta;
  mass = arma::clamp(mass, 0.0, arma::datum::inf);
  const double total = arma::accu(mass);
  const arma::vec share =
      total > 0 ? arma::vec(mass / total)
                : arma::vec(n_topics, arma::fill::value(1.0 / static_cast<double>(n_topics)));
  const arma::rowvec marginal = share.t() * phi;
  std::vector<TopicSummary> topics(n_topics);
  std::vector<WordId> order(n_words);
  std::vector<double> score(n_words);
  for (std::size_t k = 0; k < n_topics; ++k) {
    for (std::size_t w = 0; w < n_words; ++w) {
      const double log_phi = std::log(phi(k, w));
      score[w] = relevance(relevance_lambda, log_phi, std::log(marginal[w]));
    }
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(
        order.begin(), order.begin() + static_cast<long>(n_top), order.end(),
        [&](WordId a, WordId b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
    topics[k].words.assign(order.begin(), order.begin() + static_cast<long>(n_top));
    for (WordId w : topics[k].words) topics[k].weights.push_back(phi(k, w));
    topics[k].share = share[k];
  }
  return topics;
}

void compute_coherence(const Corpus& reference, std::vector<TopicSummary>& topics) {
  // Posting lists (sorted document indices) of the words that are someone's top word.
  std::unordered_map<WordId, std::vector<std::uint32_t>> postings;
  for (const auto& topic : topics)
    for (WordId w : topic.words) postings.emplace(w, std::vector<std::uint32_t>{});
  for (std::size_t d = 0; d < reference.n_docs(); ++d) {
    const DocView doc = reference.doc(d);
    for (std::size_t i = 0; i < doc.n; ++i) {
      const auto it = postings.find(doc.ids[i]);
      if (it != postings.end()) it->second.push_back(static_cast<std::uint32_t>(d));
    }
  }
  const auto co_documents = [&](WordId a, WordId b) {
    const auto& x = postings[a];
    const auto& y = postings[b];
    std::size_t i = 0, j = 0, both = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] < y[j])
        ++i;
      else if (y[j] < x[i])
        ++j;
      else {
        ++both;
        ++i;
        ++j;
      }
    }
    return static_cast<double>(both);
  };
  const double n_docs = static_cast<double>(reference.n_docs());
  for (auto& topic : topics) {
    const auto& w = topic.words;
    double umass = 0.0, npmi = 0.0;
    std::size_t n_umass = 0, n_npmi = 0;
    for (std::size_t m = 1; m < w.size(); ++m) {
      for (std::size_t l = 0; l < m; ++l) {
        const double df_m = static_cast<double>(postings[w[m]].size());
        const double df_l = static_cast<double>(postings[w[l]].size());
        const double both = co_documents(w[m], w[l]);
        if (df_l > 0) {
          // gensim's m_lc: log((P(w_m, w_l) + eps) / P(w_l)), the epsilon on the probability.
          umass += std::log((both / n_docs + kCoherenceEpsilon) / (df_l / n_docs));
          ++n_umass;
        }
        if (df_l > 0 && df_m > 0) {
          const double joint = both / n_docs + kCoherenceEpsilon;
          npmi += std::log(joint / ((df_m / n_docs) * (df_l / n_docs))) / -std::log(joint);
          ++n_npmi;
        }
      }
    }
    topic.umass = n_umass > 0 ? umass / static_cast<double>(n_umass) : std::nan("");
    topic.npmi = n_npmi > 0 ? npmi / static_cast<double>(n_npmi) : std::nan("");
  }
}

std::string format_topics(const std::vector<TopicSummary>& topics,
                          const std::vector<std::string>& vocab) {
  std::string out = "topic  share   umass    npmi  top words (probability)\n";
  char buffer[64];
  for (std::size_t k = 0; k < topics.size(); ++k) {
    const auto& topic = topics[k];
    std::snprintf(buffer, sizeof buffer, "%5zu %5.1f%%", k, 100.0 * topic.share);
    out += buffer;
    if (std::isnan(topic.umass)) {
      out += "       -       -";
    } else {
      std::snprintf(buffer, sizeof buffer, " %7.2f %7.3f", topic.umass, topic.npmi);
      out += buffer;
    }
    out += " ";
    for (std::size_t i = 0; i < topic.words.size(); ++i) {
      out += " " + vocab.at(topic.words[i]);
      std::snprintf(buffer, sizeof buffer, "(%.3f)", topic.weights[i]);
      out += buffer;
    }
    out += "\n";
  }
  return out;
}

}  // namespace tmkit
