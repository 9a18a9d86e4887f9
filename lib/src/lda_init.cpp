#include "tmkit/lda_init.hpp"

#include <algorithm>
#include <armadillo>
#include <cmath>

#include "tmkit/blocks.hpp"
#include "tmkit/error.hpp"

namespace tmkit {
namespace {
constexpr std::size_t kDocsPerTask = 512;   // projection updates per parallel task
constexpr double kMinLengthOfMedian = 0.5;  // candidates hold at least half the median length
}  // namespace

InitMethod parse_init_method(const std::string& name) {
  if (name == "spa") return InitMethod::spa;
  if (name == "random") return InitMethod::random;
  throw UsageError("--init: \"" + name + "\" is not an initialisation; expected spa or random");
}

std::string init_method_name(InitMethod method) {
  return method == InitMethod::spa ? "spa" : "random";
}

std::vector<std::size_t> spa_seed_documents(const Corpus& corpus, std::size_t n_topics,
                                            int n_threads) {
  std::vector<std::size_t> all(corpus.n_docs());
  for (std::size_t d = 0; d < all.size(); ++d) all[d] = d;
  return spa_seed_documents(corpus, all, n_topics, n_threads);
}

std::vector<std::size_t> spa_seed_documents(const Corpus& corpus,
                                            const std::vector<std::size_t>& candidates,
                                            std::size_t n_topics, int n_threads) {
  const std::size_t n_candidates = candidates.size();
  if (n_candidates == 0) throw UsageError("SPA: no candidate documents");
  std::vector<double> length(n_candidates);
  for (std::size_t c = 0; c < n_candidates; ++c) {
    length[c] = static_cast<double>(corpus.doc(candidates[c]).n_tokens());
  }
  std::vector<double> sorted = length;
  const auto middle = sorted.begin() + static_cast<long>(n_candidates / 2);
  std::nth_element(sorted.begin(), middle, sorted.end());
  const double min_length = std::max(2.0, kMinLengthOfMedian * *middle);

  // residual[c] = ||p_c||^2 (unbiased) - sum_j (p_c . u_j)^2 over the orthonormal basis u_j of the
  // seeds so far; -inf for documents that may not be chosen.
  std::vector<double> residual(n_candidates, -HUGE_VAL);
  for (std::size_t c = 0; c < n_candidates; ++c) {
    if (length[c] < min_length) continue;
    const DocView doc = corpus.doc(candidates[c]);
    double sum_squares = 0.0;
    for (std::size_t i = 0; i < doc.n; ++i)
      sum_squares += static_cast<double>(doc.counts[i]) * doc.counts[i];
    residual[c] = (sum_squares - length[c]) / (length[c] * (length[c] - 1.0));
  }
  std::vector<std::size_t> seeds;
  std::vector<arma::vec> basis;
  const BlockPartition blocks{n_candidates, kDocsPerTask};
  while (seeds.size() < n_topics) {
    const auto best = static_cast<std::size_t>(std::max_element(residual.begin(), residual.end()) -
                                               residual.begin());
    if (residual[best] == -HUGE_VAL) {
      throw UsageError("-k: " + std::to_string(n_topics) + " topics but only " +
                       std::to_string(seeds.size()) +
                       " documents can seed them; use fewer topics or --init random");
    }
    seeds.push_back(candidates[best]);
    arma::vec u(corpus.n_words(), arma::fill::zeros);
    const DocView seed = corpus.doc(candidates[best]);
    for (std::size_t i = 0; i < seed.n; ++i) u[seed.ids[i]] = seed.counts[i] / length[best];
    for (const arma::vec& b : basis) u -= arma::dot(u, b) * b;  // Gram-Schmidt, in seed order
    const double norm = arma::norm(u);
    residual[best] = -HUGE_VAL;
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
