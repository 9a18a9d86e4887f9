// Fuzz target: NumPy .npy arrays (magic, version, header dictionary, shape, dtype, data).
#include "tmkit/io/npy.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("a.npy", fuzz::as_text(data, size));
  fuzz::expect_clean([&] { read_npy(path); });
  return 0;
}
