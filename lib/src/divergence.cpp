#include "tmkit/divergence.hpp"

#include <cmath>

namespace tmkit {

double kl_divergence(const double* p, const double* q, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 0.0) sum += q[i] > 0.0 ? p[i] * std::log(p[i] / q[i]) : HUGE_VAL;
  }
  return sum;
}

double js_divergence(const double* p, const double* q, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double m = 0.5 * (p[i] + q[i]);
    if (p[i] > 0.0) sum += p[i] * std::log(p[i] / m);
    if (q[i] > 0.0) sum += q[i] * std::log(q[i] / m);
  }
  return 0.5 * sum;
}

}  // namespace tmkit
