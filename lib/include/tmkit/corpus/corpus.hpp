// An in-memory bag-of-words corpus: per document, its distinct word ids (sorted) and their counts,
// stored as one compressed-sparse-row array, plus the vocabulary and optional document ids and
// labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tmkit {

/// Word ids index the vocabulary; 32 bits hold any vocabulary tmkit is meant for (V < 2^32).
using WordId = std::uint32_t;
/// Occurrences of a word in a document; always >= 1 in a Corpus.
using Count = std::uint32_t;

/// One document of a Corpus, viewed without copying: `n` distinct word ids in increasing order and
/// their counts.
struct DocView {
  const WordId* ids = nullptr;    ///< n word ids, strictly increasing, each < V
  const Count* counts = nullptr;  ///< n counts, each >= 1
  std::size_t n = 0;              ///< number of distinct words

  /// Total number of tokens, sum of counts.
  std::uint64_t n_tokens() const noexcept;
};

/// A bag-of-words corpus in compressed sparse rows: document d owns entries
/// [offsets[d], offsets[d+1]) of `ids` and `counts`.
class Corpus {
 public:
  Corpus() = default;
  /// An empty corpus over the given vocabulary.
  explicit Corpus(std::vector<std::string> vocab);

  /// Appends a document given as (word id, count) pairs in any order; repeated ids are summed,
  /// zero counts dropped. Throws UsageError for an id >= V or a count sum over 2^32 - 1.
  void add_document(std::vector<std::pair<WordId, Count>> entries, std::string id = {},
                    std::string label = {});

  std::size_t n_docs() const noexcept { return offsets_.size() - 1; }
  std::size_t n_words() const noexcept { return vocab_.size(); }
  std::size_t n_nonzeros() const noexcept { return ids_.size(); }
  /// Total number of tokens in the corpus.
  std::uint64_t n_tokens() const noexcept { return n_tokens_; }

  DocView doc(std::size_t d) const noexcept {
    const std::size_t begin = offsets_[d];
    return {ids_.data() + begin, counts_.data() + begin, offsets_[d + 1] - begin};
  }

  const std::vector<std::string>& vocab() const noexcept { return vocab_; }
  /// Document ids, one per document ("" where the input had none).
  const std::vector<std::string>& doc_ids() const noexcept { return doc_ids_; }
  /// Document labels, one per document ("" where the input had none).
  const std::vector<std::string>& labels() const noexcept { return labels_; }
  /// True when at least one document has a non-empty label.
  bool has_labels() const noexcept;

  /// Replaces the ids or the labels (one per document); UsageError otherwise.
  void set_doc_ids(std::vector<std::string> ids);
  void set_labels(std::vector<std::string> labels);

  /// Number of documents in which each word occurs (length V).
  std::vector<std::uint32_t> document_frequencies() const;
  /// Total count of each word over the corpus (length V).
  std::vector<std::uint64_t> word_totals() const;

  /// Index of the first empty document, or n_docs() when every document has a word.
  std::size_t first_empty_document() const noexcept;

  /// The documents `docs` (indices, in the order given) with their ids and labels, over the same
  /// vocabulary; UsageError for an index out of range.
  Corpus select_documents(const std::vector<std::size_t>& docs) const;

  /// SHA-256 (hex) of the corpus content in a canonical form (V, the vocabulary, and every
  /// document's ids and counts): two corpora with the same fingerprint hold the same data, whatever
  /// file format they were read from. Ids and labels are not part of it.
  std::string fingerprint() const;

 private:
  std::vector<std::size_t> offsets_{0};  ///< D + 1 entry offsets
  std::vector<WordId> ids_;              ///< nnz word ids, increasing within a document
  std::vector<Count> counts_;            ///< nnz counts, each >= 1
  std::vector<std::string> vocab_;       ///< V words
  std::vector<std::string> doc_ids_;     ///< D ids ("" when unknown)
  std::vector<std::string> labels_;      ///< D labels ("" when unknown)
  std::uint64_t n_tokens_ = 0;           ///< sum of counts
};

}  // namespace tmkit
