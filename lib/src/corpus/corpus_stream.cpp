#include "tmkit/corpus/corpus_stream.hpp"

#include <algorithm>

#include "detail/fields.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/input_file.hpp"
#include "tmkit/io/sha256.hpp"

namespace tmkit {

// The field and number parsers every line-based reader shares (detail/fields.hpp).
using namespace detail;  // NOLINT(google-build-using-namespace)

void DocumentBatch::clear(std::size_t first_doc) {
  first = first_doc;
  offsets.assign(1, 0);
  ids.clear();
  counts.clear();
}

void DocumentBatch::add(std::vector<std::pair<WordId, Count>>& entries) {
  std::sort(entries.begin(), entries.end());
  for (const auto& [word, count] : entries) {
    if (ids.size() > offsets.back() && ids.back() == word) {
      counts.back() += count;
    } else {
      ids.push_back(word);
      counts.push_back(count);
    }
  }
  offsets.push_back(ids.size());
}

void DocumentBatch::append(const DocView& doc) {
  ids.insert(ids.end(), doc.ids, doc.ids + doc.n);
  counts.insert(counts.end(), doc.counts, doc.counts + doc.n);
  offsets.push_back(ids.size());
}

void DocumentBatch::append(const TmcDocView& doc) {
  ids.insert(ids.end(), doc.ids, doc.ids + doc.n);
  counts.insert(counts.end(), doc.counts, doc.counts + doc.n);  // whole counts, exact in double
  offsets.push_back(ids.size());
}

bool DocumentSource::next_part(std::size_t max_docs, std::size_t part_first, std::size_t part_last,
                               DocumentBatch& batch) {
  DocumentBatch whole;
  if (!next(max_docs, whole)) {
    batch.clear(whole.first);
    return false;
  }
  const std::size_t first = std::min(whole.n_docs(), part_first);
  const std::size_t last = std::min(whole.n_docs(), std::max(first, part_last));
  batch.clear(whole.first + first);
  for (std::size_t i = first; i < last; ++i) batch.append(whole.doc(i));
  return true;
}

void DocumentSource::seek(std::size_t d) {
  rewind();
  DocumentBatch skipped;
  std::size_t done = 0;
  while (done < d && next(std::min<std::size_t>(d - done, 4096), skipped)) done += skipped.n_docs();
}

std::string CorpusSource::doc_table_line(std::size_t d) {
  return corpus_.doc_ids()[d] + "\t" + corpus_.labels()[d];
}

bool CorpusSource::next(std::size_t max_docs, DocumentBatch& batch) {
  batch.clear(next_);
  const std::size_t end = std::min(corpus_.n_docs(), next_ + max_docs);
  for (; next_ < end; ++next_) batch.append(corpus_.doc(next_));
  return batch.n_docs() > 0;
}

TmcSource::TmcSource(const std::string& path, const CorpusReadOptions& options)
    : file_(path), keep_empty_(options.keep_empty) {
  if (!options.vocab_path.empty()) {
    throw OptionError("vocab", path + " is a .tmc corpus, which holds its vocabulary");
  }
}

bool TmcSource::next(std::size_t max_docs, DocumentBatch& batch) {
  return next_part(max_docs, 0, max_docs, batch);
}

bool TmcSource::next_part(std::size_t max_docs, std::size_t part_first, std::size_t part_last,
                          DocumentBatch& batch) {
  const std::size_t end = std::min(file_.n_docs(), next_ + max_docs);
  const std::size_t first = std::min(end, next_ + part_first);
  const std::size_t last = std::min(end, next_ + std::max(part_first, part_last));
  const bool any = end > next_;
  batch.clear(first);
  file_.check_documents(first, last);
  for (std::size_t d = first; d < last; ++d) {
    const TmcDocView doc = file_.doc(d);
    if (doc.n == 0 && !keep_empty_) throw empty_document_error(file_.path(), d);
    batch.append(doc);
  }
  next_ = end;
  return any;
}

std::string TmcSource::doc_table_line(std::size_t d) {
  return file_.doc_id(d) + "\t" + file_.label(d);
}

std::unique_ptr<DocumentSource> open_document_stream(const std::string& path,
                                                     const CorpusReadOptions& options) {
  const CorpusFormat format =
      options.format == CorpusFormat::automatic ? detect_corpus_format(path) : options.format;
  if (format == CorpusFormat::tmc) return std::make_unique<TmcSource>(path, options);
  CorpusReadOptions resolved = options;
  resolved.format = format;
  return std::make_unique<FileCorpusStream>(path, resolved);
}

namespace {
void add_to(Corpus& corpus, const DocView& doc, const std::string& table_line) {
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t i = 0; i < doc.n; ++i) entries.emplace_back(doc.ids[i], doc.counts[i]);
  const std::size_t tab = table_line.find('\t');
  corpus.add_document(entries, table_line.substr(0, tab),
                      tab == std::string::npos ? std::string() : table_line.substr(tab + 1));
}
}  // namespace

ExcludingSource::ExcludingSource(DocumentSource& inner, std::vector<std::size_t> excluded)
    : inner_(inner), excluded_(std::move(excluded)), excluded_corpus_(inner.vocab()) {
  inner_.rewind();
  DocumentBatch batch;
  std::size_t e = 0;
  while (e < excluded_.size() && inner_.next(4096, batch)) {
    for (std::size_t i = 0; i < batch.n_docs() && e < excluded_.size(); ++i) {
      const std::size_t d = batch.first + i;
      if (d != excluded_[e]) continue;
      add_to(excluded_corpus_, batch.doc(i), inner_.doc_table_line(d));
      excluded_tokens_ += batch.doc(i).n_tokens();
      ++e;
    }
  }
  rewind();
}

std::size_t ExcludingSource::inner_index(std::size_t d) const {
  // The smallest j with j - (excluded indices <= j) == d.
  std::size_t j = d;
  for (;;) {
    const auto before = static_cast<std::size_t>(
        std::upper_bound(excluded_.begin(), excluded_.end(), j) - excluded_.begin());
    const std::size_t candidate = d + before;
    if (candidate != j) {
      j = candidate;
    } else if (std::binary_search(excluded_.begin(), excluded_.end(), j)) {
      ++j;
    } else {
      return j;
    }
  }
}

void ExcludingSource::rewind() {
  inner_.rewind();
  next_kept_ = 0;
  buffer_.clear(0);
  buffer_pos_ = 0;
}

bool ExcludingSource::next(std::size_t max_docs, DocumentBatch& batch) {
  batch.clear(next_kept_);
  while (batch.n_docs() < max_docs) {
    if (buffer_pos_ >= buffer_.n_docs()) {
      buffer_pos_ = 0;
      if (!inner_.next(std::max<std::size_t>(max_docs, 256), buffer_)) break;
    }
    const std::size_t d = buffer_.first + buffer_pos_;
    const DocView doc = buffer_.doc(buffer_pos_++);
    if (std::binary_search(excluded_.begin(), excluded_.end(), d)) continue;
    batch.ids.insert(batch.ids.end(), doc.ids, doc.ids + doc.n);
    batch.counts.insert(batch.counts.end(), doc.counts, doc.counts + doc.n);
    batch.offsets.push_back(batch.ids.size());
    ++next_kept_;
  }
  return batch.n_docs() > 0;
}

Corpus read_all(DocumentSource& source, std::size_t max_docs) {
  Corpus corpus(source.vocab());
  source.rewind();
  DocumentBatch batch;
  while (corpus.n_docs() < max_docs &&
         source.next(std::min<std::size_t>(4096, max_docs - corpus.n_docs()), batch)) {
    for (std::size_t i = 0; i < batch.n_docs(); ++i) {
      add_to(corpus, batch.doc(i), source.doc_table_line(batch.first + i));
    }
  }
  source.rewind();
  return corpus;
}

arma::vec term_frequencies(DocumentSource& source) {
  arma::vec counts(source.vocab().size(), arma::fill::zeros);
  source.rewind();
  DocumentBatch batch;
  while (source.next(4096, batch)) {
    for (std::size_t i = 0; i < batch.n_docs(); ++i) {
      const DocView doc = batch.doc(i);
      for (std::size_t j = 0; j < doc.n; ++j) counts[doc.ids[j]] += doc.counts[j];
    }
  }
  source.rewind();
  return counts;
}

bool fingerprint_matches(const std::string& recorded, const std::string& path,
                         const Corpus& corpus) {
  if (recorded.rfind("file-sha256:", 0) == 0) {
    return recorded == "file-sha256:" + sha256_content(path);
  }
  if (recorded.rfind("tmc-sha256:", 0) == 0) {
    return is_tmc_file(path) && TmcFile(path).fingerprint() == recorded;
  }
  return corpus.fingerprint() == recorded;
}

bool streamable(CorpusFormat format) noexcept {
  return format == CorpusFormat::uci || format == CorpusFormat::ldac ||
         format == CorpusFormat::mm || format == CorpusFormat::tmc;
}

// Reads one document at a time from a UCI, lda-c or MatrixMarket file, checking every line.
struct FileCorpusStream::Parser {
  std::string path;
  CorpusFormat format;
  std::unique_ptr<InputFile> in;  // the file's content, decompressed when it is compressed
  std::string line;
  std::size_t line_number = 0;
  // Header numbers (UCI, mm); for lda-c, n_docs is counted by the first pass.
  std::uint64_t n_docs = 0, n_words = 0, n_entries = 0;
  bool pattern = false;  // mm "pattern": no counts
  std::size_t vocab_size = 0;
  // Position in the entries: the entry read ahead (UCI, mm), the document about to be returned.
  bool have_pending = false;
  std::uint64_t pending_doc = 0;
  WordId pending_word = 0;
  Count pending_count = 0;
  std::uint64_t entries_seen = 0;
  std::size_t next_doc = 0;

  Parser(std::string p, CorpusFormat f) : path(std::move(p)), format(f) { open(); }

  void open() {
    in = std::make_unique<InputFile>(path);
    line_number = 0;
    have_pending = false;
    entries_seen = 0;
    next_doc = 0;
  }

  Sha256* hash = nullptr;  // when set, every byte read goes into it (the file's sha256)

  bool read_line() {
    if (!std::getline(*in, line)) return false;
    ++line_number;
    if (hash) {
      hash->update(line);
      if (!in->eof()) hash->update("\n");  // getline consumed it; the last line may lack one
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }

  std::uint64_t header_number(const char* what) {
    while (read_line()) {
      if (is_blank(line)) continue;
      const auto fields = split_fields(line);
      std::uint64_t value = 0;
      if (fields.size() != 1 || !parse_unsigned(fields[0], value)) {
        throw InputError(path, line_number,
                         quoted(line) + " is not a header number; expected " + what);
      }
      return value;
    }
    throw InputError(path, line_number + 1,
                     std::string("file ends in the header; expected ") + what);
  }

  // Reads the header (UCI, mm) and sets the sizes; for lda-c nothing to read.
  void read_header() {
    if (format == CorpusFormat::uci) {
      n_docs = header_number("the number of documents D");
      n_words = header_number("the vocabulary size W");
      n_entries = header_number("the number of entries NNZ");
      if (n_docs == 0)
        throw InputError(path, 1, "D = 0: the corpus holds no documents; expected D >= 1");
      if (n_words == 0)
        throw InputError(path, 2, "W = 0: the vocabulary is empty; expected W >= 1");
    } else if (format == CorpusFormat::mm) {
      if (!read_line()) throw InputError(path, 1, "file is empty; expected a MatrixMarket header");
      pattern = parse_mm_banner(line, path);
      bool have_size = false;
      while (read_line()) {
        if (is_blank(line) || line[0] == '%') continue;
        const auto fields = split_fields(line);
        if (fields.size() != 3 || !parse_unsigned(fields[0], n_docs) ||
            !parse_unsigned(fields[1], n_words) || !parse_unsigned(fields[2], n_entries)) {
          throw InputError(
              path, line_number,
              quoted(line) + " is not a size line; expected \"documents words entries\"");
        }
        have_size = true;
        break;
      }
      if (!have_size) throw InputError(path, line_number + 1, "file ends before the size line");
      if (n_docs == 0) throw InputError(path, line_number, "0 documents; expected at least one");
      if (n_words == 0)
        throw InputError(path, line_number, "0 columns; expected at least one word");
    }
    if (n_docs > std::numeric_limits<std::uint32_t>::max() ||
        n_words > std::numeric_limits<WordId>::max()) {
      throw InputError(path, "D or W is too large; expected both below 2^32");
    }
  }

  // The next entry of a UCI or mm file into pending_*; false at the end of the file (after
  // checking that NNZ entries were seen).
  bool read_entry() {
    while (read_line()) {
      if (is_blank(line) || (format == CorpusFormat::mm && line[0] == '%')) continue;
      std::array<std::string_view, 3> fields;
      const std::size_t n_fields = split_fields_into(line, fields);
      const std::size_t expected = format == CorpusFormat::mm && pattern ? 2 : 3;
      if (n_fields != expected) {
        throw InputError(path, line_number,
                         quoted(line) + " has " + std::to_string(n_fields) +
                             " fields; expected \"docID wordID count\"");
      }
      if (entries_seen == n_entries) {
        throw InputError(path, line_number,
                         "more entries than the header's NNZ = " + std::to_string(n_entries) +
                             "; expected exactly NNZ");
      }
      ++entries_seen;
      pending_doc = parse_id(fields[0], 1, n_docs, "document id", path, line_number);
      pending_word =
          static_cast<WordId>(parse_id(fields[1], 1, n_words, "word id", path, line_number));
      pending_count = 1;
      if (expected == 3) {
        if (format == CorpusFormat::mm) {
          pending_count = parse_mm_count(fields[2], path, line_number);
          if (pending_count == 0) continue;  // an explicit zero adds nothing
        } else {
          pending_count = parse_count(fields[2], path, line_number);
        }
      }
      if (pending_doc < next_doc) {
        throw InputError(path, line_number,
                         "document " + std::to_string(pending_doc + 1) + " comes after document " +
                             std::to_string(next_doc) +
                             "; a streamed corpus needs its entries grouped by document in "
                             "increasing order (sort -n -k1,1 -k2,2 after the header, or fit "
                             "it in memory with the batch algorithm)");
      }
      return true;
    }
    if (entries_seen != n_entries) {
      throw InputError(path, line_number + 1,
                       "file ends after " + std::to_string(entries_seen) +
                           " entries; expected NNZ = " + std::to_string(n_entries) +
                           " (is the file truncated?)");
    }
    return false;
  }

  // The next document into `entries`; false at the end.
  bool next_document(std::vector<std::pair<WordId, Count>>& entries) {
    entries.clear();
    if (format == CorpusFormat::ldac) {
      if (!read_line()) return false;
      parse_ldac_line(line, vocab_size, path, line_number, entries);
      if (entries.empty()) empty_document(next_doc);
      ++next_doc;
      return true;
    }
    if (next_doc == n_docs) {
      if (have_pending || read_entry()) {
        throw InputError(path, line_number, "entry after the last document");  // unreachable
      }
      return false;
    }
    if (!have_pending) have_pending = read_entry();
    if (!have_pending) empty_document(next_doc);
    if (pending_doc != next_doc) {
      throw InputError(path, line_number,
                       "document " + std::to_string(pending_doc + 1) + " comes before document " +
                           std::to_string(next_doc + 1) +
                           " has any entry; a streamed corpus needs its entries grouped by "
                           "document in increasing order and every document to hold a word (sort "
                           "-n -k1,1 -k2,2 after the header, or fit it in memory with the batch "
                           "algorithm)");
    }
    while (have_pending && pending_doc == next_doc) {
      entries.emplace_back(pending_word, pending_count);
      have_pending = read_entry();
    }
    ++next_doc;
    return true;
  }

  [[noreturn]] void empty_document(std::size_t d) const { throw empty_document_error(path, d); }
};

FileCorpusStream::FileCorpusStream(const std::string& path, const CorpusReadOptions& options)
    : path_(path),
      format_(options.format == CorpusFormat::automatic ? detect_corpus_format(path)
                                                        : options.format) {
  if (!streamable(format_) || format_ == CorpusFormat::tmc) {
    throw UsageError(path + ": a " + format_name(format_) +
                     " corpus cannot be streamed; convert it to .tmc first (tm-import does) "
                     "or fit it in memory with the batch algorithm");
  }
  const std::string vocab_path = resolve_vocab_path(path, options);
  vocab_ = read_vocab(vocab_path);
  if (vocab_.empty()) throw InputError(vocab_path, "is empty; expected one word per line");
  parser_ = std::make_unique<Parser>(path, format_);
  Sha256 file_hash;  // taken during the checking pass, so the file is read once here
  parser_->hash = &file_hash;
  parser_->vocab_size = vocab_.size();
  parser_->read_header();
  if (format_ != CorpusFormat::ldac && parser_->n_words != vocab_.size()) {
    throw InputError(vocab_path, "has " + std::to_string(vocab_.size()) + " words; expected " +
                                     std::to_string(parser_->n_words) + " as " + path + " says");
  }
  // The checking pass: every line parsed, documents and tokens counted, the bytes hashed.
  std::vector<std::pair<WordId, Count>> entries;
  while (parser_->next_document(entries)) {
    for (const auto& entry : entries) n_tokens_ += entry.second;
  }
  n_docs_ = parser_->next_doc;
  if (n_docs_ == 0) throw InputError(path, "holds no documents; expected at least one");
  parser_->hash = nullptr;
  fingerprint_ = "file-sha256:" + file_hash.hex_digest();
  docs_path_ = options.docs_path.empty() ? find_docs_path(path) : options.docs_path;
  rewind();
}

FileCorpusStream::~FileCorpusStream() = default;

void FileCorpusStream::rewind() {
  const std::uint64_t n_docs = parser_->n_docs;
  parser_->open();
  parser_->read_header();
  if (format_ == CorpusFormat::ldac) parser_->n_docs = n_docs;
}

bool FileCorpusStream::next(std::size_t max_docs, DocumentBatch& batch) {
  batch.clear(parser_->next_doc);
  std::vector<std::pair<WordId, Count>> entries;
  while (batch.n_docs() < max_docs && parser_->next_document(entries)) batch.add(entries);
  return batch.n_docs() > 0;
}

std::string FileCorpusStream::doc_table_line(std::size_t d) {
  if (docs_path_.empty()) return std::to_string(d + 1) + "\t";
  if (d < docs_next_ || !docs_) {
    docs_ = std::make_unique<InputFile>(docs_path_);  // decompressed when compressed
    docs_next_ = 0;
  }
  std::string line;
  while (docs_next_ <= d) {
    if (!std::getline(*docs_, line)) {
      throw InputError(docs_path_, "has " + std::to_string(docs_next_) +
                                       " lines; expected one per document (" +
                                       std::to_string(n_docs_) + ")");
    }
    ++docs_next_;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find('\t') == std::string::npos) line += "\t";
  return line;
}

}  // namespace tmkit
