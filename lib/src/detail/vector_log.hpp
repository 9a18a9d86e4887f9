// A natural logarithm of four doubles at once (no branches, no library call), accurate to within
// 3 ulp, for the per-entry form of JS near equal rows (js_entry.hpp). Private to lib/src.
//
// Written in GCC's generic vector types: the compiler emits one AVX2 instruction per operation
// where it is inlined into code built for AVX2, and pairs of SSE2 instructions elsewhere; the
// operations are the same IEEE operations (no fused multiply-add) on either, so the results are
// bit for bit the same on every x86-64 CPU.
//
// x = m 2^e with m in [sqrt(1/2), sqrt(2)); log x = e ln 2 + log m, and with s = (m - 1)/(m + 1),
// log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^21/21); |s| <= 0.1716, so the first omitted term is
// below 2e-19 of the result (Abramowitz & Stegun 4.1.27). ln 2 is split in two parts (Cody & Waite
// 1980) so that e ln 2 adds no rounding error. Subnormal x is scaled by 2^54 first.
// tests/unit/divergence/divergence_test.cpp bounds its error against std::log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // 32-byte vectors by value: only ever inlined

namespace tmkit::detail {

using v4d = double __attribute__((vector_size(32)));
using v4u = std::uint64_t __attribute__((vector_size(32)));
using v4i = std::int64_t __attribute__((vector_size(32)));

[[gnu::always_inline]] inline v4d splat(double value) noexcept {
  return v4d{value, value, value, value};
}

/// Four doubles from p[0..count), zeros after (count <= 4).
[[gnu::always_inline]] inline v4d load4(const double* p, std::size_t count = 4) noexcept {
  v4d v = splat(0.0);
  std::memcpy(&v, p, count * sizeof(double));
  return v;
}

/// (v0 + v1) + (v2 + v3): the fixed order in which lanes are combined.
[[gnu::always_inline]] inline double horizontal_sum(v4d v) noexcept {
  return (v[0] + v[1]) + (v[2] + v[3]);
}

/// log of each lane (0 gives a finite value, so 0 log 0 = 0).
[[gnu::always_inline]] inline v4d vector_log4(v4d x) noexcept {
  constexpr double kLn2High = 6.93147180369123816490e-01;  // ln 2 to 32 bits: e * kLn2High is exact
  constexpr double kLn2Low = 1.90821492927058770002e-10;   // ln 2 - kLn2High
  constexpr double kSqrt2 = 1.41421356237309504880;
  constexpr double kSmallest = 2.2250738585072014e-308;  // DBL_MIN
  constexpr double kScale = 18014398509481984.0;         // 2^54
  constexpr double kTwo52 = 4503599627370496.0;          // 2^52
  const v4i subnormal = x < splat(kSmallest);
  x = subnormal ? x * kScale : x;
  const v4u bits = (v4u)x;  // GCC vector casts reinterpret the bits
  // Biased exponent as a double without an int64 -> double conversion (which AVX2 lacks):
  // the bits of 2^52 + E read as a double, minus 2^52.
  const v4u exponent_bits = (bits >> 52) | 0x4330000000000000ULL;
  v4d exponent = (v4d)exponent_bits;
  exponent -= kTwo52 + 1023.0;
  exponent -= subnormal ? splat(54.0) : splat(0.0);
  const v4u mantissa_bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  v4d m = (v4d)mantissa_bits;
  const v4i high = m > splat(kSqrt2);
  m = high ? m * 0.5 : m;
  exponent += high ? splat(1.0) : splat(0.0);
  const v4d s = (m - 1.0) / (m + 1.0);
  const v4d s2 = s * s;
  const v4d series =
      1.0 +
      s2 * (1.0 / 3 +
            s2 * (1.0 / 5 +
                  s2 * (1.0 / 7 +
                        s2 * (1.0 / 9 +
                              s2 * (1.0 / 11 +
                                    s2 * (1.0 / 13 +
                                          s2 * (1.0 / 15 +
                                                s2 * (1.0 / 17 +
                                                      s2 * (1.0 / 19 + s2 * (1.0 / 21))))))))));
  return exponent * kLn2High + (2.0 * s * series + exponent * kLn2Low);
}

}  // namespace tmkit::detail

#pragma GCC diagnostic pop
