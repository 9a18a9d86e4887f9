// Times one linkage on a condensed distance matrix from a .npy file, in process, for
// bench/cluster_bench.py (which runs fastcluster and scipy the same way). Not installed.
//
//   cluster_timing METHOD Y.npy [float32]
//
// Prints "seconds S peak_mib M checksum C": wall time of the linkage alone (not the load), the
// process's peak resident memory, and the sum of the merge heights.
#include <chrono>
#include <cstdio>
#include <string>

#include "tmkit/cluster/cluster.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/io/npy.hpp"

namespace {

template <class T>
void run(const std::string& method, const std::string& path) {
  tmkit::NpyArray array = tmkit::read_npy(path);
  const std::size_t n = tmkit::points_of_condensed(array.data.size(), path);
  std::vector<T> values(array.data.begin(), array.data.end());
  array = {};
  tmkit::CondensedMatrix<T> y(n, std::move(values));
  const auto start = std::chrono::steady_clock::now();
  const arma::mat z = tmkit::linkage(std::move(y), tmkit::parse_linkage(method));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("seconds %.6f peak_mib %.1f checksum %.17g\n", seconds, tmkit::peak_resident_mib(),
              arma::accu(z.col(2)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cluster_timing METHOD Y.npy [float32]\n");
    return 2;
  }
  if (argc > 3 && std::string(argv[3]) == "float32") {
    run<float>(argv[1], argv[2]);
  } else {
    run<double>(argv[1], argv[2]);
  }
  return 0;
}
