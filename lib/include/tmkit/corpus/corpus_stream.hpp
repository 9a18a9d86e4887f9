// Documents read from disk a mini-batch at a time, for fits whose corpus need not fit in memory
// (online VB). A .tmc file is served from its memory map. UCI, lda-c and MatrixMarket files are
// streamed: the whole file is checked once when
// the stream opens (every line, as the in-memory readers check it), then each pass re-reads it in
// order, holding one batch. UCI and MatrixMarket entries must come grouped by document in
// increasing order, as the UCI files and every writer (tmkit's, gensim's) produce them. A corpus
// already in memory (raw text, tokenized on reading) can be served through the same interface.
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/tmc.hpp"
#include "tmkit/io/input_file.hpp"

namespace tmkit {

/// A few consecutive documents, in compressed sparse rows like Corpus but without a vocabulary.
struct DocumentBatch {
  std::size_t first = 0;                ///< index of the first document in the corpus
  std::vector<std::size_t> offsets{0};  ///< n_docs + 1
  std::vector<WordId> ids;              ///< increasing within a document
  std::vector<Count> counts;

  std::size_t n_docs() const noexcept { return offsets.size() - 1; }
  DocView doc(std::size_t i) const noexcept {
    return {ids.data() + offsets[i], counts.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
  void clear(std::size_t first_doc);
  /// Appends a document; `entries` need not be sorted (repeated ids are summed).
  void add(std::vector<std::pair<WordId, Count>>& entries);
  /// Appends a document that is already in Corpus form.
  void append(const DocView& doc);
  /// Appends a document as a .tmc file stores it.
  void append(const TmcDocView& doc);
};

/// Documents in order, a batch at a time, pass after pass.
class DocumentSource {
 public:
  virtual ~DocumentSource() = default;
  virtual std::size_t n_docs() const = 0;
  virtual double n_tokens() const = 0;
  virtual const std::vector<std::string>& vocab() const = 0;
  /// Document ids and labels, one "id<TAB>label" line per document (labels may be empty), in
  /// order; read lazily, so a stream never holds all of them.
  virtual std::string doc_table_line(std::size_t d) = 0;
  /// Fills `batch` with the next up to `max_docs` documents; false (batch empty) at the end.
  virtual bool next(std::size_t max_docs, DocumentBatch& batch) = 0;
  /// Moves past the next up to `max_docs` documents like next(), but fills `batch` with only the
  /// documents [part_first, part_last) of them (counted from the first of them; batch.first is
  /// the corpus index of document part_first): one rank's part of a mini-batch spread over ranks.
  /// False at the end. This default reads the whole batch; a .tmc source reads only the part.
  virtual bool next_part(std::size_t max_docs, std::size_t part_first, std::size_t part_last,
                         DocumentBatch& batch);
  /// Back to the first document.
  virtual void rewind() = 0;
  /// Skips to document `d` (for a resumed fit): rewinds, then reads past d documents.
  void seek(std::size_t d);
  /// Identifies the content: Corpus::fingerprint() in memory, "file-sha256:HEX" for a stream.
  virtual std::string fingerprint() const = 0;
};

/// Serves an in-memory corpus.
class CorpusSource : public DocumentSource {
 public:
  explicit CorpusSource(const Corpus& corpus) : corpus_(corpus) {}
  std::size_t n_docs() const override { return corpus_.n_docs(); }
  double n_tokens() const override { return corpus_.n_tokens(); }
  const std::vector<std::string>& vocab() const override { return corpus_.vocab(); }
  std::string doc_table_line(std::size_t d) override;
  bool next(std::size_t max_docs, DocumentBatch& batch) override;
  void rewind() override { next_ = 0; }
  std::string fingerprint() const override { return corpus_.fingerprint(); }

 private:
  const Corpus& corpus_;
  std::size_t next_ = 0;
};

/// Streams a UCI, lda-c or MatrixMarket file. Opening it reads the whole file once to check it
/// (InputError with file and line for anything the in-memory reader would refuse, and for entries
/// out of document order) and to count documents and tokens; memory stays O(V + batch).
class FileCorpusStream : public DocumentSource {
 public:
  FileCorpusStream(const std::string& path, const CorpusReadOptions& options);
  ~FileCorpusStream() override;
  std::size_t n_docs() const override { return n_docs_; }
  double n_tokens() const override { return n_tokens_; }
  const std::vector<std::string>& vocab() const override { return vocab_; }
  std::string doc_table_line(std::size_t d) override;
  bool next(std::size_t max_docs, DocumentBatch& batch) override;
  void rewind() override;
  std::string fingerprint() const override { return fingerprint_; }
  CorpusFormat format() const noexcept { return format_; }

 private:
  struct Parser;
  std::string path_;
  CorpusFormat format_;
  std::vector<std::string> vocab_;
  std::size_t n_docs_ = 0;
  double n_tokens_ = 0;
  std::string fingerprint_;
  std::unique_ptr<Parser> parser_;
  std::string docs_path_;            ///< "id<TAB>label" table beside the corpus, "" when none
  std::unique_ptr<InputFile> docs_;  ///< the table, read forward as documents are asked for
  std::size_t docs_next_ = 0;
};

/// Serves a .tmc file from its memory map: a batch copies its documents out of the map, checking
/// each block of the file the first time it is read (tmc.hpp). Opening costs O(D + V), whatever
/// the number of tokens.
class TmcSource : public DocumentSource {
 public:
  TmcSource(const std::string& path, const CorpusReadOptions& options);
  std::size_t n_docs() const override { return file_.n_docs(); }
  double n_tokens() const override { return static_cast<double>(file_.n_tokens()); }
  const std::vector<std::string>& vocab() const override { return file_.vocab(); }
  std::string doc_table_line(std::size_t d) override;
  bool next(std::size_t max_docs, DocumentBatch& batch) override;
  bool next_part(std::size_t max_docs, std::size_t part_first, std::size_t part_last,
                 DocumentBatch& batch) override;
  void rewind() override { next_ = 0; }
  std::string fingerprint() const override { return file_.fingerprint(); }
  TmcFile& file() noexcept { return file_; }

 private:
  TmcFile file_;
  bool keep_empty_ = false;
  std::size_t next_ = 0;
};

/// A stream over a corpus file of a streamable format: TmcSource for .tmc, FileCorpusStream for the
/// text formats.
std::unique_ptr<DocumentSource> open_document_stream(const std::string& path,
                                                     const CorpusReadOptions& options);

/// The documents of another source minus a set of excluded ones (a held-out slice), which are
/// collected into memory when it is built (one pass over the inner source).
class ExcludingSource : public DocumentSource {
 public:
  /// `excluded`: increasing document indices of `inner`.
  ExcludingSource(DocumentSource& inner, std::vector<std::size_t> excluded);
  std::size_t n_docs() const override { return inner_.n_docs() - excluded_.size(); }
  double n_tokens() const override { return inner_.n_tokens() - excluded_tokens_; }
  const std::vector<std::string>& vocab() const override { return inner_.vocab(); }
  std::string doc_table_line(std::size_t d) override {
    return inner_.doc_table_line(inner_index(d));
  }
  bool next(std::size_t max_docs, DocumentBatch& batch) override;
  void rewind() override;
  std::string fingerprint() const override { return inner_.fingerprint(); }
  /// The excluded documents, in order, with their ids and labels.
  const Corpus& excluded() const noexcept { return excluded_corpus_; }
  /// Index in the inner source of kept document d.
  std::size_t inner_index(std::size_t d) const;

 private:
  DocumentSource& inner_;
  std::vector<std::size_t> excluded_;
  Corpus excluded_corpus_;
  double excluded_tokens_ = 0;
  std::size_t next_kept_ = 0;
  DocumentBatch buffer_;
  std::size_t buffer_pos_ = 0;
};

/// How often each word of the vocabulary occurs in the documents of `source` (one pass over it;
/// rewound before and after): the corpus term frequencies a model directory records.
arma::vec term_frequencies(DocumentSource& source);

/// The first `max_docs` documents of a source (all of them by default) in memory, with ids and
/// labels; the source is rewound before and after.
Corpus read_all(DocumentSource& source, std::size_t max_docs = static_cast<std::size_t>(-1));

/// True when `recorded` (a model's corpus fingerprint: Corpus::fingerprint(), "file-sha256:..." of
/// a streamed file, or "tmc-sha256:..." of a .tmc read by a stream or by MPI ranks) identifies the
/// corpus file at `path`, whose content is `corpus`.
bool fingerprint_matches(const std::string& recorded, const std::string& path,
                         const Corpus& corpus);

/// True when `format` can be streamed (uci, ldac, mm, tmc).
bool streamable(CorpusFormat format) noexcept;

}  // namespace tmkit
