#include "tmkit/lda/inference.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"

namespace tmkit {
namespace {
constexpr std::size_t kDocsPerBlock = 64;
}  // namespace

arma::mat Inference::theta() const {
  arma::mat theta = gamma;  // K x D
  theta.each_row() /= arma::sum(theta, 0);
  return theta.t();
}

Inference infer_documents(const Corpus& corpus, const TopicExpectations& topics,
                          const arma::vec& alpha, const EstepOptions& estep, int n_threads,
                          const WorkHooks& hooks, const arma::mat* previous_gamma) {
  const std::size_t n_topics = topics.n_topics();
  if (alpha.n_elem != n_topics || corpus.n_words() > topics.n_words()) {
    throw UsageError("infer_documents: the corpus or alpha does not match the topics' shape");
  }
  if (previous_gamma &&
      (previous_gamma->n_rows != n_topics || previous_gamma->n_cols != corpus.n_docs())) {
    throw UsageError(
        "infer_documents: the previous gamma is " + std::to_string(previous_gamma->n_rows) + " x " +
        std::to_string(previous_gamma->n_cols) + "; expected K x D = " + std::to_string(n_topics) +
        " x " + std::to_string(corpus.n_docs()));
  }
  const DocumentPrior prior(alpha);
  const EstepOptions& options = estep;
  Inference result;
  result.gamma.set_size(n_topics, corpus.n_docs());
  result.elbo.set_size(corpus.n_docs());
  result.iterations.assign(corpus.n_docs(), 0);
  std::vector<unsigned char> converged(corpus.n_docs(), 0);
  const BlockPartition blocks{corpus.n_docs(), kDocsPerBlock};
  for_each_block_ordered(
      blocks, n_threads, [] { return EstepWorkspace{}; },
      [&](std::size_t b, EstepWorkspace& ws) {
        hooks.poll();
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = corpus.doc(d);
          const double* previous = previous_gamma ? previous_gamma->colptr(d) : nullptr;
          const FoldIn fit = fold_in_document(doc, topics, prior, previous, /*refine=*/false,
                                              result.gamma.colptr(d), ws, options);
          result.elbo[d] = fit.elbo;
          result.iterations[d] = fit.iterations;
          result.n_kept_previous += fit.kept == FoldIn::Start::previous;
          converged[d] = fit.converged || options.max_iter == 0;
        }
      },
      [&](std::size_t b, EstepWorkspace&) { hooks.progress(blocks.end(b), corpus.n_docs()); });
  result.n_not_converged =
      static_cast<std::size_t>(std::count(converged.begin(), converged.end(), 0));
  return result;
}

Inference infer_documents(const Corpus& corpus, const LdaModel& model, const EstepOptions& estep,
                          int n_threads, const WorkHooks& hooks, const arma::mat* previous_gamma) {
  if (corpus.n_words() != model.n_words()) {
    throw UsageError("infer_documents: the corpus has " + std::to_string(corpus.n_words()) +
                     " words and the model " + std::to_string(model.n_words()) +
                     "; map the corpus onto the model's vocabulary first");
  }
  return infer_documents(corpus, topic_expectations(model.lambda, n_threads), model.alpha, estep,
                         n_threads, hooks, previous_gamma);
}

Corpus map_onto_vocabulary(const Corpus& corpus, const std::vector<std::string>& vocab,
                           VocabularyMapping* mapping) {
  std::unordered_map<std::string, WordId> index;
  index.reserve(vocab.size());
  for (std::size_t w = 0; w < vocab.size(); ++w) index.emplace(vocab[w], static_cast<WordId>(w));
  // target[w] for each word of the corpus; V (out of range) marks an unknown word.
  const auto unknown = static_cast<WordId>(vocab.size());
  std::vector<WordId> target(corpus.n_words(), unknown);
  for (std::size_t w = 0; w < corpus.n_words(); ++w) {
    const auto found = index.find(corpus.vocab()[w]);
    if (found != index.end()) target[w] = found->second;
  }
  VocabularyMapping local;
  std::vector<std::uint64_t> unknown_tokens(corpus.n_words(), 0);
  Corpus mapped(vocab);
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const DocView doc = corpus.doc(d);
    entries.clear();
    for (std::size_t i = 0; i < doc.n; ++i) {
      // The report counts tokens; a weighted corpus's weights are rounded for it.
      const auto tokens = static_cast<std::uint64_t>(std::llround(doc.counts[i]));
      local.n_tokens += tokens;
      if (target[doc.ids[i]] == unknown) {
        unknown_tokens[doc.ids[i]] += tokens;
        local.n_unknown_tokens += tokens;
      } else {
        entries.emplace_back(target[doc.ids[i]], doc.counts[i]);
      }
    }
    mapped.add_document(entries, corpus.doc_ids()[d], corpus.labels()[d]);
  }
  if (mapping) {
    local.n_unknown_words = static_cast<std::size_t>(
        std::count_if(unknown_tokens.begin(), unknown_tokens.end(), [](auto n) { return n > 0; }));
    for (std::size_t w = 0; w < corpus.n_words(); ++w) {
      if (unknown_tokens[w] > 0)
        local.unknown_words.emplace_back(corpus.vocab()[w], unknown_tokens[w]);
    }
    std::stable_sort(local.unknown_words.begin(), local.unknown_words.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    *mapping = std::move(local);
  }
  return mapped;
}

Corpus read_corpus_for_model(const std::string& path, const CorpusReadOptions& options,
                             const std::vector<std::string>& vocab, VocabularyMapping* mapping) {
  const CorpusFormat format =
      options.format == CorpusFormat::automatic ? detect_corpus_format(path) : options.format;
  if (format == CorpusFormat::text || format == CorpusFormat::text_dir) {
    const std::vector<TextDocument> texts = read_text_documents(path, format, options.columns);
    TextImportReport report;
    Corpus corpus =
        corpus_from_texts_with_vocab(texts, Tokenizer(options.tokenizer), vocab, &report);
    if (mapping) {
      *mapping = VocabularyMapping{};
      mapping->n_tokens = report.n_tokens;
      mapping->n_unknown_tokens = report.n_unknown_tokens;
      mapping->n_unknown_words = report.n_unknown_types;
    }
    return corpus;
  }
  CorpusReadOptions read = options;
  read.format = format;
  read.keep_empty = true;
  return map_onto_vocabulary(read_corpus(path, read), vocab, mapping);
}

}  // namespace tmkit
