// Fuzz target: tm-select's pointwise log-likelihood matrices (S draws x N observations), read,
// checked, and put through PSIS-LOO (Pareto tail fits on whatever numbers the input holds).
#include "fuzz_support.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/selection/psis_loo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tmkit;
  const std::string path = fuzz::write_scratch("pointwise.txt", fuzz::as_text(data, size));
  fuzz::expect_clean([&] {
    const arma::mat log_lik = read_matrix(path, "log-likelihood").columns.t();
    check_pointwise(log_lik, path);
    psis_loo(log_lik, 1);
  });
  return 0;
}
