// Fuzz target: the one-entry-per-line files: vocabularies (plain and gensim's save_as_text form),
// word lists (stop words), group labels (tm-similarity --drift), and the "id<TAB>label" table
// beside a corpus (given to a fixed corpus of three documents, through both corpus readers).
#include "fuzz_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/corpus/text.hpp"
#include "tmkit/divergence/topic_drift.hpp"
#include "tmkit/io/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("list.txt", fuzz::as_text(data, size));
  fuzz::expect_clean([&] { read_vocab(path); });
  fuzz::expect_clean([&] { read_word_list(path); });
  fuzz::expect_clean([&] { read_group_labels(path); });
  fuzz::expect_clean([&] { read_lines(path); });
  static const std::string corpus =
      fuzz::write_scratch("docword.t.txt", "3\n2\n3\n1 1 1\n2 2 1\n3 1 2\n");
  static const std::string vocab = fuzz::write_scratch("vocab.t.txt", "a\nb\n");
  CorpusReadOptions options;
  options.docs_path = path;
  fuzz::expect_clean([&] { read_corpus(corpus, options); });
  fuzz::expect_clean([&] {
    FileCorpusStream stream(corpus, options);
    read_all(stream);
  });
  return 0;
}
