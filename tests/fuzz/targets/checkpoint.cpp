// Fuzz target: checkpoints (checkpoint.json, self-hashed, and its arrays; directory_target.hpp).
#include "tmkit/lda/checkpoint.hpp"

#include "directory_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tmkit::fuzz::fuzz_directory(tmkit::fuzz::as_text(data, size), "checkpoint", "checkpoint.json",
                              true, [](const std::string& dir) { tmkit::load_checkpoint(dir); });
  return 0;
}
