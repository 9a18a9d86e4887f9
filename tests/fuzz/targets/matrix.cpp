// Fuzz target: the matrices tm-kl, tm-similarity and tm-cluster --matrix read (text, CSV or .npy,
// told apart by content), read and checked as distributions the way tm-kl prepares them.
#include "fuzz_support.hpp"
#include "tmkit/divergence/divergence.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("m.csv", fuzz::as_text(data, size));
  fuzz::expect_clean([&] {
    DistributionFile file = read_distributions(path);
    RowPolicy policy;
    policy.normalize = size % 2 == 1;
    policy.epsilon = size % 3 == 0 ? 1e-3 : 0;
    prepare_distributions(file.columns, policy, path, file.lines);
  });
  return 0;
}
