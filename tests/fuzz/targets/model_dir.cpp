// Fuzz target: model directories (model.json and the arrays it vouches for; directory_target.hpp).
#include "tmkit/lda/model_dir.hpp"

#include "directory_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tmkit::fuzz::fuzz_directory(tmkit::fuzz::as_text(data, size), "model", "model.json", false,
                              [](const std::string& dir) { tmkit::load_model(dir); });
  return 0;
}
