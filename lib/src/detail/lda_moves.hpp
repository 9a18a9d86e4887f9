// Merge-split moves for batch variational LDA: a way out of the local optimum in which one fitted
// topic covers two true topics while two fitted topics share a third. Coordinate ascent cannot
// leave it (each step only increases the ELBO, and the way out goes downhill first), so tmkit
// proposes the jump directly: merge the two most redundant topics, split the topic that looks most
// like a mixture into the freed slot, refit, and keep the result only if its ELBO is higher
// (in the spirit of the merge and birth moves of Bryant & Sudderth 2012 and Hughes, Kim &
// Sudderth 2015). Rejected proposals cost passes, never ELBO.
#pragma once

#include <armadillo>
#include <cstddef>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

/// A topic that looks like a mixture of two: a two-component mixture of multinomials fitted (EM,
/// from two SPA seeds) to the topic's sub-documents (what the topic explains of each document,
/// n_dw phi_dwk rounded to whole tokens) explains them better than one multinomial by
/// `gain_per_token` nats per token.
struct SplitProposal {
  std::size_t topic = 0;
  double gain_per_token = 0;
  arma::vec share_a;  ///< V, fraction of each word's count in the topic that goes to the first part
};

/// Two topics to merge: `drop` is folded into `keep`.
struct MergeProposal {
  std::size_t keep = 0;
  std::size_t drop = 0;
  double score =
      0;  ///< information lost (nats) for a word-side merge; usage cosine for a doc-side one
};

/// Split candidates, best first, with gain_per_token >= min_gain. A topic's sub-documents are
/// taken from every document it explains at least 2 tokens of (not only from the documents it
/// dominates, which a prior alpha >= 1/K makes rare); topics with fewer than 2 are not candidates.
/// Under a Communicator of several ranks, `corpus` and model.gamma hold this rank's documents and
/// every rank returns the same list.
std::vector<SplitProposal> rank_splits(const Corpus& corpus, const LdaModel& model, double min_gain,
                                       int n_threads, Communicator& comm = single_process());

/// Merge candidates by the information lost when merging the topics' expected word counts
/// c_k = lambda_k - eta: (N_i + N_j) JS_pi(c_i/N_i, c_j/N_j) with pi ∝ (N_i, N_j) (Slonim & Tishby
/// 1999), smallest first: two topics that took the same words.
std::vector<MergeProposal> rank_word_merges(const LdaModel& model, int n_threads);

/// Merge candidates by the cosine of the two topics' use across documents (columns of E[theta]),
/// largest first: two topics that took the same documents.
/// model.gamma: this rank's documents under a Communicator of several ranks.
std::vector<MergeProposal> rank_usage_merges(const LdaModel& model, int n_threads,
                                             Communicator& comm = single_process());

/// The state after merging `merge.drop` into `merge.keep` and splitting `split.topic` between
/// itself and the freed slot; every document's gamma restarts from the neutral point, which lets
/// documents choose afresh and leads to better optima than carrying their old shares over
/// (measured). For a learned asymmetric alpha the merged entries add and the split one halves
/// (Dirichlet aggregation).
LdaModel propose_merge_split(const Corpus& corpus, const LdaModel& model,
                             const MergeProposal& merge, const SplitProposal& split);

}  // namespace tmkit
