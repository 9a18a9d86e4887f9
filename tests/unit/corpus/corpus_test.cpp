#include "tmkit/corpus/corpus.hpp"

#include <boost/test/unit_test.hpp>
#include <limits>
#include <string>
#include <vector>

#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(corpus)

// Corpus::fingerprint() of the two documents of
// fingerprint_of_whole_counts_is_unchanged_by_their_type as tmkit computed it when counts were
// 32-bit integers (the same bytes hashed by Python: sha256 of the header, sizes, words, offsets,
// ids and counts as uint32).
const std::string kFingerprintOfTwoDocuments =
    "046581dd1db22ab85bf5c9bd47232dcc630f9b2eedec049755f7df0cb97a1200";

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

BOOST_AUTO_TEST_CASE(weighted_counts_are_kept_and_bad_ones_refused) {
  tmkit::Corpus corpus = three_words();
  corpus.add_document({{0, 2}, {1, 1}});
  BOOST_TEST(corpus.whole_counts());
  const std::string whole = corpus.fingerprint();
  corpus.add_document({{1, 0.25}, {2, 1.5}});
  BOOST_TEST(!corpus.whole_counts());
  BOOST_TEST(corpus.n_tokens() == 4.75);
  BOOST_TEST(corpus.doc(1).counts[0] == 0.25);
  BOOST_TEST(corpus.fingerprint() != whole);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double bad : {-1.0, nan, std::numeric_limits<double>::infinity()}) {
    BOOST_CHECK_THROW(corpus.add_document({{0, bad}}), tmkit::UsageError);
  }
  // Files hold whole counts: writing a weighted corpus is refused.
  BOOST_CHECK_THROW(tmkit::require_file_counts(corpus), tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(fingerprint_of_whole_counts_is_unchanged_by_their_type) {
  // The fingerprint hashes whole counts as 32-bit integers, as it always did (models record it);
  // this value was taken before counts became doubles.
  tmkit::Corpus corpus = three_words();
  corpus.add_document({{0, 2}, {2, 1}});
  corpus.add_document({{1, 5}});
  BOOST_TEST(corpus.fingerprint() == kFingerprintOfTwoDocuments);
}

BOOST_AUTO_TEST_CASE(a_view_reads_the_callers_arrays_in_place) {
  const std::vector<std::size_t> offsets{0, 2, 2, 3};
  const std::vector<tmkit::WordId> ids{0, 2, 1};
  const std::vector<tmkit::Count> counts{2, 0.5, 3};
  const tmkit::Corpus corpus =
      tmkit::Corpus::view({"a", "b", "c"}, offsets.data(), 3, ids.data(), counts.data());
  BOOST_TEST(corpus.is_view());
  BOOST_TEST(corpus.n_docs() == 3u);
  BOOST_TEST(corpus.n_nonzeros() == 3u);
  BOOST_TEST(corpus.doc(0).ids == ids.data());
  BOOST_TEST(corpus.doc(2).counts == counts.data() + 2);
  BOOST_TEST(corpus.doc(1).n == 0u);
  BOOST_TEST(corpus.n_tokens() == 5.5);
  BOOST_TEST(!corpus.whole_counts());
  // Copies and moves keep reading the same arrays; documents cannot be added.
  tmkit::Corpus copy = corpus;
  BOOST_TEST(copy.doc(0).ids == ids.data());
  tmkit::Corpus moved = std::move(copy);
  BOOST_TEST(moved.doc(2).counts == counts.data() + 2);
  BOOST_CHECK_THROW(moved.add_document({{0, 1}}), tmkit::UsageError);
  // Everything is checked.
  const std::vector<tmkit::WordId> unsorted{2, 0, 1};
  BOOST_CHECK_THROW(
      tmkit::Corpus::view({"a", "b", "c"}, offsets.data(), 3, unsorted.data(), counts.data()),
      tmkit::UsageError);
  const std::vector<tmkit::WordId> out_of_range{0, 3, 1};
  BOOST_CHECK_THROW(
      tmkit::Corpus::view({"a", "b", "c"}, offsets.data(), 3, out_of_range.data(), counts.data()),
      tmkit::UsageError);
  const std::vector<tmkit::Count> zero{2, 0, 3};
  BOOST_CHECK_THROW(
      tmkit::Corpus::view({"a", "b", "c"}, offsets.data(), 3, ids.data(), zero.data()),
      tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(an_owned_corpus_survives_copies_and_moves) {
  tmkit::Corpus corpus = three_words();
  corpus.add_document({{0, 1}, {1, 2}});
  tmkit::Corpus copy = corpus;
  corpus.add_document({{2, 7}});  // may reallocate the original's arrays
  BOOST_TEST(copy.n_docs() == 1u);
  BOOST_TEST(copy.doc(0).counts[1] == 2.0);
  tmkit::Corpus moved = std::move(corpus);
  BOOST_TEST(moved.n_docs() == 2u);
  BOOST_TEST(moved.doc(1).counts[0] == 7.0);
  copy = moved;
  BOOST_TEST(copy.doc(1).ids[0] == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
