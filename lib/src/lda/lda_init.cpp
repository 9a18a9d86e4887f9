#include "tmkit/lda/lda_init.hpp"

#include <algorithm>
#include <armadillo>
#include <cmath>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/names.hpp"

namespace tmkit {
namespace {
constexpr std::size_t kDocsPerTask = 512;   // projection updates per parallel task
constexpr double kMinLengthOfMedian = 0.5;  // candidates hold at least half the median length
}  // namespace

namespace {
constexpr Named<InitMethod> kInitMethods[] = {{InitMethod::spa, "spa"},
                                              {InitMethod::random, "random"}};
}  // namespace

InitMethod parse_init_method(const std::string& name) {
  return parse_named(kInitMethods, name, "init", "an initialisation");
}

std::string init_method_name(InitMethod method) { return name_of(kInitMethods, method); }

std::vector<std::size_t> spa_seed_documents(const Corpus& corpus, std::size_t n_topics,
                                            int n_threads) {
  std::vector<std::size_t> all(corpus.n_docs());
  for (std::size_t d = 0; d < all.size(); ++d) all[d] = d;
  return spa_seed_documents(corpus, all, n_topics, n_threads);
}

std::vector<std::size_t> spa_seed_documents(const Corpus& corpus,
                                            const std::vector<std::size_t>& candidates,
                                            std::size_t n_topics, int n_threads) {
  std::vector<std::size_t> docs;
  for (const SpaSeed& seed : spa_seeds(corpus, candidates, n_topics, n_threads, single_process())) {
    docs.push_back(seed.doc);
  }
  return docs;
}

std::vector<SpaSeed> spa_seeds(const Corpus& corpus, const std::vector<std::size_t>& candidates,
                               std::size_t n_topics, int n_threads, Communicator& comm,
                               bool allow_fewer) {
  const std::size_t n_candidates = candidates.size();
  if (comm.sum(std::uint64_t{n_candidates}) == 0) throw UsageError("SPA: no candidate documents");
  std::vector<double> length(n_candidates);
  for (std::size_t c = 0; c < n_candidates; ++c) {
    length[c] = static_cast<double>(corpus.doc(candidates[c]).n_tokens());
  }
  // The median over every rank's candidates.
  std::vector<double> sorted = comm.all_gather(length);
  const auto middle = sorted.begin() + static_cast<long>(sorted.size() / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  // Whole counts are tokens: a seed needs two of them for the unbiased norm below. A weighted
  // corpus (fractional counts) has no tokens to count; any document of positive weight may seed,
  // with the plain squared norm of its proportions.
  const bool whole = corpus.whole_counts();
  const double min_length =
      whole ? std::max(2.0, kMinLengthOfMedian * *middle) : kMinLengthOfMedian * *middle;

  // residual[c] = ||p_c||^2 (unbiased for token counts) - sum_j (p_c . u_j)^2 over the orthonormal
  // basis u_j of the seeds so far; -inf for documents that may not be chosen.
  std::vector<double> residual(n_candidates, -HUGE_VAL);
  for (std::size_t c = 0; c < n_candidates; ++c) {
    if (length[c] < min_length || !(length[c] > 0)) continue;
    const DocView doc = corpus.doc(candidates[c]);
    double sum_squares = 0.0;
    for (std::size_t i = 0; i < doc.n; ++i)
      sum_squares += static_cast<double>(doc.counts[i]) * doc.counts[i];
    residual[c] = whole ? (sum_squares - length[c]) / (length[c] * (length[c] - 1.0))
                        : sum_squares / (length[c] * length[c]);
  }
  std::vector<SpaSeed> seeds;
  std::vector<arma::vec> basis;
  const BlockPartition blocks{n_candidates, kDocsPerTask};
  while (seeds.size() < n_topics) {
    // The largest residual, the first in document order on a tie: the lowest rank's, then the
    // first of its candidates.
    const auto local_best = static_cast<std::size_t>(
        std::max_element(residual.begin(), residual.end()) - residual.begin());
    const std::vector<double> bests =
        comm.all_gather({n_candidates > 0 ? residual[local_best] : -HUGE_VAL});
    const int owner =
        static_cast<int>(std::max_element(bests.begin(), bests.end()) - bests.begin());
    if (bests[static_cast<std::size_t>(owner)] == -HUGE_VAL) {
      if (allow_fewer) break;  // the same on every rank: bests is every rank's
      throw OptionError(
          "k", std::to_string(n_topics) + " topics but only " + std::to_string(seeds.size()) +
                   " documents can seed them; use fewer topics or the random initialisation");
    }
    SpaSeed seed;
    seed.counts.zeros(corpus.n_words());
    if (comm.rank() == owner) {
      seed.doc = candidates[local_best];
      const DocView doc = corpus.doc(seed.doc);
      for (std::size_t i = 0; i < doc.n; ++i) seed.counts[doc.ids[i]] = doc.counts[i];
      residual[local_best] = -HUGE_VAL;
    }
    comm.broadcast(seed.counts.memptr(), seed.counts.n_elem * sizeof(double), owner);
    arma::vec u = seed.counts / arma::accu(seed.counts);
    seeds.push_back(std::move(seed));
    for (const arma::vec& b : basis) u -= arma::dot(u, b) * b;  // Gram-Schmidt, in seed order
    const double norm = arma::norm(u);
    if (!(norm > 0.0)) continue;  // a repeat of earlier seeds adds no direction
    u /= norm;
    for_each_block(blocks, n_threads, [&](std::size_t b) {
      for (std::size_t c = blocks.begin(b); c < blocks.end(b); ++c) {
        if (residual[c] == -HUGE_VAL) continue;
        const DocView doc = corpus.doc(candidates[c]);
        double dot = 0.0;
        for (std::size_t i = 0; i < doc.n; ++i) dot += doc.counts[i] * u[doc.ids[i]];
        dot /= length[c];
        residual[c] -= dot * dot;
      }
    });
    basis.push_back(std::move(u));
  }
  return seeds;
}

}  // namespace tmkit
