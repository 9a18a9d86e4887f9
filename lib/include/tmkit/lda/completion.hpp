// Held-out evaluation by document completion (Wallach, Murray, Salakhutdinov & Mimno 2009, §4.2):
// each held-out document is split in two; theta is inferred from the observed half with the topics
// fixed, and the other half is scored under that theta,
//   log p(w_held | w_obs) ≈ sum_{w in held} n_w log sum_k E[theta_k | w_obs] E[beta_kw],
// perplexity = exp(-sum log p / held-out tokens) (natural logarithms; the perplexity itself does
// not depend on the base). Unlike a bound on the training set, it cannot be lowered by
// memorising the documents, so it is comparable across models, K and libraries.
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_estep.hpp"

namespace tmkit {

/// The two halves of a set of documents: observed.doc(d) and heldout.doc(d) are halves of one
/// document, and their counts add up to it.
struct CompletionSplit {
  Corpus observed;
  Corpus heldout;
};

/// Splits every document's tokens at random into an observed half of ceil(N_d / 2) tokens and a
/// held-out half of floor(N_d / 2), each token equally likely to go either way (selection
/// sampling, one random stream per document of `seed`): the same seed gives the same split.
CompletionSplit split_documents(const Corpus& corpus, std::uint64_t seed);

/// The documents of a held-out slice: each of the n_docs documents independently with probability
/// `fraction`, by its own random stream of `seed` (so the choice does not depend on how the corpus
/// is read). Increasing indices.
std::vector<std::size_t> choose_heldout_documents(std::size_t n_docs, double fraction,
                                                  std::uint64_t seed);

/// The score of the held-out halves.
struct CompletionScore {
  double log_likelihood = 0;    ///< sum over held-out tokens of log p(w | observed half), nats
  double n_tokens = 0;          ///< held-out tokens scored
  std::size_t n_documents = 0;  ///< documents with at least one held-out token
  double perplexity() const;    ///< exp(-log_likelihood / n_tokens); NaN without tokens
  double per_token() const;     ///< log_likelihood / n_tokens
};

/// Scores `heldout` (one document per column of `gamma`, K x D) under E[theta_d] = gamma_d / sum
/// and the row-stochastic topics `beta` (K x V, e.g. topic_word_distributions); UsageError when
/// the shapes disagree. The result does not depend on n_threads.
CompletionScore score_heldout(const arma::mat& beta, const arma::mat& gamma, const Corpus& heldout,
                              int n_threads = 0);

/// Document completion in one call: folds `split.observed` into `model` with `estep`, scores
/// `split.heldout`.
CompletionScore document_completion(const LdaModel& model, const CompletionSplit& split,
                                    const EstepOptions& estep, int n_threads = 0);

}  // namespace tmkit
