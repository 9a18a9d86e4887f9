// Turning raw text into bag-of-words documents: a UTF-8 tokenizer (letters only, lower-cased,
// minimum length, stop words) and a vocabulary built with document-frequency and size limits, as
// gensim's Dictionary.filter_extremes and scikit-learn's CountVectorizer do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

/// How raw text is cut into tokens.
struct TokenizerOptions {
  bool lowercase = true;           ///< map every letter to lower case (Unicode-aware)
  std::size_t min_length = 2;      ///< shortest token kept, in code points (scikit-learn's default)
  bool builtin_stop_words = true;  ///< drop tmkit's English stop list
  std::vector<std::string> extra_stop_words;  ///< more words to drop (compared after lower-casing)
};

/// Splits UTF-8 text into tokens: maximal runs of Unicode letters (combining marks stay with the
/// letter before them), optionally lower-cased, at least `min_length` code points long, not stop
/// words. Anything else (digits, punctuation, spaces, invalid UTF-8 bytes) separates tokens; the
/// tokenizer never splits a multi-byte letter and never fails on bad bytes.
class Tokenizer {
 public:
  explicit Tokenizer(TokenizerOptions options = {});

  /// Appends the tokens of `text` to `out`.
  void tokenize(std::string_view text, std::vector<std::string>& out) const;
  std::vector<std::string> tokenize(std::string_view text) const;

  bool is_stop_word(const std::string& word) const { return stop_words_.count(word) != 0; }
  const TokenizerOptions& options() const noexcept { return options_; }

 private:
  TokenizerOptions options_;
  std::unordered_set<std::string> stop_words_;  ///< lower-cased when options_.lowercase
};

/// tmkit's built-in English stop list (function words: articles, pronouns, auxiliaries,
/// prepositions, conjunctions), lower case.
const std::vector<std::string>& builtin_english_stop_words();

/// Reads a word list, one word per line; blank lines and lines starting with '#' are skipped.
/// InputError if the file cannot be read.
std::vector<std::string> read_word_list(const std::string& path);

/// A document-frequency limit, either an absolute number of documents or a fraction of them
/// (scikit-learn's convention: "5" is a count, "0.5" a fraction).
struct DocFrequencyLimit {
  double value = 1.0;        ///< count (>= 0, whole) or fraction (in [0, 1])
  bool is_fraction = false;  ///< how `value` is read

  /// Parses "N" (a count) or "F" with a decimal point (a fraction in [0, 1]); UsageError otherwise.
  static DocFrequencyLimit parse(const std::string& text, const std::string& option_name);
  /// The limit as a number of documents out of `n_docs`.
  double documents(std::size_t n_docs) const noexcept {
    return is_fraction ? value * static_cast<double>(n_docs) : value;
  }
};

/// Which words enter the vocabulary.
struct VocabularyOptions {
  DocFrequencyLimit min_df{1.0, false};  ///< keep words in at least this many documents
  DocFrequencyLimit max_df{1.0, true};   ///< and in at most this many
  std::size_t max_vocab = 0;  ///< keep only the most frequent words (by total count); 0 = all
};

/// One raw document: its text and where it came from.
struct TextDocument {
  std::string id;     ///< document id ("" to use its position)
  std::string label;  ///< optional label
  std::string text;   ///< UTF-8 text
};

/// What happened while turning texts into a corpus.
struct TextImportReport {
  std::size_t n_input_documents = 0;           ///< documents read
  std::vector<std::size_t> dropped_documents;  ///< 0-based input positions left empty, dropped
  std::uint64_t n_tokens = 0;                  ///< tokens after the tokenizer
  std::uint64_t n_tokens_kept = 0;             ///< tokens whose word is in the vocabulary
  std::size_t n_types = 0;                     ///< distinct tokens before the vocabulary limits
  std::size_t n_words = 0;                     ///< vocabulary size after the limits
  std::uint64_t n_unknown_tokens = 0;          ///< with a fixed vocabulary: tokens not in it
  std::size_t n_unknown_types = 0;             ///< with a fixed vocabulary: distinct such words
};

/// Builds a corpus from raw documents: tokenizes them, builds the vocabulary under `vocab_options`
/// (sorted alphabetically, by byte order), and maps every document onto it. Documents left without
/// a word are dropped unless `keep_empty` (their positions are reported). UsageError when no word
/// survives the limits.
Corpus corpus_from_texts(const std::vector<TextDocument>& documents, const Tokenizer& tokenizer,
                         const VocabularyOptions& vocab_options, bool keep_empty,
                         TextImportReport* report = nullptr, const WorkHooks& hooks = {});

/// Maps raw documents onto a fixed vocabulary (a model's): unknown words are counted in the
/// report, never mapped to another word. Empty documents are kept (a new document may share no word
/// with the model).
Corpus corpus_from_texts_with_vocab(const std::vector<TextDocument>& documents,
                                    const Tokenizer& tokenizer,
                                    const std::vector<std::string>& vocab,
                                    TextImportReport* report = nullptr,
                                    const WorkHooks& hooks = {});

}  // namespace tmkit
