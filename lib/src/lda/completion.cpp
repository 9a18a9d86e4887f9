#include "tmkit/lda/completion.hpp"

#include <cmath>
#include <limits>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/lda/inference.hpp"

namespace tmkit {
namespace {
constexpr std::size_t kDocsPerBlock = 256;

// A uniform double in [0, 1) from the top 53 bits of one draw: the same on every platform.
double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
}  // namespace

CompletionSplit split_documents(const Corpus& corpus, std::uint64_t seed) {
  if (!corpus.whole_counts()) {
    throw UsageError(
        "document completion splits whole tokens; the corpus holds counts that are "
        "not whole numbers");
  }
  CompletionSplit split{Corpus(corpus.vocab()), Corpus(corpus.vocab())};
  std::vector<std::pair<WordId, Count>> observed, heldout;
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const DocView doc = corpus.doc(d);
    auto left = static_cast<std::uint64_t>(doc.n_tokens());
    std::uint64_t to_hold = left / 2;
    Rng rng = make_rng(seed, d);
    observed.clear();
    heldout.clear();
    // Selection sampling (Knuth, TAOCP 3.4.2, Algorithm S): each token is held out with probability
    // (tokens still to hold out) / (tokens left), which picks a uniform subset of exactly
    // floor(N/2).
    for (std::size_t i = 0; i < doc.n; ++i) {
      const auto count = static_cast<std::uint64_t>(doc.counts[i]);
      std::uint64_t held = 0;
      for (std::uint64_t c = 0; c < count; ++c, --left) {
        if (to_hold > 0 &&
            uniform01(rng) * static_cast<double>(left) < static_cast<double>(to_hold)) {
          ++held;
          --to_hold;
        }
      }
      if (held > 0) heldout.emplace_back(doc.ids[i], static_cast<Count>(held));
      if (held < count) observed.emplace_back(doc.ids[i], static_cast<Count>(count - held));
    }
    split.observed.add_document(observed, corpus.doc_ids()[d], corpus.labels()[d]);
    split.heldout.add_document(heldout, corpus.doc_ids()[d], corpus.labels()[d]);
  }
  return split;
}

std::vector<std::size_t> choose_heldout_documents(std::size_t n_docs, double fraction,
                                                  std::uint64_t seed) {
  // A stream family of its own (the seed mixed with a constant), unrelated to the splits' streams.
  constexpr std::uint64_t kSliceStreams = 0x68656c646f7574ULL;  // "heldout"
  std::vector<std::size_t> chosen;
  for (std::size_t d = 0; d < n_docs; ++d) {
    Rng rng = make_rng(seed ^ kSliceStreams, d);
    if (uniform01(rng) < fraction) chosen.push_back(d);
  }
  return chosen;
}

double CompletionScore::perplexity() const {
  if (n_tokens == 0) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(-per_token());
}

double CompletionScore::per_token() const {
  if (n_tokens == 0) return std::numeric_limits<double>::quiet_NaN();
  return log_likelihood / n_tokens;
}

CompletionScore score_heldout(const arma::mat& beta, const arma::mat& gamma, const Corpus& heldout,
                              int n_threads) {
  const std::size_t n_topics = beta.n_rows;
  if (gamma.n_rows != n_topics || gamma.n_cols != heldout.n_docs() ||
      heldout.n_words() > beta.n_cols) {
    throw UsageError(
        "score_heldout: gamma, the topics and the held-out documents disagree in shape");
  }
  struct Partial {
    std::vector<double> theta;
    double log_likelihood = 0;
    double tokens = 0;
    std::size_t documents = 0;
  };
  CompletionScore score;
  const BlockPartition blocks{heldout.n_docs(), kDocsPerBlock};
  for_each_block_ordered(
      blocks, n_threads,
      [&] {
        return Partial{std::vector<double>(n_topics), 0, 0, 0};
      },
      [&](std::size_t b, Partial& p) {
        p.log_likelihood = 0;
        p.tokens = 0;
        p.documents = 0;
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = heldout.doc(d);
          if (doc.n == 0) continue;
          const double* g = gamma.colptr(d);
          double sum = 0;
          for (std::size_t k = 0; k < n_topics; ++k) sum += g[k];
          for (std::size_t k = 0; k < n_topics; ++k) p.theta[k] = g[k] / sum;
          for (std::size_t i = 0; i < doc.n; ++i) {
            const double* column = beta.colptr(doc.ids[i]);
            double prob = 0;
            for (std::size_t k = 0; k < n_topics; ++k) prob += p.theta[k] * column[k];
            p.log_likelihood += doc.counts[i] * std::log(prob);
            p.tokens += doc.counts[i];
          }
          ++p.documents;
        }
      },
      [&](std::size_t, Partial& p) {
        score.log_likelihood += p.log_likelihood;
        score.n_tokens += p.tokens;
        score.n_documents += p.documents;
      });
  return score;
}

CompletionScore document_completion(const LdaModel& model, const CompletionSplit& split,
                                    const EstepOptions& estep, int n_threads) {
  if (split.observed.n_docs() != split.heldout.n_docs()) {
    throw UsageError("document_completion: the observed and held-out halves hold " +
                     std::to_string(split.observed.n_docs()) + " and " +
                     std::to_string(split.heldout.n_docs()) + " documents; expected the same");
  }
  const Inference observed = infer_documents(split.observed, model, estep, n_threads);
  return score_heldout(topic_word_distributions(model), observed.gamma, split.heldout, n_threads);
}

}  // namespace tmkit
