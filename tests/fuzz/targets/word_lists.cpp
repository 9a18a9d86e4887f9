// Fuzz target: the one-entry-per-line files: vocabularies (plain and gensim's save_as_text form),
// word lists (stop words), group labels (tm-similarity --drift) and id/label tables.
#include "fuzz_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"
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
  return 0;
}
