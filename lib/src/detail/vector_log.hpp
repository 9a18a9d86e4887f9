// A natural logarithm the compiler can vectorize (no branches, no library call), accurate to within
// 3 ulp, for the O(N^2 K) logarithms of Jensen-Shannon matrices. Private to lib/src.
//
// x = m 2^e with m in [sqrt(1/2), sqrt(2)); log x = e ln 2 + log m, and with s = (m - 1)/(m + 1),
// log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^21/21); |s| <= 0.1716, so the first omitted term is
// below 2e-19 of the result (Abramowitz & Stegun 4.1.27). ln 2 is split in two parts (Cody & Waite
// 1980) so that e ln 2 adds no rounding error. Subnormal x is scaled by 2^54 first.
// tests/unit/divergence_test.cpp bounds its error against std::log.
#pragma once

#include <cstdint>
#include <cstring>

namespace tmkit::detail {

inline double vector_log(double x) noexcept {
  constexpr double kLn2High = 6.93147180369123816490e-01;  // ln 2 to 32 bits: e * kLn2High is exact
  constexpr double kLn2Low = 1.90821492927058770002e-10;   // ln 2 - kLn2High
  constexpr double kSqrt2 = 1.41421356237309504880;
  constexpr double kSmallest = 2.2250738585072014e-308;  // DBL_MIN
  constexpr double kScale = 18014398509481984.0;         // 2^54
  constexpr double kTwo52 = 4503599627370496.0;          // 2^52
  const bool subnormal = x < kSmallest;
  x = subnormal ? x * kScale : x;
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // Biased exponent as a double without an int64 -> double conversion (which AVX2 lacks):
  // the bits of 2^52 + E read as a double, minus 2^52.
  const std::uint64_t exponent_bits = (bits >> 52) | 0x4330000000000000ULL;
  double exponent;
  std::memcpy(&exponent, &exponent_bits, sizeof exponent);
  exponent -= kTwo52 + 1023.0;
  exponent -= subnormal ? 54.0 : 0.0;
  const std::uint64_t mantissa_bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  double m;
  std::memcpy(&m, &mantissa_bits, sizeof m);
  const bool high = m > kSqrt2;
  m = high ? m * 0.5 : m;
  exponent += high ? 1.0 : 0.0;
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  const double series =
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
