// What a topic is about: its top words by probability or by relevance (Sievert & Shirley 2014,
// "LDAvis", §3.1), its share of the corpus, and its coherence on a reference corpus: UMass
// (Mimno et al. 2011) and NPMI (Bouma 2009; Aletras & Stevenson 2013), computed as gensim's
// CoherenceModel computes 'u_mass' and 'c_npmi' (with a document as the co-occurrence window, the
// only window a bag of words has).
#pragma once

#include <armadillo>
#include <cstddef>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

/// A topic's headline figures.
struct TopicSummary {
  std::vector<WordId> words;    ///< top words, best first
  std::vector<double> weights;  ///< their probabilities E[beta_kw]
  double share = 0;             ///< fraction of the corpus's tokens the topic explains
  double umass = std::numeric_limits<double>::quiet_NaN();  ///< NaN when not computed
  double npmi = std::numeric_limits<double>::quiet_NaN();
};

/// Relevance of a word to a topic (Sievert & Shirley 2014): lambda log phi_kw + (1 - lambda)
/// log(phi_kw / p_w), from log phi_kw and log p_w. Every ranking by relevance (summarize_topics,
/// tm-report's page, whose script spells it with the same operations) goes through this form, so
/// all round alike.
inline double relevance(double lambda, double log_phi, double log_marginal) {
  return lambda * log_phi + (1.0 - lambda) * (log_phi - log_marginal);
}

/// Top `n_top` words of every topic ranked by relevance
///   r(w, k) = lambda_r log phi_kw + (1 - lambda_r) log(phi_kw / p_w),
/// where phi = E[beta] and p_w = sum_k share_k phi_kw is the model's marginal word distribution.
/// relevance_lambda = 1 ranks by probability (the default of every peer). Ties go to the smaller
/// word id. Shares are (sum_w lambda_kw - V eta) / sum over topics of the same.
std::vector<TopicSummary> summarize_topics(const LdaModel& model, std::size_t n_top,
                                           double relevance_lambda = 1.0);

/// UMass and NPMI of each topic's top words on `reference` (usually the training corpus), filled
/// into `topics`. For top words w_1..w_N (best first), with D(w) the documents holding w and
/// D(w, v) those holding both (epsilon = 1e-12, as gensim):
///   UMass = mean over m > l of log((D(w_m, w_l) + epsilon) / D(w_l))
///   NPMI  = mean over pairs of log((P(w, v) + epsilon) / (P(w) P(v))) / -log(P(w, v) + epsilon)
/// with P(w) = D(w) / n_docs. Words absent from the reference make the pair terms undefined; such
/// pairs are skipped (a topic with none left gets NaN).
void compute_coherence(const Corpus& reference, std::vector<TopicSummary>& topics);

/// Topics as the text tmkit prints and writes to topics.txt: a header, then one line per topic
/// with its share, coherences (when computed) and top words with their probabilities.
std::string format_topics(const std::vector<TopicSummary>& topics,
                          const std::vector<std::string>& vocab);

}  // namespace tmkit
