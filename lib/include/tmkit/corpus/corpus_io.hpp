// Reading and writing corpora: UCI bag-of-words, lda-c, MatrixMarket coordinate and raw text, with
// the format detected from the content.
//
// UCI (archive.ics.uci.edu "Bag of Words"): docword file with three header lines D, W, NNZ, then
// NNZ lines "docID wordID count", 1-based; vocab file with W lines.
// lda-c (Blei's lda-c): one line per document, "N id:count ...", N distinct 0-based ids.
// MatrixMarket coordinate (as gensim's MmCorpus writes it): rows are documents, columns words,
// 1-based, values whole non-negative counts.
// .tmc: tmkit's binary corpus, one memory-mappable file with the vocabulary inside (tmc.hpp).
// Raw text: one document per line, optionally "id<TAB>text" or "id<TAB>label<TAB>text", or a
// directory of .txt files (one document per file; id = file name, label = sub-directory).
#pragma once

#include <string>
#include <vector>

#include "tmkit/core/error.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/text.hpp"

namespace tmkit {

enum class CorpusFormat { automatic, uci, ldac, mm, text, text_dir, tmc };

/// "auto", "uci", "ldac", "mm", "text", "text-dir", "tmc" <-> CorpusFormat; UsageError for other
/// names.
CorpusFormat parse_corpus_format(const std::string& name);
std::string format_name(CorpusFormat format);

/// How raw-text lines split into columns.
enum class TextColumns { automatic, text, id_text, id_label_text };
TextColumns parse_text_columns(const std::string& name);
std::string text_columns_name(TextColumns columns);

/// Everything a reader may need; only the fields of the format at hand are used.
struct CorpusReadOptions {
  CorpusFormat format = CorpusFormat::automatic;
  std::string vocab_path;      ///< "" = look beside the corpus (see find_vocab_path)
  std::string docs_path;       ///< "" = look beside the corpus for "id<TAB>label" lines (optional)
  TokenizerOptions tokenizer;  ///< raw text only
  VocabularyOptions vocabulary;                  ///< raw text only
  TextColumns columns = TextColumns::automatic;  ///< raw text only
  /// Keep documents with no word (raw text: left empty by the tokenizer; other formats: an lda-c
  /// line "0", a UCI or MatrixMarket document without entries) instead of refusing or dropping
  /// them.
  bool keep_empty = false;
  /// Progress (documents tokenized) and a stop request (interrupt.hpp) while raw text is read.
  WorkHooks hooks;
};

/// Guesses the format of `path` from its content: a directory is text_dir; "%%MatrixMarket" starts
/// mm; "TMKITCRP" starts tmc; a first line holding one integer starts uci (D, then W and NNZ); a
/// first line of the form "N id:count ..." starts ldac; anything else is text. The reader of the
/// guessed format then reports any malformed line, rather than the file being read as something
/// else.
CorpusFormat detect_corpus_format(const std::string& path);

/// The vocabulary file that goes with a corpus file: for "DIR/docword.NAME.txt",
/// "DIR/vocab.NAME.txt"; otherwise "PATH.vocab"; failing those, "DIR/vocab.txt". Returns the first
/// that exists, or "".
std::string find_vocab_path(const std::string& corpus_path);

/// The vocabulary file a reader uses for `corpus_path`: options.vocab_path, else find_vocab_path;
/// InputError saying where it looked when there is none.
std::string resolve_vocab_path(const std::string& corpus_path, const CorpusReadOptions& options);

/// The "id<TAB>label" table beside a corpus file ("docs.NAME.tsv" for "docword.NAME.txt", else
/// "PATH.docs.tsv"), or "" when there is none.
std::string find_docs_path(const std::string& corpus_path);

/// The error for document `d` (0-based) of the corpus at `path` holding no word, said one way by
/// every reader.
InputError empty_document_error(const std::string& path, std::size_t d);

/// Reads a corpus. Throws InputError with file and line for malformed or truncated content, ids out
/// of range, counts that are not positive integers, empty documents (formal formats) and an empty
/// corpus; UsageError for inconsistent options.
Corpus read_corpus(const std::string& path, const CorpusReadOptions& options = {},
                   TextImportReport* text_report = nullptr);

/// Reads a vocabulary: one word per line, or gensim's Dictionary.save_as_text form
/// ("id<TAB>word<TAB>df" lines after a document-count line).
std::vector<std::string> read_vocab(const std::string& path);

/// Reads raw text documents (one per line, or a directory of .txt files) without tokenizing them.
std::vector<TextDocument> read_text_documents(const std::string& path, CorpusFormat format,
                                              TextColumns columns);

/// The files a written corpus occupies.
struct CorpusPaths {
  std::string corpus;  ///< docword / lda-c / .mtx file
  std::string vocab;   ///< one word per line
  std::string docs;    ///< "id<TAB>label" per document
};

/// Where write_corpus puts the vocabulary and document table for a corpus written to `path`:
/// beside it, named as find_vocab_path looks for them.
CorpusPaths companion_paths(const std::string& path);

/// Writes a corpus as uci, ldac or mm, with its vocabulary and document table, or as tmc (one file,
/// paths.corpus, holding all three); each file complete or not at all.
void write_corpus(const Corpus& corpus, CorpusFormat format, const CorpusPaths& paths);

}  // namespace tmkit
