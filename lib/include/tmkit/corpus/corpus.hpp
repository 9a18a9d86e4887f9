// An in-memory bag-of-words corpus: per document, its distinct word ids (sorted) and their counts,
// stored as one compressed-sparse-row array, plus the vocabulary and optional document ids and
// labels. The arrays are the corpus's own, or (Corpus::view) someone else's, such as a scipy CSR
// matrix's, read in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tmkit {

/// Word ids index the vocabulary; 32 bits hold any vocabulary tmkit is meant for (V < 2^32).
using WordId = std::uint32_t;
/// Occurrences of a word in a document: a whole number >= 1 in every corpus read from a file, any
/// positive finite weight in one built by a program (scikit-learn's estimators accept tf-idf
/// weights). Held as double: the E-step computes in double, and a whole count is exact up to 2^53.
using Count = double;
/// The largest count a corpus file may hold (the .tmc format stores counts in 32 bits).
constexpr double kMaxFileCount = 4294967295.0;

/// One document of a Corpus, viewed without copying: `n` distinct word ids in increasing order and
/// their counts.
struct DocView {
  const WordId* ids = nullptr;    ///< n word ids, strictly increasing, each < V
  const Count* counts = nullptr;  ///< n counts, each > 0
  std::size_t n = 0;              ///< number of distinct words

  /// Total number of tokens, sum of counts.
  double n_tokens() const noexcept;
};

/// A bag-of-words corpus in compressed sparse rows: document d owns entries
/// [offsets[d], offsets[d+1]) of `ids` and `counts`.
class Corpus {
 public:
  Corpus() = default;
  /// An empty corpus over the given vocabulary.
  explicit Corpus(std::vector<std::string> vocab);

  Corpus(const Corpus& other);
  Corpus(Corpus&& other) noexcept;
  Corpus& operator=(const Corpus& other);
  Corpus& operator=(Corpus&& other) noexcept;
  ~Corpus() = default;

  /// A corpus over `n_docs` documents in arrays the caller owns, read in place (no copy): document
  /// d holds entries [offsets[d], offsets[d+1]) of `ids` and `counts`. The arrays must outlive the
  /// corpus and stay unchanged. Checks everything (offsets increasing from 0, ids strictly
  /// increasing within a document and < V, counts positive and finite) and throws UsageError
  /// naming the first problem. Documents cannot be added to a view.
  static Corpus view(std::vector<std::string> vocab, const std::size_t* offsets, std::size_t n_docs,
                     const WordId* ids, const Count* counts);

  /// Appends a document given as (word id, count) pairs in any order; repeated ids are summed,
  /// zero counts dropped. Throws UsageError for an id >= V, a negative or non-finite count, or a
  /// corpus that is a view.
  void add_document(std::vector<std::pair<WordId, Count>> entries, std::string id = {},
                    std::string label = {});

  std::size_t n_docs() const noexcept { return n_docs_; }
  std::size_t n_words() const noexcept { return vocab_.size(); }
  std::size_t n_nonzeros() const noexcept { return offsets_p_[n_docs_]; }
  /// Total number of tokens in the corpus (the sum of its counts).
  double n_tokens() const noexcept { return n_tokens_; }
  /// True when every count is a whole number (always so for a corpus read from a file).
  bool whole_counts() const noexcept { return whole_counts_; }
  /// True when the arrays belong to someone else (Corpus::view).
  bool is_view() const noexcept { return !owned_; }

  DocView doc(std::size_t d) const noexcept {
    const std::size_t begin = offsets_p_[d];
    return {ids_p_ + begin, counts_p_ + begin, offsets_p_[d + 1] - begin};
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
  std::vector<double> word_totals() const;

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
  void bind() noexcept;  ///< points the views below at the owned arrays (unless a view)

  std::vector<std::size_t> offsets_{0};             ///< D + 1 entry offsets (owned corpus)
  std::vector<WordId> ids_;                         ///< nnz word ids, increasing within a document
  std::vector<Count> counts_;                       ///< nnz counts, each > 0
  bool owned_ = true;                               ///< the arrays are the three above
  const std::size_t* offsets_p_ = offsets_.data();  ///< the arrays read (owned or not)
  const WordId* ids_p_ = nullptr;
  const Count* counts_p_ = nullptr;
  std::size_t n_docs_ = 0;
  std::vector<std::string> vocab_;    ///< V words
  std::vector<std::string> doc_ids_;  ///< D ids ("" when unknown)
  std::vector<std::string> labels_;   ///< D labels ("" when unknown)
  double n_tokens_ = 0;               ///< sum of counts
  bool whole_counts_ = true;          ///< every count is a whole number
};

/// Throws UsageError unless every count of `corpus` is a whole number a corpus file can hold
/// (at most kMaxFileCount), as writing it to a file requires.
void require_file_counts(const Corpus& corpus);

}  // namespace tmkit
