#include "tmkit/divergence/topic_matching.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "tmkit/core/error.hpp"
#include "tmkit/divergence/assignment.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit {

TopicComparison compare_topics(const LdaModel& a, const LdaModel& b,
                               const DivergenceOptions& options, int n_threads) {
  if (a.n_words() != b.n_words()) {
    throw UsageError("the models have vocabularies of " + std::to_string(a.n_words()) + " and " +
                     std::to_string(b.n_words()) + " words; topics can be compared only over the " +
                     "same vocabulary");
  }
  TopicComparison out;
  out.options = options;
  const arma::mat pa = topic_word_distributions(a).t();  // V x K1, one topic per column
  const arma::mat pb = topic_word_distributions(b).t();
  out.divergence = divergence_matrix(pa, pb, options, n_threads);
  arma::mat cost = out.divergence;
  double largest = 0.0;
  for (const double v : cost) {
    if (std::isfinite(v)) largest = std::max(largest, v);
  }
  cost.replace(arma::datum::inf, 1.0 + 2.0 * static_cast<double>(cost.n_elem) * (largest + 1.0));
  out.pairs = match_pairs(cost);
  for (const auto& [i, j] : out.pairs) out.matched.push_back(out.divergence(i, j));
  out.mean_matched = std::accumulate(out.matched.begin(), out.matched.end(), 0.0) /
                     static_cast<double>(out.matched.size());
  return out;
}

std::string format_topic_comparison(const TopicComparison& comparison, const LdaModel& a,
                                    const LdaModel& b, const std::vector<std::string>& vocab,
                                    std::size_t n_words) {
  const auto top_a = summarize_topics(a, n_words);
  const auto top_b = summarize_topics(b, n_words);
  const auto words = [&](const TopicSummary& topic) {
    std::string text;
    for (const WordId w : topic.words) text += (text.empty() ? "" : " ") + vocab[w];
    return text;
  };
  std::vector<std::size_t> order(comparison.pairs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return comparison.matched[x] < comparison.matched[y];
  });
  const std::string metric = metric_name(comparison.options.metric);
  std::string out = "a\tb\t" + metric + "\ttop words of a\ttop words of b\n";
  for (const std::size_t m : order) {
    const auto [i, j] = comparison.pairs[m];
    out += std::to_string(i) + "\t" + std::to_string(j) + "\t" +
           format_double(comparison.matched[m]) + "\t" + words(top_a[i]) + "\t" + words(top_b[j]) +
           "\n";
  }
  out += "# mean " + metric + " over " + std::to_string(order.size()) +
         " matched pairs: " + format_double(comparison.mean_matched) + "\n";
  return out;
}

}  // namespace tmkit
