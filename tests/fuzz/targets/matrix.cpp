// Fuzz target: the matrices tm-kl, tm-similarity and tm-cluster --matrix read (text, CSV or .npy,
// told apart by content), as distributions and as distances.
#include "fuzz_support.hpp"
#include "tmkit/io/matrix_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("m.csv", fuzz::as_text(data, size));
  fuzz::expect_clean([&] { read_matrix(path, "probability"); });
  return 0;
}
