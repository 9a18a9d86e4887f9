#include "tmkit/corpus/tmc.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/sha256.hpp"

namespace {

// A synthetic corpus with ids, labels (some empty), a UTF-8 word and one empty document.
tmkit::Corpus labelled_corpus() {
  tmkit::SyntheticSpec spec;
  spec.n_docs = 300;
  spec.n_words = 120;
  spec.mean_length = 25;
  spec.seed = 4;
  const tmkit::Corpus drawn = tmkit::generate_lda_corpus(spec).corpus;
  std::vector<std::string> vocab = drawn.vocab();
  vocab[7] = "naïve";
  tmkit::Corpus corpus(vocab);
  for (std::size_t d = 0; d < drawn.n_docs(); ++d) {
    const tmkit::DocView doc = drawn.doc(d);
    std::vector<std::pair<tmkit::WordId, tmkit::Count>> entries;
    if (d != 41) {
      for (std::size_t i = 0; i < doc.n; ++i) entries.emplace_back(doc.ids[i], doc.counts[i]);
    }
    corpus.add_document(entries, "doc-" + std::to_string(d),
                        d % 3 ? "label " + std::to_string(d % 3) : "");
  }
  return corpus;
}

void check_equal(const tmkit::Corpus& a, const tmkit::Corpus& b) {
  BOOST_TEST(a.fingerprint() == b.fingerprint());
  BOOST_TEST(a.n_tokens() == b.n_tokens());
  BOOST_TEST(a.doc_ids() == b.doc_ids());
  BOOST_TEST(a.labels() == b.labels());
  BOOST_TEST(a.vocab() == b.vocab());
}

std::string bytes_of(const std::string& path) { return tmkit::read_file(path); }

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::uint64_t u64_at(const std::string& bytes, std::size_t at) {
  std::uint64_t v;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}

// Offset of section s of a .tmc file (the section table starts at byte 64, 48 bytes an entry).
std::uint64_t section_offset(const std::string& bytes, int s) {
  return u64_at(bytes, 64 + 48 * static_cast<std::size_t>(s));
}

// Expects `action` to throw InputError whose message contains `needle`.
template <class Action>
void expect_input_error(Action action, const std::string& needle) {
  try {
    action();
    BOOST_FAIL("expected an InputError containing \"" + needle + "\"");
  } catch (const tmkit::InputError& e) {
    BOOST_TEST_INFO(e.what());
    BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tmc)

BOOST_AUTO_TEST_CASE(round_trip_keeps_documents_vocabulary_ids_labels_and_empty_documents) {
  const tmkit::Corpus corpus = labelled_corpus();
  tmkit::test::ScratchDir dir;
  for (std::size_t block : {std::size_t{1}, std::size_t{7}, tmkit::kTmcBlockDocs}) {
    const std::string path = dir.file("c" + std::to_string(block) + ".tmc");
    tmkit::write_tmc(corpus, path, block);
    BOOST_TEST(tmkit::is_tmc_file(path));
    BOOST_TEST((tmkit::detect_corpus_format(path) == tmkit::CorpusFormat::tmc));
    tmkit::TmcFile file(path);
    BOOST_TEST(file.n_docs() == corpus.n_docs());
    BOOST_TEST(file.n_nonzeros() == corpus.n_nonzeros());
    BOOST_TEST(file.block_docs() == block);
    check_equal(file.read_all(), corpus);
    tmkit::CorpusReadOptions keep;
    keep.keep_empty = true;
    check_equal(tmkit::read_corpus(path, keep), corpus);
    // The empty document is refused unless asked for, as for every other format.
    expect_input_error([&] { tmkit::read_corpus(path, {}); }, "document 42 has no words");
  }
}

BOOST_AUTO_TEST_CASE(text_to_tmc_to_uci_is_lossless) {
  const tmkit::Corpus original =
      tmkit::read_corpus(tmkit::test::source_path("corpora/kjv/docword.kjv.txt"));
  tmkit::test::ScratchDir dir;
  tmkit::write_corpus(original, tmkit::CorpusFormat::tmc,
                      tmkit::companion_paths(dir.file("kjv.tmc")));
  const tmkit::Corpus from_tmc = tmkit::read_corpus(dir.file("kjv.tmc"));
  check_equal(from_tmc, original);
  const std::string uci = dir.file("docword.back.txt");
  tmkit::write_corpus(from_tmc, tmkit::CorpusFormat::uci, tmkit::companion_paths(uci));
  check_equal(tmkit::read_corpus(uci), original);
}

BOOST_AUTO_TEST_CASE(random_ranges_from_the_map_match_a_full_read) {
  const tmkit::Corpus corpus = labelled_corpus();
  tmkit::test::ScratchDir dir;
  const std::string path = dir.file("c.tmc");
  tmkit::write_tmc(corpus, path, 16);
  tmkit::Rng rng = tmkit::make_rng(77, 0);
  for (int trial = 0; trial < 50; ++trial) {
    tmkit::TmcFile file(path);  // fresh each time: nothing checked yet
    std::size_t first = rng() % corpus.n_docs();
    std::size_t last = rng() % (corpus.n_docs() + 1);
    if (first > last) std::swap(first, last);
    std::vector<std::size_t> range;
    for (std::size_t d = first; d < last; ++d) range.push_back(d);
    check_equal(file.read(first, last), corpus.select_documents(range));
  }
}

BOOST_AUTO_TEST_CASE(streams_batches_like_the_corpus) {
  const tmkit::Corpus corpus = labelled_corpus();
  tmkit::test::ScratchDir dir;
  const std::string path = dir.file("c.tmc");
  tmkit::write_tmc(corpus, path, 10);
  tmkit::CorpusReadOptions keep;
  keep.keep_empty = true;
  const auto stream = tmkit::open_document_stream(path, keep);
  BOOST_TEST(stream->n_tokens() == corpus.n_tokens());
  BOOST_TEST(stream->doc_table_line(5) == "doc-5\tlabel 2");
  tmkit::DocumentBatch batch;
  std::size_t seen = 0;
  for (int pass = 0; pass < 2; ++pass) {
    stream->rewind();
    seen = 0;
    while (stream->next(37, batch)) {
      for (std::size_t i = 0; i < batch.n_docs(); ++i, ++seen) {
        const tmkit::DocView a = batch.doc(i), b = corpus.doc(seen);
        BOOST_REQUIRE(a.n == b.n);
        BOOST_TEST(std::equal(a.ids, a.ids + a.n, b.ids));
        BOOST_TEST(std::equal(a.counts, a.counts + a.n, b.counts));
      }
    }
    BOOST_TEST(seen == corpus.n_docs());
  }
  const auto strict = tmkit::open_document_stream(path, {});
  expect_input_error(
      [&] {
        while (strict->next(100, batch)) {
        }
      },
      "document 42 has no words");
}

BOOST_AUTO_TEST_CASE(truncated_files_are_refused) {
  tmkit::test::ScratchDir dir;
  const std::string good = dir.file("c.tmc"), bad = dir.file("bad.tmc");
  tmkit::write_tmc(labelled_corpus(), good);
  const std::string bytes = bytes_of(good);
  write_bytes(bad, bytes.substr(0, bytes.size() - 1));
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "the file is truncated");
  write_bytes(bad, bytes.substr(0, 100));
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "shorter than a .tmc header");
  write_bytes(bad, bytes + "x");
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "bytes were appended");
  write_bytes(bad, "");
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "shorter than a .tmc header");
}

BOOST_AUTO_TEST_CASE(corrupted_bytes_are_found_where_they_are) {
  tmkit::test::ScratchDir dir;
  const std::string good = dir.file("c.tmc"), bad = dir.file("bad.tmc");
  const tmkit::Corpus corpus = labelled_corpus();
  tmkit::write_tmc(corpus, good, 100);
  const std::string bytes = bytes_of(good);

  std::string header = bytes;
  header[20] ^= 1;  // the document count
  write_bytes(bad, header);
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "header checksum does not match");

  std::string vocab = bytes;
  vocab[section_offset(bytes, 5)] ^= 0x20;  // first letter of the first word
  write_bytes(bad, vocab);
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "vocabulary checksum does not match");

  // A flipped word id in document 250 (block 3 of 100 documents): the rest still reads.
  std::string entries = bytes;
  const std::size_t entry = u64_at(bytes, section_offset(bytes, 0) + 8 * 250);
  entries[section_offset(bytes, 1) + 4 * entry] ^= 1;
  write_bytes(bad, entries);
  tmkit::TmcFile file(bad);
  std::vector<std::size_t> first_two(200);
  for (std::size_t d = 0; d < 200; ++d) first_two[d] = d;
  check_equal(file.read(0, 200), corpus.select_documents(first_two));
  expect_input_error([&] { file.read(180, 260); }, "documents 201 to 300: checksum does not match");
  expect_input_error([&] { tmkit::read_corpus(bad); }, "checksum does not match");

  write_bytes(bad, "TMKITCRP but not really");
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "shorter than a .tmc header");
  std::string version = bytes;
  version[8] = 9;
  write_bytes(bad, version);
  expect_input_error([&] { tmkit::TmcFile f(bad); }, "version 9");
}

BOOST_AUTO_TEST_CASE(invalid_entries_behind_a_valid_checksum_are_refused) {
  // A writer other than tmkit could produce well-checksummed nonsense: a word id past V.
  tmkit::test::ScratchDir dir;
  const std::string good = dir.file("c.tmc"), bad = dir.file("bad.tmc");
  const tmkit::Corpus corpus = labelled_corpus();
  tmkit::write_tmc(corpus, good, tmkit::kTmcBlockDocs);
  std::string bytes = bytes_of(good);
  const std::size_t ids = section_offset(bytes, 1), counts = section_offset(bytes, 2);
  const std::uint32_t out_of_range = 5000;
  std::memcpy(&bytes[ids], &out_of_range, 4);  // document 1, entry 1
  tmkit::Sha256 hash;                          // the one block's checksum, recomputed
  hash.update(bytes.data() + ids, 4 * corpus.n_nonzeros());
  hash.update(bytes.data() + counts, 4 * corpus.n_nonzeros());
  const auto digest = hash.digest();
  std::memcpy(&bytes[section_offset(bytes, 3)], digest.data(), 32);
  // ... and the block-checksum section's own checksum in the table, and the header's.
  tmkit::Sha256 sums;
  sums.update(bytes.data() + section_offset(bytes, 3), 32);
  const auto sums_digest = sums.digest();
  std::memcpy(&bytes[64 + 48 * 3 + 16], sums_digest.data(), 32);
  tmkit::Sha256 head;
  head.update(bytes.data(), 64 + 48 * 10);
  const auto head_digest = head.digest();
  std::memcpy(&bytes[64 + 48 * 10], head_digest.data(), 32);
  write_bytes(bad, bytes);
  expect_input_error([&] { tmkit::read_corpus(bad); }, "document 1: entry 1 (word id 5000, count");
}

BOOST_AUTO_TEST_CASE(vocab_option_is_refused_for_tmc) {
  tmkit::test::ScratchDir dir;
  const std::string path = dir.file("c.tmc");
  tmkit::write_tmc(labelled_corpus(), path);
  tmkit::CorpusReadOptions options;
  options.vocab_path = dir.file("vocab.txt");
  BOOST_CHECK_THROW(tmkit::read_corpus(path, options), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
