// Which topics of one model are which topics of another: the K1 x K2 divergence matrix between
// their topic-word distributions and the best one-to-one matching (Hungarian method), e.g. to see
// whether two fits with different seeds or K found the same themes.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "tmkit/divergence/divergence.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

struct TopicComparison {
  DivergenceOptions options;
  arma::mat divergence;  ///< K1 x K2, d(topic i of a, topic j of b)
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  ///< matched (i, j), by i
  std::vector<double> matched;                             ///< divergence of each pair
  double mean_matched = 0;
};

/// Compares the topics of `a` and `b` (E[beta] rows; the models must share a vocabulary:
/// UsageError otherwise). The matching minimises the sum of the divergences (with +inf, as KL can
/// give, replaced by a large finite cost so that such pairs are used only when unavoidable).
TopicComparison compare_topics(const LdaModel& a, const LdaModel& b,
                               const DivergenceOptions& options, int n_threads = 0);

/// The matched pairs as text: one line per pair, best first (topic of a, topic of b, divergence,
/// top words of each side by side), then the mean.
std::string format_topic_comparison(const TopicComparison& comparison, const LdaModel& a,
                                    const LdaModel& b, const std::vector<std::string>& vocab,
                                    std::size_t n_words);

}  // namespace tmkit
