#include "tmkit/corpus/corpus_io.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(corpus_io)

using tmkit::test::ScratchDir;

// Runs `read` and checks that it throws InputError whose message holds every piece of `parts`.
void expect_input_error(const std::function<void()>& read,
                        std::initializer_list<std::string> parts) {
  try {
    read();
    BOOST_ERROR("expected an InputError");
  } catch (const tmkit::InputError& e) {
    const std::string message = e.what();
    for (const auto& part : parts) {
      BOOST_TEST(message.find(part) != std::string::npos,
                 "\"" << message << "\" lacks \"" << part << "\"");
    }
    BOOST_TEST(message.find('\n') == std::string::npos);
  }
}

const char* const kVocab = "alpha\nbeta\ngamma\ndelta\n";

std::string write_uci(const ScratchDir& dir, const std::string& body) {
  dir.write("vocab.t.txt", kVocab);
  return dir.write("docword.t.txt", body);
}

BOOST_AUTO_TEST_CASE(reads_uci_with_vocab_beside_it) {
  ScratchDir dir;
  const auto path = write_uci(dir, "2\n4\n3\n1 1 2\n1 3 1\n2 4 5\n");
  BOOST_TEST(tmkit::format_name(tmkit::detect_corpus_format(path)) == "uci");
  const tmkit::Corpus corpus = tmkit::read_corpus(path);
  BOOST_TEST(corpus.n_docs() == 2u);
  BOOST_TEST(corpus.n_words() == 4u);
  BOOST_TEST(corpus.n_tokens() == 8u);
  BOOST_TEST(corpus.vocab()[3] == "delta");
  BOOST_TEST(corpus.doc_ids()[1] == "2");
}

BOOST_AUTO_TEST_CASE(round_trips_through_every_writable_format) {
  ScratchDir dir;
  const tmkit::Corpus original =
      tmkit::read_corpus(write_uci(dir, "3\n4\n5\n1 1 2\n1 3 1\n2 4 5\n3 2 1\n3 1 7\n"));
  for (const auto format :
       {tmkit::CorpusFormat::uci, tmkit::CorpusFormat::ldac, tmkit::CorpusFormat::mm}) {
    const std::string name = format == tmkit::CorpusFormat::uci
                                 ? "docword.out.txt"
                                 : "out." + tmkit::format_name(format);
    const auto paths = tmkit::companion_paths(dir.file(name));
    tmkit::write_corpus(original, format, paths);
    BOOST_TEST(tmkit::format_name(tmkit::detect_corpus_format(paths.corpus)) ==
               tmkit::format_name(format));
    const tmkit::Corpus back = tmkit::read_corpus(paths.corpus);
    BOOST_TEST(back.fingerprint() == original.fingerprint());
    BOOST_TEST(back.doc_ids() == original.doc_ids(), boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(reads_ldac_and_mm_as_gensim_writes_them) {
  ScratchDir dir;
  dir.write("c.ldac.vocab", kVocab);
  const auto ldac = dir.write("c.ldac", "2 0:2 2:1\n1 3:5\n");
  BOOST_TEST(tmkit::read_corpus(ldac).n_tokens() == 8u);
  dir.write("c.mtx.vocab", kVocab);
  // gensim pads the size line and writes counts as floats.
  const auto mm =
      dir.write("c.mtx",
                "%%MatrixMarket matrix coordinate real general\n%comment\n2 4 3           \n"
                "1 1 2.0\n1 3 1\n2 4 5.0\n");
  const tmkit::Corpus corpus = tmkit::read_corpus(mm);
  BOOST_TEST(corpus.n_tokens() == 8u);
  BOOST_TEST(corpus.doc(1).ids[0] == 3u);
}

BOOST_AUTO_TEST_CASE(reads_raw_text_with_columns_and_directories) {
  ScratchDir dir;
  const auto lines =
      dir.write("t.txt", "d1\tsport\tgoal goal match\nd2\tpolitics\tvote election\n");
  BOOST_TEST(tmkit::format_name(tmkit::detect_corpus_format(lines)) == "text");
  const tmkit::Corpus corpus = tmkit::read_corpus(lines);
  BOOST_TEST(corpus.n_docs() == 2u);
  BOOST_TEST(corpus.labels()[1] == "politics");
  BOOST_TEST(corpus.doc_ids()[0] == "d1");
  std::filesystem::create_directories(dir.file("docs/news"));
  dir.write("docs/news/a.txt", "vote election vote");
  dir.write("docs/b.txt", "goal match");
  const tmkit::Corpus from_dir = tmkit::read_corpus(dir.file("docs"));
  BOOST_TEST(from_dir.n_docs() == 2u);
  BOOST_TEST(from_dir.doc_ids()[0] == "b");
  BOOST_TEST(from_dir.doc_ids()[1] == "news/a");
  BOOST_TEST(from_dir.labels()[1] == "news");
}

BOOST_AUTO_TEST_CASE(uci_errors_name_file_line_and_problem) {
  ScratchDir dir;
  const auto read = [&](const std::string& body) {
    const auto path = write_uci(dir, body);
    return [path] { tmkit::read_corpus(path); };
  };
  expect_input_error(read("2\n4\n3\n1 1 2\n1 3 1\n"),
                     {"docword.t.txt:6:", "ends after 2 entries", "NNZ = 3", "truncated"});
  expect_input_error(read("2\n4\n2\n1 1 2\n1 9 1\n"),
                     {"docword.t.txt:5:", "word id 9 is out of range", "1..4"});
  expect_input_error(read("2\n4\n2\n1 1 2\n3 1 1\n"), {":5:", "document id 3 is out of range"});
  expect_input_error(read("2\n4\n2\n1 1 -3\n2 1 1\n"),
                     {":4:", "count \"-3\" is negative", "positive integer"});
  expect_input_error(read("2\n4\n2\n1 1 abc\n2 1 1\n"), {":4:", "count \"abc\" is not a number"});
  expect_input_error(read("2\n4\n2\n1 1 2.5\n2 1 1\n"), {":4:", "not a whole number"});
  expect_input_error(read("2\n4\n2\n1 1 0\n2 1 1\n"), {":4:", "count \"0\" is not positive"});
  expect_input_error(read("2\n4\n2\n1 1 1 1\n2 1 1\n"), {":4:", "4 fields", "docID wordID count"});
  expect_input_error(read("2\n4\n2\n1 1 1\n1 2 1\n"), {"document 2 has no words"});
  expect_input_error(read("0\n4\n0\n"), {":1:", "D = 0"});
  expect_input_error(read("2\nfour\n"), {":2:", "vocabulary size W"});
  expect_input_error(read(""), {"docword.t.txt", "is empty"});
  expect_input_error(read("2\n"), {"docword.t.txt:2:", "file ends in the header"});
  expect_input_error(read("2\n4\n1\n1 1 1\n2 2 2\n"),
                     {":5:", "more entries than the header's NNZ = 1"});
  dir.write("vocab.t.txt", "alpha\nbeta\n");
  const auto path = dir.write("docword.t.txt", "1\n4\n1\n1 1 1\n");
  expect_input_error([&] { tmkit::read_corpus(path); },
                     {"vocab.t.txt", "has 2 words; expected W = 4"});
}

BOOST_AUTO_TEST_CASE(other_format_errors) {
  ScratchDir dir;
  dir.write("c.ldac.vocab", kVocab);
  expect_input_error([&] { tmkit::read_corpus(dir.write("c.ldac", "2 0:2 2:1\n2 3:5\n")); },
                     {"c.ldac:2:", "says N = 2 but lists 1"});
  expect_input_error([&] { tmkit::read_corpus(dir.write("c.ldac", "1 0:2\n1 7:1\n")); },
                     {"c.ldac:2:", "word id 7 is out of range", "0..3"});
  expect_input_error([&] { tmkit::read_corpus(dir.write("c.ldac", "1 0:2\n0\n")); },
                     {"document 2 has no words"});
  dir.write("m.mtx.vocab", kVocab);
  expect_input_error(
      [&] {
        tmkit::read_corpus(
            dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n1 4 2\n1 1 nan\n"));
      },
      {"m.mtx:3:", "not a number"});
  expect_input_error(
      [&] {
        tmkit::read_corpus(
            dir.write("m.mtx", "%%MatrixMarket matrix coordinate real general\n1 4 2\n1 1 1\n"));
      },
      {"m.mtx:4:", "ends after 1 entries; expected 2"});
  expect_input_error([&] { tmkit::read_corpus(dir.write("n.txt", "the of\n\n")); },
                     {"n.txt", "hold no word the tokenizer keeps"});
  expect_input_error([&] { tmkit::read_corpus(dir.write("e.txt", "")); }, {"e.txt", "is empty"});
  expect_input_error([&] { tmkit::read_corpus(dir.file("missing.txt")); },
                     {"missing.txt", "does not exist"});
  expect_input_error(
      [&] { tmkit::read_corpus(dir.write("cols.txt", "a\tsport\tgoal match\nno tabs here\n")); },
      {"cols.txt:2:", "3 tab-separated columns"});
  const auto no_vocab = dir.write("lonely.ldac", "1 0:1\n");
  std::filesystem::remove(dir.file("vocab.txt"));
  expect_input_error([&] { tmkit::read_corpus(no_vocab); },
                     {"lonely.ldac", "no vocabulary file found", "name the vocabulary file"});
}

// A header's counts decide no allocation beyond what the file can hold or the machine has: a
// huge NNZ over a short file reads (and fails on the missing entries) without reserving it, a
// huge D is refused with the memory it would take. (Found by fuzzing: NNZ = 2,222,222,222,222
// reserved 26 TB and aborted.)
BOOST_AUTO_TEST_CASE(header_counts_allocate_nothing_the_file_cannot_justify) {
  ScratchDir dir;
  dir.write("vocab.h.txt", kVocab);
  tmkit::CorpusReadOptions keep;
  keep.keep_empty = true;
  expect_input_error(
      [&] { tmkit::read_corpus(dir.write("docword.h.txt", "2\n4\n2222222222222\n1 1 1\n")); },
      {"docword.h.txt:5:", "ends after 1 entries; expected NNZ = 2222222222222"});
  expect_input_error(
      [&] { tmkit::read_corpus(dir.write("docword.h.txt", "4294967295\n4\n1\n1 1 1\n"), keep); },
      {"docword.h.txt:1:", "D = 4294967295 documents would need", "more than this machine has"});
  // Many documents announced, few entries: refused for the first empty document before any room
  // is made for the rest (found by fuzzing: 24 million documents over 3 entries took 1 GiB).
  expect_input_error(
      [&] { tmkit::read_corpus(dir.write("docword.h.txt", "24444441\n4\n2\n1 2 5\n3 2 1\n")); },
      {"document 2 has no words"});
  dir.write("h.mtx.vocab", kVocab);
  expect_input_error(
      [&] {
        tmkit::read_corpus(dir.write("h.mtx",
                                     "%%MatrixMarket matrix coordinate real general\n"
                                     "4294967295 4 99999999999999\n1 1 1\n"),
                           keep);
      },
      {"h.mtx:2:", "4294967295 rows (documents) would need"});
}

BOOST_AUTO_TEST_CASE(binary_garbage_is_refused_not_crashed_on) {
  ScratchDir dir;
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 251);
  const auto path = dir.write("garbage.bin", garbage);
  // Detected as raw text: tokenizing binary data is allowed and must not crash.
  try {
    tmkit::read_corpus(path);
  } catch (const tmkit::InputError&) {
  } catch (const tmkit::UsageError&) {
  }
  tmkit::CorpusReadOptions as_uci;
  as_uci.format = tmkit::CorpusFormat::uci;
  BOOST_CHECK_THROW(tmkit::read_corpus(path, as_uci), tmkit::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
