#include "tmkit/corpus/text.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(text)

using Tokens = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(lowercases_splits_on_non_letters_and_drops_short_and_stop_words) {
  const tmkit::Tokenizer tokenizer;
  BOOST_TEST(tokenizer.tokenize("The Cat's 3 hats, and a DOG-house!") ==
                 (Tokens{"cat", "hats", "dog", "house"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(multibyte_letters_stay_whole_and_lowercase) {
  const tmkit::Tokenizer tokenizer;
  // é (2 bytes), ß, Cyrillic Ж -> ж, CJK 中文 (3 bytes each), Greek ΑΒΓ -> αβγ.
  BOOST_TEST(tokenizer.tokenize("Café STRAßE Жук 中文 ΑΒΓ") ==
                 (Tokens{"café", "straße", "жук", "中文", "αβγ"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(combining_marks_stay_with_their_letter) {
  const tmkit::Tokenizer tokenizer;
  // "cafe" + U+0301 (combining acute) is one token of four letters.
  BOOST_TEST(tokenizer.tokenize("cafe\xCC\x81 x") == (Tokens{"cafe\xCC\x81"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_separates_and_never_crashes) {
  const tmkit::Tokenizer tokenizer;
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate, an emoji.
  const std::string text =
      "ab\x80"
      "cd \xE4\xB8 ef\xC0\xAFgh \xED\xA0\x80ij \xF0\x9F\x98\x80kl";
  BOOST_TEST(tokenizer.tokenize(text) == (Tokens{"ab", "cd", "ef", "gh", "ij", "kl"}),
             boost::test_tools::per_element());
  BOOST_TEST(tokenizer.tokenize(std::string("\xC3", 1)).empty());  // cut inside a letter
}

BOOST_AUTO_TEST_CASE(min_length_counts_letters_not_bytes) {
  tmkit::TokenizerOptions options;
  options.min_length = 3;
  options.builtin_stop_words = false;
  const tmkit::Tokenizer tokenizer(options);
  BOOST_TEST(tokenizer.tokenize("жук ab abc éé") == (Tokens{"жук", "abc"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(user_stop_words_and_keep_case) {
  tmkit::TokenizerOptions options;
  options.lowercase = false;
  options.builtin_stop_words = false;
  options.extra_stop_words = {"Lord"};
  const tmkit::Tokenizer tokenizer(options);
  BOOST_TEST(tokenizer.tokenize("the Lord lord The") == (Tokens{"the", "lord", "The"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(document_frequency_limits_parse_counts_and_fractions) {
  const auto count = tmkit::DocFrequencyLimit::parse("5", "--min-df");
  const auto fraction = tmkit::DocFrequencyLimit::parse("0.5", "--max-df");
  BOOST_TEST(!count.is_fraction);
  BOOST_TEST(count.documents(100) == 5.0);
  BOOST_TEST(fraction.is_fraction);
  BOOST_TEST(fraction.documents(100) == 50.0);
  for (const char* bad : {"-1", "1.5", "x", "2.5e", ""}) {
    BOOST_CHECK_THROW(tmkit::DocFrequencyLimit::parse(bad, "--min-df"), tmkit::UsageError);
  }
}

std::vector<tmkit::TextDocument> sample_documents() {
  return {{"a", "x", "apple banana cherry"},
          {"b", "x", "apple banana"},
          {"c", "y", "apple durian durian"},
          {"d", "y", "the of and"},
          {"e", "y", "apple elder"}};
}

BOOST_AUTO_TEST_CASE(vocabulary_limits_and_empty_documents) {
  const tmkit::Tokenizer tokenizer;
  tmkit::VocabularyOptions limits;
  limits.min_df = tmkit::DocFrequencyLimit::parse("2", "--min-df");
  limits.max_df = tmkit::DocFrequencyLimit::parse("0.9", "--max-df");
  tmkit::TextImportReport report;
  const tmkit::Corpus corpus =
      tmkit::corpus_from_texts(sample_documents(), tokenizer, limits, false, &report);
  // apple is in 4/5 = 0.8 <= 0.9 documents; banana in 2; the others in 1 (or are stop words).
  BOOST_TEST(corpus.vocab() == (Tokens{"apple", "banana"}), boost::test_tools::per_element());
  BOOST_TEST(corpus.n_docs() == 4u);  // "the of and" is left empty and dropped
  BOOST_TEST(report.dropped_documents == (std::vector<std::size_t>{3}),
             boost::test_tools::per_element());
  BOOST_TEST(corpus.doc_ids()[3] == "e");
  BOOST_TEST(corpus.labels()[2] == "y");
  BOOST_TEST(report.n_tokens == 10u);
  BOOST_TEST(report.n_tokens_kept == 6u);
}

BOOST_AUTO_TEST_CASE(max_vocab_keeps_the_most_frequent_with_ties_by_word) {
  const tmkit::Tokenizer tokenizer;
  tmkit::VocabularyOptions limits;
  limits.max_vocab = 3;
  const tmkit::Corpus corpus =
      tmkit::corpus_from_texts(sample_documents(), tokenizer, limits, true);
  // totals: apple 4, banana 2, durian 2, cherry 1, elder 1
  BOOST_TEST(corpus.vocab() == (Tokens{"apple", "banana", "durian"}),
             boost::test_tools::per_element());
  BOOST_TEST(corpus.n_docs() == 5u);  // keep_empty
}

BOOST_AUTO_TEST_CASE(fixed_vocabulary_counts_unknown_words) {
  const tmkit::Tokenizer tokenizer;
  tmkit::TextImportReport report;
  const tmkit::Corpus corpus = tmkit::corpus_from_texts_with_vocab(
      {{"q", "", "apple zebra zebra banana"}}, tokenizer, {"apple", "banana"}, &report);
  BOOST_TEST(corpus.doc(0).n == 2u);
  BOOST_TEST(report.n_unknown_tokens == 2u);
  BOOST_TEST(report.n_unknown_types == 1u);
}

BOOST_AUTO_TEST_CASE(limits_that_leave_nothing_are_an_error) {
  const tmkit::Tokenizer tokenizer;
  tmkit::VocabularyOptions limits;
  limits.min_df = tmkit::DocFrequencyLimit::parse("10", "--min-df");
  BOOST_CHECK_THROW(tmkit::corpus_from_texts(sample_documents(), tokenizer, limits, false),
                    tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
