// Fuzz target: the ldac corpus readers (see formal_corpus.hpp).
#include "formal_corpus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tmkit::fuzz::fuzz_formal_corpus(tmkit::CorpusFormat::ldac, "f.ldac",
                                  tmkit::fuzz::as_text(data, size));
  return 0;
}
