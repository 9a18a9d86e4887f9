#include "tmkit/corpus/corpus_io.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>

#include "detail/fields.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/corpus/tmc.hpp"
#include "tmkit/io/input_file.hpp"
#include "tmkit/io/io.hpp"

namespace tmkit {
namespace fs = std::filesystem;

namespace {

// The field and number parsers every line-based reader shares (detail/fields.hpp).
using namespace detail;  // NOLINT(google-build-using-namespace)

// ---- companion files ---------------------------------------------------------------------------

struct Stem {
  std::string dir;
  std::string uci_name;  ///< NAME of "docword.NAME.txt", "" otherwise
  std::string plain;     ///< the path without a compression suffix (".gz", ".bz2", ".xz")
};

Stem stem_of(const std::string& path) {
  const fs::path p(path);
  Stem stem;
  stem.dir = p.parent_path().string();
  stem.plain = path;
  for (const std::string compressed : {".gz", ".bz2", ".xz"}) {
    if (path.size() > compressed.size() &&
        path.compare(path.size() - compressed.size(), compressed.size(), compressed) == 0) {
      stem.plain = path.substr(0, path.size() - compressed.size());
    }
  }
  const std::string file = fs::path(stem.plain).filename().string();
  const std::string prefix = "docword.", suffix = ".txt";
  if (file.size() > prefix.size() + suffix.size() && file.rfind(prefix, 0) == 0 &&
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
    stem.uci_name = file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  }
  return stem;
}

std::string join(const std::string& dir, const std::string& file) {
  return dir.empty() ? file : (fs::path(dir) / file).string();
}

std::string first_existing(const std::vector<std::string>& candidates) {
  std::error_code ec;
  for (const auto& candidate : candidates) {
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return {};
}

std::string docs_path_beside(const std::string& corpus_path) {
  const Stem stem = stem_of(corpus_path);
  std::vector<std::string> candidates;
  if (!stem.uci_name.empty())
    candidates.push_back(join(stem.dir, "docs." + stem.uci_name + ".tsv"));
  candidates.push_back(corpus_path + ".docs.tsv");
  if (stem.plain != corpus_path) candidates.push_back(stem.plain + ".docs.tsv");
  return first_existing(candidates);
}

std::string vocab_path_for(const std::string& corpus_path, const CorpusReadOptions& options) {
  if (!options.vocab_path.empty()) return options.vocab_path;
  const std::string found = find_vocab_path(corpus_path);
  if (found.empty()) {
    throw InputError(corpus_path,
                     "no vocabulary file found beside it; expected vocab.NAME.txt (for "
                     "docword.NAME.txt), " +
                         fs::path(corpus_path).filename().string() +
                         ".vocab or vocab.txt, or name the vocabulary file");
  }
  return found;
}

// The corpus's vocabulary, which must hold `n_words` words (`expected` says why, for the message).
std::vector<std::string> read_vocab_of_size(const std::string& corpus_path,
                                            const CorpusReadOptions& options, std::size_t n_words,
                                            const std::string& expected) {
  const std::string vocab_path = vocab_path_for(corpus_path, options);
  std::vector<std::string> vocab = read_vocab(vocab_path);
  if (vocab.size() != n_words) {
    throw InputError(vocab_path,
                     "has " + std::to_string(vocab.size()) + " words; expected " + expected);
  }
  return vocab;
}

// Reads "id<TAB>label" lines (label optional) into the corpus, which must have that many documents.
void attach_doc_table(Corpus& corpus, const std::string& path) {
  const std::string content = read_file(path);
  LineReader lines(content);
  std::string_view line;
  std::vector<std::string> ids, labels;
  while (lines.next(line)) {
    const std::size_t tab = line.find('\t');
    ids.emplace_back(line.substr(0, tab));
    labels.emplace_back(tab == std::string_view::npos ? std::string_view{} : line.substr(tab + 1));
  }
  if (ids.size() != corpus.n_docs()) {
    throw InputError(path, "has " + std::to_string(ids.size()) +
                               " lines; expected one per document (" +
                               std::to_string(corpus.n_docs()) + ")");
  }
  corpus.set_doc_ids(std::move(ids));
  corpus.set_labels(std::move(labels));
}

void check_no_empty_document(const Corpus& corpus, const std::string& path) {
  if (corpus.n_docs() == 0) {
    throw InputError(path, "holds no documents; expected at least one");
  }
  const std::size_t empty = corpus.first_empty_document();
  if (empty != corpus.n_docs()) throw empty_document_error(path, empty);
}

void finish_formal(Corpus& corpus, const std::string& path, const CorpusReadOptions& options) {
  if (corpus.n_docs() == 0) throw InputError(path, "holds no documents; expected at least one");
  if (!options.keep_empty) check_no_empty_document(corpus, path);
  const std::string docs = options.docs_path.empty() ? docs_path_beside(path) : options.docs_path;
  if (!docs.empty()) {
    attach_doc_table(corpus, docs);
  } else {
    std::vector<std::string> ids(corpus.n_docs());
    for (std::size_t d = 0; d < ids.size(); ++d) ids[d] = std::to_string(d + 1);
    corpus.set_doc_ids(std::move(ids));
  }
}

// What a document costs in memory before its words: offsets, its id and label.
constexpr double kBytesPerDocument = 96;

// Collects (document, word, count) entries and builds the CSR corpus from them.
struct EntryTable {
  /// Room for the `expected` entries a header announces, but never more than `content` can hold
  /// (an entry takes at least 4 bytes, "1 1\n"): a header cannot make the reader allocate more
  /// than the file justifies.
  EntryTable(std::uint64_t expected, std::string_view content) {
    const std::size_t room =
        static_cast<std::size_t>(std::min<std::uint64_t>(expected, content.size() / 4 + 1));
    doc.reserve(room);
    word.reserve(room);
    count.reserve(room);
  }
  std::vector<std::uint32_t> doc;
  std::vector<WordId> word;
  std::vector<Count> count;

  /// The first of documents 0..n_docs-1 without an entry, n_docs if none: checked before build(),
  /// which would otherwise make room for every document a header announces, however few entries
  /// the file holds (found by fuzzing: D = 30 million over one entry).
  std::size_t first_empty(std::size_t n_docs) const {
    std::vector<std::uint32_t> seen(doc);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (std::size_t d = 0; d < seen.size(); ++d) {
      if (seen[d] != d) return d;
    }
    return std::min(seen.size(), n_docs);
  }

  Corpus build(std::vector<std::string> vocab, std::size_t n_docs) const {
    std::vector<std::size_t> start(n_docs + 1, 0);
    for (std::uint32_t d : doc) ++start[d + 1];
    for (std::size_t d = 0; d < n_docs; ++d) start[d + 1] += start[d];
    std::vector<std::size_t> order(doc.size());
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < doc.size(); ++i) order[next[doc[i]]++] = i;
    Corpus corpus(std::move(vocab));
    std::vector<std::pair<WordId, Count>> entries;
    for (std::size_t d = 0; d < n_docs; ++d) {
      entries.clear();
      for (std::size_t k = start[d]; k < start[d + 1]; ++k) {
        entries.emplace_back(word[order[k]], count[order[k]]);
      }
      corpus.add_document(entries);
    }
    return corpus;
  }
};

std::uint64_t parse_header_number(LineReader& lines, const std::string& path, const char* what) {
  std::string_view line;
  while (lines.next(line)) {
    if (is_blank(line)) continue;
    const auto fields = split_fields(line);
    std::uint64_t value = 0;
    if (fields.size() != 1 || !parse_unsigned(fields[0], value)) {
      throw InputError(path, lines.line_number(),
                       quoted(line) + " is not a header number; expected " + what);
    }
    return value;
  }
  throw InputError(path, lines.line_number() + 1,
                   std::string("file ends in the header; expected ") + what);
}

// ---- UCI ---------------------------------------------------------------------------------------

Corpus read_uci(const std::string& path, const CorpusReadOptions& options) {
  const std::string content = read_file(path);
  LineReader lines(content);
  const std::uint64_t n_docs = parse_header_number(lines, path, "the number of documents D");
  const std::uint64_t n_words = parse_header_number(lines, path, "the vocabulary size W");
  const std::uint64_t n_entries = parse_header_number(lines, path, "the number of entries NNZ");
  if (n_docs == 0)
    throw InputError(path, 1, "D = 0: the corpus holds no documents; expected D >= 1");
  if (n_words == 0) throw InputError(path, 2, "W = 0: the vocabulary is empty; expected W >= 1");
  if (n_docs > std::numeric_limits<std::uint32_t>::max() ||
      n_words > std::numeric_limits<WordId>::max()) {
    throw InputError(path, "D or W is too large; expected both below 2^32");
  }
  check_header_memory(path, 1, "D = " + std::to_string(n_docs) + " documents",
                      static_cast<double>(n_docs) * kBytesPerDocument);
  std::vector<std::string> vocab = read_vocab_of_size(
      path, options, n_words, "W = " + std::to_string(n_words) + " as " + path + " says");
  EntryTable table(n_entries, content);
  std::string_view line;
  while (lines.next(line)) {
    if (is_blank(line)) continue;
    const auto fields = split_fields(line);
    if (fields.size() != 3) {
      throw InputError(path, lines.line_number(),
                       quoted(line) + " has " + std::to_string(fields.size()) +
                           " fields; expected \"docID wordID count\"");
    }
    if (table.doc.size() == n_entries) {
      throw InputError(path, lines.line_number(),
                       "more entries than the header's NNZ = " + std::to_string(n_entries) +
                           "; expected exactly NNZ");
    }
    table.doc.push_back(static_cast<std::uint32_t>(
        parse_id(fields[0], 1, n_docs, "document id", path, lines.line_number())));
    table.word.push_back(
        static_cast<WordId>(parse_id(fields[1], 1, n_words, "word id", path, lines.line_number())));
    table.count.push_back(parse_count(fields[2], path, lines.line_number()));
  }
  if (table.doc.size() != n_entries) {
    throw InputError(path, lines.line_number() + 1,
                     "file ends after " + std::to_string(table.doc.size()) +
                         " entries; expected NNZ = " + std::to_string(n_entries) +
                         " (is the file truncated?)");
  }
  if (!options.keep_empty) {
    const std::size_t empty = table.first_empty(n_docs);
    if (empty < n_docs) throw empty_document_error(path, empty);
  }
  Corpus corpus = table.build(std::move(vocab), n_docs);
  finish_formal(corpus, path, options);
  return corpus;
}

// ---- lda-c -------------------------------------------------------------------------------------

Corpus read_ldac(const std::string& path, const CorpusReadOptions& options) {
  const std::string vocab_path = vocab_path_for(path, options);
  std::vector<std::string> vocab = read_vocab(vocab_path);
  if (vocab.empty()) throw InputError(vocab_path, "is empty; expected one word per line");
  const std::string content = read_file(path);
  LineReader lines(content);
  Corpus corpus(std::move(vocab));
  std::string_view line;
  std::vector<std::pair<WordId, Count>> entries;
  while (lines.next(line)) {
    parse_ldac_line(line, corpus.n_words(), path, lines.line_number(), entries);
    corpus.add_document(entries);
  }
  finish_formal(corpus, path, options);
  return corpus;
}

// ---- MatrixMarket ------------------------------------------------------------------------------

Corpus read_mm(const std::string& path, const CorpusReadOptions& options) {
  const std::string content = read_file(path);
  LineReader lines(content);
  std::string_view line;
  if (!lines.next(line)) throw InputError(path, 1, "file is empty; expected a MatrixMarket header");
  const bool pattern = parse_mm_banner(line, path);
  std::uint64_t n_docs = 0, n_words = 0, n_entries = 0;
  bool have_size = false;
  while (lines.next(line)) {
    if (is_blank(line) || line[0] == '%') continue;
    const auto fields = split_fields(line);
    if (fields.size() != 3 || !parse_unsigned(fields[0], n_docs) ||
        !parse_unsigned(fields[1], n_words) || !parse_unsigned(fields[2], n_entries)) {
      throw InputError(path, lines.line_number(),
                       quoted(line) + " is not a size line; expected \"documents words entries\"");
    }
    have_size = true;
    break;
  }
  if (!have_size) throw InputError(path, lines.line_number() + 1, "file ends before the size line");
  if (n_docs == 0)
    throw InputError(path, lines.line_number(), "0 documents; expected at least one");
  if (n_words == 0 || n_words > std::numeric_limits<WordId>::max() ||
      n_docs > std::numeric_limits<std::uint32_t>::max()) {
    throw InputError(path, lines.line_number(),
                     "sizes out of range; expected 1 <= rows, columns < 2^32");
  }
  check_header_memory(path, lines.line_number(), std::to_string(n_docs) + " rows (documents)",
                      static_cast<double>(n_docs) * kBytesPerDocument);
  std::vector<std::string> vocab = read_vocab_of_size(
      path, options, n_words, std::to_string(n_words) + " (the columns of " + path + ")");
  EntryTable table(n_entries, content);
  std::size_t n_seen = 0;
  const std::size_t n_fields = pattern ? 2 : 3;
  while (lines.next(line)) {
    if (is_blank(line) || line[0] == '%') continue;
    const auto fields = split_fields(line);
    if (fields.size() != n_fields) {
      throw InputError(path, lines.line_number(),
                       quoted(line) + " has " + std::to_string(fields.size()) +
                           " fields; expected " +
                           (pattern ? "\"row column\"" : "\"row column count\""));
    }
    if (n_seen == n_entries) {
      throw InputError(path, lines.line_number(),
                       "more entries than the size line's " + std::to_string(n_entries));
    }
    ++n_seen;
    const auto doc = parse_id(fields[0], 1, n_docs, "row (document)", path, lines.line_number());
    const auto word = parse_id(fields[1], 1, n_words, "column (word)", path, lines.line_number());
    Count count = 1;
    if (!pattern) {
      count = parse_mm_count(fields[2], path, lines.line_number());
      if (count == 0) continue;  // an explicit zero is a valid MatrixMarket entry and adds nothing
    }
    table.doc.push_back(static_cast<std::uint32_t>(doc));
    table.word.push_back(static_cast<WordId>(word));
    table.count.push_back(count);
  }
  if (n_seen != n_entries) {
    throw InputError(path, lines.line_number() + 1,
                     "file ends after " + std::to_string(n_seen) + " entries; expected " +
                         std::to_string(n_entries) + " (is the file truncated?)");
  }
  if (!options.keep_empty) {
    const std::size_t empty = table.first_empty(n_docs);
    if (empty < n_docs) throw empty_document_error(path, empty);
  }
  Corpus corpus = table.build(std::move(vocab), n_docs);
  finish_formal(corpus, path, options);
  return corpus;
}

// ---- raw text ----------------------------------------------------------------------------------

bool looks_like_ldac_line(std::string_view line) {
  const auto fields = split_fields(line);
  std::uint64_t n = 0;
  if (fields.empty() || !parse_unsigned(fields[0], n) || n + 1 != fields.size()) return false;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::size_t colon = fields[i].find(':');
    std::uint64_t a = 0, b = 0;
    if (colon == std::string_view::npos || !parse_unsigned(fields[i].substr(0, colon), a) ||
        !parse_unsigned(fields[i].substr(colon + 1), b)) {
      return false;
    }
  }
  return true;
}

}  // namespace

InputError empty_document_error(const std::string& path, std::size_t d) {
  return InputError(path, "document " + std::to_string(d + 1) +
                              " has no words; expected every document to hold at least one "
                              "(remove it, or re-import with tm-import, which drops them)");
}

namespace {
// The first name of each format is its own; "lda-c" and "mtx" are accepted too.
constexpr Named<CorpusFormat> kFormats[] = {{CorpusFormat::automatic, "auto"},
                                            {CorpusFormat::uci, "uci"},
                                            {CorpusFormat::ldac, "ldac"},
                                            {CorpusFormat::ldac, "lda-c"},
                                            {CorpusFormat::mm, "mm"},
                                            {CorpusFormat::mm, "mtx"},
                                            {CorpusFormat::tmc, "tmc"},
                                            {CorpusFormat::text, "text"},
                                            {CorpusFormat::text_dir, "text-dir"}};
constexpr Named<TextColumns> kColumns[] = {{TextColumns::automatic, "auto"},
                                           {TextColumns::text, "text"},
                                           {TextColumns::id_text, "id-text"},
                                           {TextColumns::id_label_text, "id-label-text"}};
}  // namespace

CorpusFormat parse_corpus_format(const std::string& name) {
  return parse_named(kFormats, name, "format", "a corpus format");
}

std::string format_name(CorpusFormat format) { return name_of(kFormats, format); }

TextColumns parse_text_columns(const std::string& name) {
  return parse_named(kColumns, name, "columns", "a column layout");
}

std::string text_columns_name(TextColumns columns) { return name_of(kColumns, columns); }

CorpusFormat detect_corpus_format(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return CorpusFormat::text_dir;
  if (!fs::exists(path, ec))
    throw InputError(path, "does not exist; expected a corpus file or directory");
  constexpr std::size_t kSniffBytes = 1 << 16;  // enough for the first lines of any format
  const std::string head = read_head(path, kSniffBytes);
  if (head.rfind("%%MatrixMarket", 0) == 0) return CorpusFormat::mm;
  if (head.rfind("TMKITCRP", 0) == 0) {
    const Compression compression = compression_of_file(path);
    if (compression != Compression::none) {
      throw InputError(path, std::string("is a ") + compression_name(compression) +
                                 "-compressed .tmc corpus; .tmc files are memory-mapped and read "
                                 "uncompressed only: decompress it first");
    }
    return CorpusFormat::tmc;
  }
  check_text_content(head, path, "a corpus (UCI, lda-c, MatrixMarket, .tmc or raw text)");
  LineReader lines(head);
  std::vector<std::string_view> first;
  std::string_view line;
  constexpr std::size_t kLinesLooked = 5;
  while (first.size() < kLinesLooked && lines.next(line)) {
    if (!is_blank(line)) first.push_back(line);
  }
  // If the sniffed bytes cut the last line, do not judge by it.
  if (first.size() == kLinesLooked && head.size() == kSniffBytes) first.pop_back();
  if (first.empty()) return CorpusFormat::text;
  const auto single_integer = [](std::string_view l) {
    const auto f = split_fields(l);
    std::uint64_t v = 0;
    return f.size() == 1 && parse_unsigned(f[0], v);
  };
  // UCI starts with three lines of one integer each. A first line holding one integer and nothing
  // else is taken as a (possibly malformed) UCI header, so that its reader can say what is wrong
  // rather than the file being read silently as text.
  if (single_integer(first[0]) && (first.size() < 2 || !looks_like_ldac_line(first[1]))) {
    return CorpusFormat::uci;
  }
  // Likewise a first line of the lda-c form makes the file lda-c; its reader judges the rest.
  if (looks_like_ldac_line(first[0])) return CorpusFormat::ldac;
  return CorpusFormat::text;
}

std::string find_docs_path(const std::string& corpus_path) { return docs_path_beside(corpus_path); }

std::string resolve_vocab_path(const std::string& corpus_path, const CorpusReadOptions& options) {
  return vocab_path_for(corpus_path, options);
}

std::string find_vocab_path(const std::string& corpus_path) {
  const Stem stem = stem_of(corpus_path);
  std::vector<std::string> candidates;
  if (!stem.uci_name.empty())
    candidates.push_back(join(stem.dir, "vocab." + stem.uci_name + ".txt"));
  candidates.push_back(corpus_path + ".vocab");
  if (stem.plain != corpus_path) candidates.push_back(stem.plain + ".vocab");
  candidates.push_back(join(stem.dir, "vocab.txt"));
  return first_existing(candidates);
}

CorpusPaths companion_paths(const std::string& path) {
  const Stem stem = stem_of(path);
  if (!stem.uci_name.empty()) {
    return {path, join(stem.dir, "vocab." + stem.uci_name + ".txt"),
            join(stem.dir, "docs." + stem.uci_name + ".tsv")};
  }
  return {path, path + ".vocab", path + ".docs.tsv"};
}

std::vector<std::string> read_vocab(const std::string& path) {
  const std::string content = read_file(path);
  LineReader lines(content);
  std::string_view line;
  std::vector<std::string> words;
  std::vector<std::string_view> raw;
  while (lines.next(line)) raw.push_back(line);
  // gensim's Dictionary.save_as_text: a document count, then "id<TAB>word<TAB>df" sorted by id.
  const auto gensim_line = [](std::string_view l) {
    const std::size_t a = l.find('\t');
    const std::size_t b = a == std::string_view::npos ? a : l.find('\t', a + 1);
    std::uint64_t v = 0;
    return b != std::string_view::npos && parse_unsigned(l.substr(0, a), v);
  };
  std::uint64_t doc_count = 0;
  if (raw.size() >= 2 && parse_unsigned(raw[0], doc_count) &&
      std::all_of(raw.begin() + 1, raw.end(), gensim_line)) {
    for (std::size_t i = 1; i < raw.size(); ++i) {
      const std::size_t a = raw[i].find('\t');
      const std::size_t b = raw[i].find('\t', a + 1);
      std::uint64_t id = 0;
      parse_unsigned(raw[i].substr(0, a), id);
      if (id != i - 1) {
        throw InputError(path, i + 1,
                         "word id " + std::to_string(id) + " out of order; expected " +
                             std::to_string(i - 1) + " (ids 0..V-1 in order)");
      }
      words.emplace_back(raw[i].substr(a + 1, b - a - 1));
    }
    return words;
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string_view word = raw[i];
    while (!word.empty() && (word.back() == ' ' || word.back() == '\t')) word.remove_suffix(1);
    if (word.empty()) {
      throw InputError(path, i + 1, "blank line; expected one word per line");
    }
    words.emplace_back(word);
  }
  return words;
}

std::vector<TextDocument> read_text_documents(const std::string& path, CorpusFormat format,
                                              TextColumns columns) {
  std::vector<TextDocument> documents;
  if (format == CorpusFormat::text_dir) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) throw InputError(path, "is not a directory");
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".txt") files.push_back(it->path());
    }
    if (ec) throw InputError(path, "cannot list the directory: " + ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty())
      throw InputError(path, "holds no .txt files; expected one document per file");
    for (const auto& file : files) {
      const fs::path relative = fs::relative(file, path);
      TextDocument doc;
      doc.id = (relative.parent_path() / relative.stem()).generic_string();
      doc.label = relative.parent_path().generic_string();
      doc.text = read_file(file.string());
      check_text_content(doc.text, file.string(), "a text document");
      documents.push_back(std::move(doc));
    }
    return documents;
  }
  const std::string content = read_file(path);
  check_text_content(content, path, "raw text, one document per line");
  LineReader lines(content);
  std::string_view line;
  while (lines.next(line)) {
    if (columns == TextColumns::automatic) {
      if (is_blank(line)) {
        documents.push_back({});
        continue;
      }
      const auto tabs = std::count(line.begin(), line.end(), '\t');
      columns = tabs == 0   ? TextColumns::text
                : tabs == 1 ? TextColumns::id_text
                            : TextColumns::id_label_text;
    }
    TextDocument doc;
    if (columns == TextColumns::text) {
      doc.text = std::string(line);
    } else {
      const std::size_t first_tab = line.find('\t');
      const std::size_t second_tab =
          first_tab == std::string_view::npos ? first_tab : line.find('\t', first_tab + 1);
      const bool with_label = columns == TextColumns::id_label_text;
      if (first_tab == std::string_view::npos ||
          (with_label && second_tab == std::string_view::npos)) {
        throw InputError(path, lines.line_number(),
                         std::string("expected ") +
                             (with_label ? "3 tab-separated columns: id, label, text"
                                         : "2 tab-separated columns: id, text") +
                             " (as the first line has; the text-only layout reads whole lines)");
      }
      doc.id = std::string(line.substr(0, first_tab));
      if (with_label) {
        doc.label = std::string(line.substr(first_tab + 1, second_tab - first_tab - 1));
        doc.text = std::string(line.substr(second_tab + 1));
      } else {
        doc.text = std::string(line.substr(first_tab + 1));
      }
    }
    if (doc.id.empty()) doc.id = std::to_string(lines.line_number());
    documents.push_back(std::move(doc));
  }
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (documents[i].id.empty()) documents[i].id = std::to_string(i + 1);
  }
  if (documents.empty()) throw InputError(path, "is empty; expected one document per line");
  return documents;
}

Corpus read_corpus(const std::string& path, const CorpusReadOptions& options,
                   TextImportReport* text_report) {
  const CorpusFormat format =
      options.format == CorpusFormat::automatic ? detect_corpus_format(path) : options.format;
  switch (format) {
    case CorpusFormat::uci:
      return read_uci(path, options);
    case CorpusFormat::ldac:
      return read_ldac(path, options);
    case CorpusFormat::mm:
      return read_mm(path, options);
    case CorpusFormat::tmc: {
      if (!options.vocab_path.empty()) {
        throw OptionError("vocab", path + " is a .tmc corpus, which holds its vocabulary");
      }
      TmcFile file(path);
      Corpus corpus = file.read_all();
      if (!options.keep_empty) check_no_empty_document(corpus, path);
      return corpus;
    }
    case CorpusFormat::text:
    case CorpusFormat::text_dir: {
      const auto documents = read_text_documents(path, format, options.columns);
      const Tokenizer tokenizer(options.tokenizer);
      TextImportReport report;
      Corpus corpus;
      if (options.vocab_path.empty()) {
        try {
          corpus = corpus_from_texts(documents, tokenizer, options.vocabulary, options.keep_empty,
                                     &report, options.hooks);
        } catch (const UsageError& e) {
          throw InputError(path, e.what());  // name the file the words were missing from
        }
      } else {
        corpus = corpus_from_texts_with_vocab(documents, tokenizer, read_vocab(options.vocab_path),
                                              &report, options.hooks);
      }
      if (corpus.n_docs() == 0) {
        throw InputError(path, "no document has a word left after tokenizing (" +
                                   std::to_string(documents.size()) +
                                   " read); expected at least one");
      }
      if (text_report) *text_report = report;
      return corpus;
    }
    case CorpusFormat::automatic:
      break;
  }
  throw UsageError("unknown corpus format");
}

namespace {

std::string clean_cell(const std::string& text) {
  std::string out = text;
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return out;
}

void append_number(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

}  // namespace

void write_corpus(const Corpus& corpus, CorpusFormat format, const CorpusPaths& paths) {
  if (format == CorpusFormat::tmc) {
    write_tmc(corpus, paths.corpus);  // checks the counts itself
    return;
  }
  require_file_counts(corpus);
  std::string body;
  body.reserve(corpus.n_nonzeros() * 16);
  if (format == CorpusFormat::uci || format == CorpusFormat::mm) {
    if (format == CorpusFormat::mm) body += "%%MatrixMarket matrix coordinate integer general\n";
    const char separator = format == CorpusFormat::mm ? ' ' : '\n';
    append_number(body, corpus.n_docs());
    body += separator;
    append_number(body, corpus.n_words());
    body += separator;
    append_number(body, corpus.n_nonzeros());
    body += '\n';
    for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
      const DocView doc = corpus.doc(d);
      for (std::size_t i = 0; i < doc.n; ++i) {
        append_number(body, d + 1);
        body += ' ';
        append_number(body, doc.ids[i] + std::uint64_t{1});
        body += ' ';
        append_number(body, static_cast<std::uint64_t>(doc.counts[i]));
        body += '\n';
      }
    }
  } else if (format == CorpusFormat::ldac) {
    for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
      const DocView doc = corpus.doc(d);
      append_number(body, doc.n);
      for (std::size_t i = 0; i < doc.n; ++i) {
        body += ' ';
        append_number(body, doc.ids[i]);
        body += ':';
        append_number(body, static_cast<std::uint64_t>(doc.counts[i]));
      }
      body += '\n';
    }
  } else {
    throw OptionError("format",
                      "cannot write " + format_name(format) + "; expected uci, ldac, mm or tmc");
  }
  std::string vocab;
  for (const auto& word : corpus.vocab()) vocab += clean_cell(word) + "\n";
  std::string docs;
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    docs += clean_cell(corpus.doc_ids()[d]) + "\t" + clean_cell(corpus.labels()[d]) + "\n";
  }
  AtomicFile corpus_file(paths.corpus), vocab_file(paths.vocab), docs_file(paths.docs);
  corpus_file.stream() << body;
  vocab_file.stream() << vocab;
  docs_file.stream() << docs;
  corpus_file.commit();
  vocab_file.commit();
  docs_file.commit();
}

}  // namespace tmkit
