#include "tmkit/corpus/corpus.hpp"

#include <boost/test/unit_test.hpp>

#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(corpus)

tmkit::Corpus three_words() { return tmkit::Corpus({"a", "b", "c"}); }

BOOST_AUTO_TEST_CASE(add_document_sorts_merges_and_drops_zeros) {
  tmkit::Corpus corpus = three_words();
  corpus.add_document({{2, 1}, {0, 2}, {2, 3}, {1, 0}}, "d1", "L");
  const tmkit::DocView doc = corpus.doc(0);
  BOOST_TEST(doc.n == 2u);
  BOOST_TEST(doc.ids[0] == 0u);
  BOOST_TEST(doc.counts[0] == 2u);
  BOOST_TEST(doc.ids[1] == 2u);
  BOOST_TEST(doc.counts[1] == 4u);
  BOOST_TEST(corpus.n_tokens() == 6u);
  BOOST_TEST(corpus.doc_ids()[0] == "d1");
  BOOST_TEST(corpus.has_labels());
}

BOOST_AUTO_TEST_CASE(out_of_range_word_is_rejected) {
  tmkit::Corpus corpus = three_words();
  BOOST_CHECK_THROW(corpus.add_document({{3, 1}}), tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(frequencies_and_empty_documents) {
  tmkit::Corpus corpus = three_words();
  corpus.add_document({{0, 2}, {1, 1}});
  corpus.add_document({});
  corpus.add_document({{0, 5}});
  BOOST_TEST(corpus.document_frequencies() == (std::vector<std::uint32_t>{2, 1, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(corpus.word_totals() == (std::vector<std::uint64_t>{7, 1, 0}),
             boost::test_tools::per_element());
  BOOST_TEST(corpus.first_empty_document() == 1u);
}

BOOST_AUTO_TEST_CASE(fingerprint_depends_on_content_not_on_ids) {
  tmkit::Corpus a = three_words(), b = three_words(), c = three_words();
  a.add_document({{0, 1}, {2, 2}}, "x");
  b.add_document({{2, 2}, {0, 1}}, "y", "label");
  c.add_document({{0, 1}, {2, 3}});
  BOOST_TEST(a.fingerprint() == b.fingerprint());
  BOOST_TEST(a.fingerprint() != c.fingerprint());
  BOOST_TEST(a.fingerprint().size() == 64u);
}

BOOST_AUTO_TEST_SUITE_END()
