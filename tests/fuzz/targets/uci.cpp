// Fuzz target: the uci corpus readers (see formal_corpus.hpp).
#include "formal_corpus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tmkit::fuzz::fuzz_formal_corpus(tmkit::CorpusFormat::uci, "docword.f.txt",
                                  tmkit::fuzz::as_text(data, size));
  return 0;
}
