// Fuzz target: the mm corpus readers (see formal_corpus.hpp).
#include "formal_corpus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tmkit::fuzz::fuzz_formal_corpus(tmkit::CorpusFormat::mm, "f.mtx",
                                  tmkit::fuzz::as_text(data, size));
  return 0;
}
