#include "tmkit/corpus/text.hpp"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <unordered_map>

#include "detail/utf8.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/interrupt.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/numbers.hpp"

namespace tmkit {
namespace {

// glibc >= 2.35 builds C.UTF-8 in, with Unicode character classes for every code point. When the
// locale is missing (another libc), non-ASCII code points are taken as letters and left in case.
locale_t unicode_ctype() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Combining diacritical marks (Unicode blocks 0300-036F, 1AB0-1AFF, 1DC0-1DFF, 20D0-20FF,
// FE20-FE2F): part of the letter before them in decomposed (NFD) text.
bool is_combining_mark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  const locale_t locale = unicode_ctype();
  if (locale == static_cast<locale_t>(0)) return !is_combining_mark(cp);
  return iswalpha_l(static_cast<wint_t>(cp), locale) != 0;
}

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
  const locale_t locale = unicode_ctype();
  if (locale == static_cast<locale_t>(0)) return cp;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), locale));
}

}  // namespace

const std::vector<std::string>& builtin_english_stop_words() {
  // Function words of English: articles, pronouns and their forms, auxiliary and modal verbs,
  // prepositions, conjunctions, and the commonest adverbs and determiners. Content words (even
  // frequent ones such as "said" or "people") are left to document-frequency limits.
  static const std::vector<std::string> words = {
      "a",       "about",    "above",     "after",      "again",     "against",   "all",
      "almost",  "also",     "although",  "am",         "among",     "an",        "and",
      "another", "any",      "are",       "as",         "at",        "be",        "because",
      "been",    "before",   "being",     "below",      "between",   "both",      "but",
      "by",      "can",      "cannot",    "could",      "did",       "do",        "does",
      "doing",   "done",     "down",      "during",     "each",      "either",    "else",
      "ever",    "every",    "few",       "for",        "from",      "further",   "had",
      "has",     "have",     "having",    "he",         "her",       "here",      "hers",
      "herself", "him",      "himself",   "his",        "how",       "however",   "i",
      "if",      "in",       "into",      "is",         "it",        "its",       "itself",
      "just",    "least",    "less",      "may",        "me",        "might",     "more",
      "most",    "much",     "must",      "my",         "myself",    "neither",   "no",
      "nor",     "not",      "now",       "of",         "off",       "often",     "on",
      "once",    "only",     "or",        "other",      "others",    "otherwise", "ought",
      "our",     "ours",     "ourselves", "out",        "over",      "own",       "per",
      "perhaps", "quite",    "rather",    "same",       "shall",     "she",       "should",
      "since",   "so",       "some",      "such",       "than",      "that",      "the",
      "their",   "theirs",   "them",      "themselves", "then",      "there",     "therefore",
      "these",   "they",     "this",      "those",      "though",    "through",   "thus",
      "to",      "too",      "toward",    "towards",    "under",     "unless",    "until",
      "up",      "upon",     "us",        "very",       "was",       "we",        "were",
      "what",    "whatever", "when",      "whenever",   "where",     "whereas",   "wherever",
      "whether", "which",    "while",     "who",        "whoever",   "whom",      "whose",
      "why",     "will",     "with",      "within",     "without",   "would",     "yet",
      "you",     "your",     "yours",     "yourself",   "yourselves"};
  return words;
}

std::vector<std::string> read_word_list(const std::string& path) {
  std::vector<std::string> words;
  for (std::string& line : read_lines(path)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    words.push_back(line.substr(start));
  }
  return words;
}

Tokenizer::Tokenizer(TokenizerOptions options) : options_(std::move(options)) {
  const auto add = [&](const std::string& word) {
    if (!options_.lowercase) {
      stop_words_.insert(word);
      return;
    }
    std::string lowered;
    for (std::size_t i = 0; i < word.size();) {
      char32_t cp = 0;
      const std::size_t length = detail::decode_utf8(word, i, cp);
      if (length == 0) {
        lowered += word[i++];
        continue;
      }
      append_utf8(to_lower(cp), lowered);
      i += length;
    }
    stop_words_.insert(lowered);
  };
  if (options_.builtin_stop_words) {
    for (const auto& word : builtin_english_stop_words()) add(word);
  }
  for (const auto& word : options_.extra_stop_words) add(word);
}

void Tokenizer::tokenize(std::string_view text, std::vector<std::string>& out) const {
  std::string token;
  std::size_t token_length = 0;  // code points, marks excluded
  const auto flush = [&] {
    if (token_length >= options_.min_length && token_length > 0 && !is_stop_word(token)) {
      out.push_back(token);
    }
    token.clear();
    token_length = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t length = detail::decode_utf8(text, i, cp);
    if (length == 0) {  // invalid byte: a separator
      flush();
      ++i;
      continue;
    }
    i += length;
    if (is_letter(cp)) {
      append_utf8(options_.lowercase ? to_lower(cp) : cp, token);
      ++token_length;
    } else if (is_combining_mark(cp) && token_length > 0) {
      append_utf8(cp, token);
    } else {
      flush();
    }
  }
  flush();
}

std::vector<std::string> Tokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  tokenize(text, out);
  return out;
}

DocFrequencyLimit DocFrequencyLimit::parse(const std::string& text,
                                           const std::string& option_name) {
  DocFrequencyLimit limit;
  const std::optional<double> number = parse_number(text);
  const double value = number.value_or(-1.0);
  const bool is_fraction = text.find('.') != std::string::npos;
  if (!number || !(value >= 0.0) || (is_fraction && value > 1.0) ||
      (!is_fraction && value != static_cast<double>(static_cast<std::uint64_t>(value)))) {
    throw UsageError(option_name + ": \"" + text +
                     "\" is not a limit; expected a document count (e.g. 5) or a fraction of "
                     "documents with a decimal point (e.g. 0.5)");
  }
  limit.value = value;
  limit.is_fraction = is_fraction;
  return limit;
}

namespace {

// Tokenizes every document into ids of a growing dictionary of distinct tokens (first-seen order).
struct TokenizedTexts {
  std::vector<std::string> types;                ///< distinct tokens
  std::vector<std::vector<std::uint32_t>> docs;  ///< per document, token ids (with repeats)
  std::uint64_t n_tokens = 0;
};

// Also records the counts of documents, tokens and distinct tokens in `report`.
// Documents tokenized between two looks at a stop request and the progress hook.
constexpr std::size_t kDocsBetweenPolls = 1024;

TokenizedTexts tokenize_all(const std::vector<TextDocument>& documents, const Tokenizer& tokenizer,
                            TextImportReport& report, const WorkHooks& hooks) {
  TokenizedTexts result;
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<std::string> tokens;
  result.docs.resize(documents.size());
  for (std::size_t d = 0; d < documents.size(); ++d) {
    if (d % kDocsBetweenPolls == 0) {
      hooks.poll();
      hooks.progress(d, documents.size());
    }
    tokens.clear();
    tokenizer.tokenize(documents[d].text, tokens);
    auto& ids = result.docs[d];
    ids.reserve(tokens.size());
    for (auto& token : tokens) {
      auto [it, inserted] =
          index.try_emplace(token, static_cast<std::uint32_t>(result.types.size()));
      if (inserted) result.types.push_back(std::move(token));
      ids.push_back(it->second);
    }
    result.n_tokens += tokens.size();
  }
  report.n_input_documents = documents.size();
  report.n_tokens = result.n_tokens;
  report.n_types = result.types.size();
  return result;
}

// Adds each document through `word_of_type` (kNone for words outside the vocabulary).
constexpr std::uint32_t kNone = 0xFFFFFFFFu;

void fill_corpus(Corpus& corpus, const std::vector<TextDocument>& documents,
                 const TokenizedTexts& texts, const std::vector<std::uint32_t>& word_of_type,
                 bool keep_empty, TextImportReport& report) {
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    entries.clear();
    for (std::uint32_t type : texts.docs[d]) {
      const std::uint32_t word = word_of_type[type];
      if (word == kNone) {
        ++report.n_unknown_tokens;
        continue;
      }
      entries.emplace_back(word, 1);
    }
    report.n_tokens_kept += entries.size();
    if (entries.empty() && !keep_empty) {
      report.dropped_documents.push_back(d);
      continue;
    }
    const std::string id = documents[d].id.empty() ? std::to_string(d + 1) : documents[d].id;
    corpus.add_document(std::move(entries), id, documents[d].label);
    entries = {};
  }
}

}  // namespace

Corpus corpus_from_texts(const std::vector<TextDocument>& documents, const Tokenizer& tokenizer,
                         const VocabularyOptions& vocab_options, bool keep_empty,
                         TextImportReport* report_out, const WorkHooks& hooks) {
  TextImportReport report;
  const TokenizedTexts texts = tokenize_all(documents, tokenizer, report, hooks);
  if (texts.types.empty()) {
    throw UsageError("the " + std::to_string(documents.size()) +
                     " documents hold no word the tokenizer keeps; expected text with words of at "
                     "least the minimum length that are not stop words");
  }

  std::vector<std::uint32_t> df(texts.types.size(), 0);
  std::vector<std::uint64_t> total(texts.types.size(), 0);
  {
    std::vector<std::size_t> last_doc(texts.types.size(), static_cast<std::size_t>(-1));
    for (std::size_t d = 0; d < texts.docs.size(); ++d) {
      for (std::uint32_t type : texts.docs[d]) {
        ++total[type];
        if (last_doc[type] != d) {
          last_doc[type] = d;
          ++df[type];
        }
      }
    }
  }
  const double min_docs = vocab_options.min_df.documents(documents.size());
  const double max_docs = vocab_options.max_df.documents(documents.size());
  std::vector<std::uint32_t> kept;
  for (std::uint32_t type = 0; type < texts.types.size(); ++type) {
    if (df[type] >= min_docs && df[type] <= max_docs) kept.push_back(type);
  }
  if (vocab_options.max_vocab > 0 && kept.size() > vocab_options.max_vocab) {
    // Most frequent first; ties broken by the word itself so the result is reproducible.
    std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (total[a] != total[b]) return total[a] > total[b];
      return texts.types[a] < texts.types[b];
    });
    kept.resize(vocab_options.max_vocab);
  }
  if (kept.empty()) {
    throw UsageError(
        "no word is left after the vocabulary limits (" + std::to_string(texts.types.size()) +
        " distinct tokens in " + std::to_string(documents.size()) +
        " documents); expected at least one: relax the document-frequency limits (min-df, "
        "max-df)");
  }
  std::sort(kept.begin(), kept.end(),
            [&](std::uint32_t a, std::uint32_t b) { return texts.types[a] < texts.types[b]; });
  std::vector<std::string> vocab;
  vocab.reserve(kept.size());
  std::vector<std::uint32_t> word_of_type(texts.types.size(), kNone);
  for (std::size_t w = 0; w < kept.size(); ++w) {
    word_of_type[kept[w]] = static_cast<std::uint32_t>(w);
    vocab.push_back(texts.types[kept[w]]);
  }
  report.n_words = vocab.size();
  Corpus corpus(std::move(vocab));
  fill_corpus(corpus, documents, texts, word_of_type, keep_empty, report);
  report.n_unknown_tokens = 0;  // words outside the limits are filtered, not unknown
  if (report_out) *report_out = report;
  return corpus;
}

Corpus corpus_from_texts_with_vocab(const std::vector<TextDocument>& documents,
                                    const Tokenizer& tokenizer,
                                    const std::vector<std::string>& vocab,
                                    TextImportReport* report_out, const WorkHooks& hooks) {
  TextImportReport report;
  const TokenizedTexts texts = tokenize_all(documents, tokenizer, report, hooks);
  std::unordered_map<std::string, std::uint32_t> word_index;
  for (std::size_t w = 0; w < vocab.size(); ++w) {
    word_index.emplace(vocab[w], static_cast<std::uint32_t>(w));
  }
  std::vector<std::uint32_t> word_of_type(texts.types.size(), kNone);
  for (std::size_t t = 0; t < texts.types.size(); ++t) {
    const auto it = word_index.find(texts.types[t]);
    if (it != word_index.end()) {
      word_of_type[t] = it->second;
    } else {
      ++report.n_unknown_types;
    }
  }
  report.n_words = vocab.size();
  Corpus corpus(vocab);
  fill_corpus(corpus, documents, texts, word_of_type, /*keep_empty=*/true, report);
  if (report_out) *report_out = report;
  return corpus;
}

}  // namespace tmkit
