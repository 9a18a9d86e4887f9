// Times one call of the divergence library on rows from a .npy file, in process, for
// bench/divergence_bench.py (which runs the peers the same way). Not installed.
//
//   divergence_timing full METRIC ROWS.npy            the N x N matrix within the rows
//   divergence_timing topk METRIC ROWS.npy K          the K nearest rows of every row
//
// Prints "seconds S peak_mib M checksum C": wall time of the call alone (not the load), the
// process's peak resident memory, and a checksum of the result so that nothing is optimised away.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tmkit/core/process.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/npy.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || (std::string(argv[1]) == "topk" && argc < 5)) {
    std::fprintf(stderr, "usage: divergence_timing full|topk METRIC ROWS.npy [K]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const tmkit::DivergenceOptions options{tmkit::parse_metric(argv[2]), false};
  arma::mat columns = tmkit::read_npy_matrix(argv[3]).t();
  tmkit::prepare_distributions(columns, tmkit::RowPolicy{true, 0.0}, argv[3]);
  const auto start = std::chrono::steady_clock::now();
  double checksum = 0.0;
  if (mode == "full") {
    const arma::mat d = tmkit::divergence_matrix(columns, options);
    checksum = arma::accu(d);
  } else {
    const auto nb = tmkit::nearest_neighbours(columns, columns, std::strtoul(argv[4], nullptr, 10),
                                              true, options);
    checksum = arma::accu(nb.value) + static_cast<double>(arma::accu(nb.index));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("seconds %.6f peak_mib %.1f checksum %.17g\n", seconds, tmkit::peak_resident_mib(),
              checksum);
  return 0;
}
