// Σ m_i log m_i over the midpoint m = (p + q)/2 of two distributions: the O(N² K) part of a
// Jensen-Shannon matrix (docs/math/divergences.md). Private to lib/src.
//
// One algorithm in three instruction sets, which give the same bits on every x86-64 CPU: each lane
// goes through the same IEEE operations (fused multiply-adds included, emulated by std::fma where
// the CPU has none), and the eight lanes are combined in one fixed order.
//
// Per entry: x = max(m, DBL_MIN) = 2^e · f with f in [1, 2); the top four bits of f pick c from 16
// points, r = f/c − 1 (one fused multiply-add with a tabulated 1/c, |r| <= 1/32), and
// log x = e ln 2 + log c + log1p(r), log1p(r) = r + r² g(r) with g a degree-6 near-minimax
// polynomial (error 5e-17). No division, no branch. m = 0 adds exactly 0 (0 · log DBL_MIN); a
// subnormal m adds m log DBL_MIN, wrong by less than 1e-305.
#pragma once

#include <cstddef>
#include <vector>

namespace tmkit::detail {

using MidpointXlogx = double (*)(const double* p, const double* q, std::size_t n) noexcept;

/// The sums of one distribution p against `count` others, q_c = q + c · stride (columns of a
/// column-major matrix), into sums[c]: each the same bits as MidpointXlogx(p, q_c, n). The wide
/// kernel runs four pairs at once, whose independent chains of operations fill the pipeline where
/// one pair's would wait on its own latency, and loads p once for all four.
using MidpointXlogxMany = void (*)(const double* p, const double* q, std::size_t stride,
                                   std::size_t count, std::size_t n, double* sums) noexcept;

struct MidpointXlogxKernel {
  const char* isa;  // "scalar", "avx2" or "avx512"
  MidpointXlogx sum;
  MidpointXlogxMany sum_many;
};

/// Every implementation this CPU can run, slowest first (for tests: they must agree bit for bit).
std::vector<MidpointXlogxKernel> midpoint_xlogx_kernels();

/// The fastest of them, chosen once.
const MidpointXlogxKernel& midpoint_xlogx();

}  // namespace tmkit::detail
