#include "tmkit/corpus/corpus_stream.hpp"

#include <boost/test/unit_test.hpp>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/corpus/tmc.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/sha256.hpp"

namespace {

tmkit::Corpus small_corpus() {
  tmkit::SyntheticSpec spec;
  spec.n_docs = 700;
  spec.n_words = 300;
  spec.mean_length = 30;
  spec.seed = 9;
  return tmkit::generate_lda_corpus(spec).corpus;
}

// Every document of `source`, read in batches of `batch_size`, equals that of `corpus`.
void check_same(tmkit::DocumentSource& source, const tmkit::Corpus& corpus,
                std::size_t batch_size) {
  BOOST_TEST(source.n_docs() == corpus.n_docs());
  BOOST_TEST(source.n_tokens() == corpus.n_tokens());
  source.rewind();
  tmkit::DocumentBatch batch;
  std::size_t seen = 0;
  while (source.next(batch_size, batch)) {
    BOOST_TEST(batch.first == seen);
    for (std::size_t i = 0; i < batch.n_docs(); ++i, ++seen) {
      const tmkit::DocView a = batch.doc(i), b = corpus.doc(seen);
      BOOST_REQUIRE(a.n == b.n);
      for (std::size_t j = 0; j < a.n; ++j) {
        BOOST_TEST(a.ids[j] == b.ids[j]);
        BOOST_TEST(a.counts[j] == b.counts[j]);
      }
    }
  }
  BOOST_TEST(seen == corpus.n_docs());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corpus_stream)

BOOST_AUTO_TEST_CASE(streams_every_formal_format_as_the_reader_reads_it) {
  const tmkit::Corpus corpus = small_corpus();
  tmkit::test::ScratchDir dir;
  for (const auto format :
       {tmkit::CorpusFormat::uci, tmkit::CorpusFormat::ldac, tmkit::CorpusFormat::mm}) {
    const std::string name = format == tmkit::CorpusFormat::uci    ? dir.file("docword.s.txt")
                             : format == tmkit::CorpusFormat::ldac ? dir.file("s.ldac")
                                                                   : dir.file("s.mtx");
    tmkit::write_corpus(corpus, format, tmkit::companion_paths(name));
    tmkit::FileCorpusStream stream(name, {});
    BOOST_TEST(stream.vocab() == corpus.vocab());
    for (std::size_t batch : {1u, 64u, 1000u}) check_same(stream, corpus, batch);
    BOOST_TEST(stream.doc_table_line(5) == corpus.doc_ids()[5] + "\t" + corpus.labels()[5]);
    // Seeking to a document and reading on gives the same documents as reading from the start.
    stream.seek(123);
    tmkit::DocumentBatch batch;
    BOOST_REQUIRE(stream.next(10, batch));
    BOOST_TEST(batch.first == 123u);
    BOOST_TEST(batch.doc(0).n == corpus.doc(123).n);
  }
}

BOOST_AUTO_TEST_CASE(excluding_source_skips_and_collects_documents) {
  const tmkit::Corpus corpus = small_corpus();
  tmkit::CorpusSource inner(corpus);
  const std::vector<std::size_t> excluded{0, 5, 6, 699};
  tmkit::ExcludingSource source(inner, excluded);
  BOOST_TEST(source.n_docs() == 696u);
  BOOST_TEST(source.excluded().n_docs() == 4u);
  BOOST_TEST(source.excluded().doc_ids()[1] == corpus.doc_ids()[5]);
  tmkit::Corpus kept(corpus.vocab());
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    if (std::find(excluded.begin(), excluded.end(), d) != excluded.end()) continue;
    const tmkit::DocView doc = corpus.doc(d);
    std::vector<std::pair<tmkit::WordId, tmkit::Count>> entries;
    for (std::size_t i = 0; i < doc.n; ++i) entries.emplace_back(doc.ids[i], doc.counts[i]);
    kept.add_document(entries, corpus.doc_ids()[d]);
  }
  for (std::size_t batch : {1u, 7u, 500u}) check_same(source, kept, batch);
  BOOST_TEST(source.inner_index(0) == 1u);
  BOOST_TEST(source.inner_index(4) == 7u);
  BOOST_TEST(source.inner_index(695) == 698u);
  BOOST_TEST(tmkit::read_all(source).fingerprint() == kept.fingerprint());
}

// The fingerprint, taken while the file is checked, is the sha256 of its bytes, whatever its line
// ends and whether the last line has one.
BOOST_AUTO_TEST_CASE(fingerprint_is_the_files_sha256) {
  tmkit::test::ScratchDir dir;
  dir.write("vocab.f.txt", "a\nb\n");
  for (const std::string content :
       {"2\n2\n2\n1 1 1\n2 2 3\n", "2\r\n2\r\n2\r\n1 1 1\r\n2 2 3", "2\n2\n2\n1 1 1\n2 2 3"}) {
    const std::string path = dir.write("docword.f.txt", content);
    const tmkit::FileCorpusStream stream(path, {});
    BOOST_TEST(stream.fingerprint() == "file-sha256:" + tmkit::sha256_file(path));
    BOOST_TEST(stream.n_tokens() == 4u);
  }
}

// A compressed corpus streams as its content: the same documents and the same fingerprint as the
// plain file, so a fit of either writes the same model; a cut one is refused as truncated.
BOOST_AUTO_TEST_CASE(compressed_files_stream_as_their_content) {
  const tmkit::Corpus corpus = small_corpus();
  tmkit::test::ScratchDir dir;
  const std::string plain = dir.file("docword.s.txt");
  tmkit::write_corpus(corpus, tmkit::CorpusFormat::uci, tmkit::companion_paths(plain));
  const tmkit::FileCorpusStream plain_stream(plain, {});
  const std::string text = tmkit::read_file(plain);
  const std::pair<tmkit::Compression, std::string> kinds[] = {{tmkit::Compression::gzip, ".gz"},
                                                              {tmkit::Compression::bzip2, ".bz2"},
                                                              {tmkit::Compression::xz, ".xz"}};
  for (const auto& [compression, suffix] : kinds) {
    // UCI's naming: docword.NAME.txt.gz beside vocab.NAME.txt and docs.NAME.tsv.
    const std::string path =
        dir.write("docword.s.txt" + suffix, tmkit::test::compress(text, compression));
    BOOST_TEST(tmkit::format_name(tmkit::detect_corpus_format(path)) == "uci");
    tmkit::FileCorpusStream stream(path, {});
    BOOST_TEST(stream.fingerprint() == plain_stream.fingerprint());
    BOOST_TEST(stream.vocab() == corpus.vocab());
    check_same(stream, corpus, 100);
    BOOST_TEST(tmkit::read_corpus(path).fingerprint() == corpus.fingerprint());
    const std::string packed = tmkit::test::compress(text, compression);
    const std::string cut = dir.write("docword.cut.txt", packed.substr(0, packed.size() * 2 / 3));
    dir.write("vocab.cut.txt", tmkit::read_file(dir.file("vocab.s.txt")));
    try {
      tmkit::FileCorpusStream refused(cut, {});
      BOOST_ERROR("a truncated compressed corpus was accepted");
    } catch (const tmkit::InputError& e) {
      BOOST_TEST(std::string(e.what()).find("truncated") != std::string::npos, e.what());
    }
  }
  // A .tmc is memory-mapped: compressed, it is refused with the reason.
  const std::string tmc = dir.file("c.tmc");
  tmkit::write_tmc(corpus, tmc);
  const std::string packed_tmc =
      dir.write("c.tmc.gz", tmkit::test::compress(tmkit::read_file(tmc), tmkit::Compression::gzip));
  try {
    tmkit::detect_corpus_format(packed_tmc);
    BOOST_ERROR("a compressed .tmc was accepted");
  } catch (const tmkit::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("gzip-compressed .tmc corpus") != std::string::npos,
               e.what());
  }
}

BOOST_AUTO_TEST_CASE(bad_streams_are_refused_with_file_and_line) {
  tmkit::test::ScratchDir dir;
  dir.write("vocab.t.txt", "a\nb\nc\n");
  const auto refused = [&](const std::string& content, const std::string& expected) {
    const std::string path = dir.write("docword.t.txt", content);
    try {
      tmkit::FileCorpusStream stream(path, {});
      BOOST_ERROR("accepted: " << content);
    } catch (const tmkit::InputError& e) {
      BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
    }
  };
  refused("2\n3\n2\n2 1 1\n1 2 1\n", "docword.t.txt:4: document 2 comes before document 1");
  refused("2\n3\n3\n1 1 1\n2 1 1\n",
          "docword.t.txt:6: file ends after 2 entries; expected NNZ = 3");
  refused("2\n3\n2\n1 1 -1\n2 1 1\n", "docword.t.txt:4: count \"-1\" is negative");
  refused("2\n3\n2\n1 4 1\n2 1 1\n", "docword.t.txt:4: word id 4 is out of range");
  refused("3\n3\n2\n1 1 1\n2 1 1\n", "document 3 has no words");
  const std::string text = dir.write("plain.txt", "some words here\n");
  BOOST_CHECK_THROW(tmkit::FileCorpusStream(text, {}), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
