// npy_close A.npy B.npy TOL: exit 0 when the two arrays have the same shape and every entry of A is
// within TOL relative of B's (|a - b| <= TOL |b|); prints the largest relative difference.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "tmkit/io/npy.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: npy_close A.npy B.npy TOLERANCE\n");
    return 2;
  }
  try {
    const arma::mat a = tmkit::read_npy_matrix(argv[1]), b = tmkit::read_npy_matrix(argv[2]);
    if (a.n_rows != b.n_rows || a.n_cols != b.n_cols) {
      std::printf(
          "shapes differ: %llu x %llu and %llu x %llu\n", static_cast<unsigned long long>(a.n_rows),
          static_cast<unsigned long long>(a.n_cols), static_cast<unsigned long long>(b.n_rows),
          static_cast<unsigned long long>(b.n_cols));
      return 1;
    }
    double worst = 0;
    for (arma::uword i = 0; i < a.n_elem; ++i) {
      worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(std::fabs(b[i]), 1e-300));
    }
    const double tolerance = std::strtod(argv[3], nullptr);
    std::printf("largest relative difference %.3e (tolerance %.1e)\n", worst, tolerance);
    return worst <= tolerance ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "npy_close: %s\n", e.what());
    return 2;
  }
}
