// Fuzz target: raw text corpora (one document per line, "id<TAB>label<TAB>text" columns), the
// UTF-8 tokenizer and the vocabulary filters, and format detection of whatever the bytes are.
#include "fuzz_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("corpus.txt", fuzz::as_text(data, size));
  fuzz::expect_clean([&] { detect_corpus_format(path); });
  CorpusReadOptions options;
  options.format = CorpusFormat::text;
  options.keep_empty = size % 2 == 0;
  fuzz::expect_clean([&] { read_corpus(path, options); });
  return 0;
}
