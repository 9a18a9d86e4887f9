// Fuzz target: the memory-mapped .tmc corpus (header, section table, vocabulary, document index,
// checksummed blocks), opened and read whole.
#include "tmkit/corpus/tmc.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("c.tmc", fuzz::as_text(data, size));
  fuzz::expect_clean([&] {
    TmcFile file(path);
    const Corpus corpus = file.read_all();
    if (file.n_docs() > 0) {
      file.doc_id(file.n_docs() - 1);
      file.label(0);
    }
  });
  return 0;
}
