// Σ m log m over midpoints, three ways with the same bits (detail/midpoint_xlogx.hpp).
#include "detail/midpoint_xlogx.hpp"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TMKIT_HAVE_X86_KERNELS 1
// GCC 12's AVX-512 intrinsics start from _mm512_undefined_pd(), which -Wmaybe-uninitialized
// reports as uninitialized at every inlined use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace tmkit::detail {

namespace {

// 1/c for c = 1 + (i + 1/2)/16, rounded to double, and -log of exactly that double (so that
// f · (1/c) - 1 is r for the c the table really holds); tests/reference/midpoint_log_tables.py
// prints both.
alignas(64) constexpr double kInverse[16] = {
    0x1.f07c1f07c1f08p-1, 0x1.d41d41d41d41dp-1, 0x1.bacf914c1bad0p-1, 0x1.a41a41a41a41ap-1,
    0x1.8f9c18f9c18fap-1, 0x1.7d05f417d05f4p-1, 0x1.6c16c16c16c17p-1, 0x1.5c9882b931057p-1,
    0x1.4e5e0a72f0539p-1, 0x1.4141414141414p-1, 0x1.3521cfb2b78c1p-1, 0x1.29e4129e4129ep-1,
    0x1.1f7047dc11f70p-1, 0x1.15b1e5f75270dp-1, 0x1.0c9714fbcda3bp-1, 0x1.0410410410410p-1};
alignas(64) constexpr double kLogC[16] = {
    0x1.f829b0e7832f8p-6, 0x1.6f0d28ae56b4ep-4, 0x1.29552f81ff521p-3, 0x1.9525a9cf456b6p-3,
    0x1.fb9186d5e3e29p-3, 0x1.2e8e2bae11d31p-2, 0x1.5d1bdbf5809cap-2, 0x1.89a3386c1425bp-2,
    0x1.b44f77bcc8f64p-2, 0x1.dd46a04c1c4a1p-2, 0x1.02552a5a5d0ffp-1, 0x1.154c3d2f4d5eap-1,
    0x1.2795e1289b11bp-1, 0x1.393e0d3562a1ap-1, 0x1.4a4f85db03ebbp-1, 0x1.5ad404c359f2dp-1};
// g(r) = (log1p(r) - r)/r² on [-1/32, 1/32], highest degree first (mpmath chebyfit, 60 digits;
// tests/reference/midpoint_log_tables.py prints them).
constexpr double kG[7] = {-0x1.0059b0f4702dbp-3, 0x1.24f5f0d7c0917p-3,  -0x1.55554a1e567b4p-3,
                          0x1.99998d23ae84dp-3,  -0x1.000000002cdd2p-2, 0x1.55555555872e4p-2,
                          -0x1.0000000000000p-1};
constexpr double kLn2 = 0x1.62e42fefa39efp-1;
constexpr std::size_t kLanes = 8;

// ---- the definition: one lane at a time ---------------------------------------------------------

// log max(m, DBL_MIN).
double lane_log(double m) noexcept {
  const double x = std::fmax(m, DBL_MIN);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  const double e = static_cast<double>(static_cast<int>(bits >> 52) - 1023);
  const std::uint64_t f_bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  double f = 0.0;
  std::memcpy(&f, &f_bits, sizeof f);
  const std::size_t index = (bits >> 48) & 15;
  const double r = std::fma(f, kInverse[index], -1.0);
  const double r2 = r * r;
  double g = kG[0];
  for (std::size_t k = 1; k < 7; ++k) g = std::fma(g, r, kG[k]);
  return std::fma(e, kLn2, std::fma(r2, g, r) + kLogC[index]);
}

// Lanes a[0..7] to one number: b_i = a_i + a_{i+4}, then (b_0 + b_2) + (b_1 + b_3).
double combine_lanes(const double* a) noexcept {
  const double b0 = a[0] + a[4], b1 = a[1] + a[5], b2 = a[2] + a[6], b3 = a[3] + a[7];
  return (b0 + b2) + (b1 + b3);
}

double scalar_sum(const double* p, const double* q, std::size_t n) noexcept {
  double acc[kLanes] = {};
  for (std::size_t i = 0; i < n; i += kLanes) {
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      const double m = i + lane < n ? 0.5 * (p[i + lane] + q[i + lane]) : 0.0;
      acc[lane] = std::fma(m, lane_log(m), acc[lane]);
    }
  }
  return combine_lanes(acc);
}

// sum_many for a kernel with no wider form: one pair after another.
template <MidpointXlogx Sum>
void one_by_one(const double* p, const double* q, std::size_t stride, std::size_t count,
                std::size_t n, double* sums) noexcept {
  for (std::size_t c = 0; c < count; ++c) sums[c] = Sum(p, q + c * stride, n);
}

#ifdef TMKIT_HAVE_X86_KERNELS

// ---- AVX2 + FMA: two 4-lane halves, table lookups by gather -------------------------------------

#define TMKIT_AVX2 __attribute__((target("avx2,fma")))

TMKIT_AVX2 inline __m256d avx2_log(__m256d m) noexcept {
  const __m256d x = _mm256_max_pd(m, _mm256_set1_pd(DBL_MIN));
  const __m256i bits = _mm256_castpd_si256(x);
  // The biased exponent as a double without an int64 -> double conversion (AVX2 has none): the
  // bits of 2^52 + E read as a double, minus 2^52 + 1023 (exact).
  const __m256i e_bits =
      _mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x4330000000000000LL));
  const __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(e_bits), _mm256_set1_pd(0x1p52 + 1023.0));
  const __m256d f = _mm256_castsi256_pd(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)),
                      _mm256_set1_epi64x(0x3FF0000000000000LL)));
  const __m256i index = _mm256_and_si256(_mm256_srli_epi64(bits, 48), _mm256_set1_epi64x(15));
  const __m256d inverse = _mm256_i64gather_pd(kInverse, index, 8);
  const __m256d log_c = _mm256_i64gather_pd(kLogC, index, 8);
  const __m256d r = _mm256_fmsub_pd(f, inverse, _mm256_set1_pd(1.0));
  const __m256d r2 = _mm256_mul_pd(r, r);
  __m256d g = _mm256_set1_pd(kG[0]);
  for (std::size_t k = 1; k < 7; ++k) g = _mm256_fmadd_pd(g, r, _mm256_set1_pd(kG[k]));
  return _mm256_fmadd_pd(e, _mm256_set1_pd(kLn2), _mm256_add_pd(_mm256_fmadd_pd(r2, g, r), log_c));
}

TMKIT_AVX2 inline __m256d avx2_mid(const double* p, const double* q, std::size_t count) noexcept {
  if (count >= 4) {
    return _mm256_mul_pd(_mm256_set1_pd(0.5),
                         _mm256_add_pd(_mm256_loadu_pd(p), _mm256_loadu_pd(q)));
  }
  const __m256i lanes = _mm256_setr_epi64x(0, 1, 2, 3);
  const __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(count)), lanes);
  return _mm256_mul_pd(_mm256_set1_pd(0.5),
                       _mm256_add_pd(_mm256_maskload_pd(p, mask), _mm256_maskload_pd(q, mask)));
}

TMKIT_AVX2 double avx2_sum(const double* p, const double* q, std::size_t n) noexcept {
  __m256d low = _mm256_setzero_pd(), high = _mm256_setzero_pd();  // lanes 0-3 and 4-7
  for (std::size_t i = 0; i < n; i += kLanes) {
    const std::size_t left = n - i;  // the high half may be all padding: it adds 0 like a lane
    const __m256d m_low = avx2_mid(p + i, q + i, left);
    const __m256d m_high = avx2_mid(p + i + 4, q + i + 4, left > 4 ? left - 4 : 0);
    low = _mm256_fmadd_pd(m_low, avx2_log(m_low), low);
    high = _mm256_fmadd_pd(m_high, avx2_log(m_high), high);
  }
  alignas(32) double lanes[kLanes];
  _mm256_store_pd(lanes, low);
  _mm256_store_pd(lanes + 4, high);
  return combine_lanes(lanes);
}

// ---- AVX-512: eight lanes, exponent and mantissa by getexp/getmant, tables in registers --------

#define TMKIT_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,fma")))

struct Avx512Tables {
  __m512d inverse_low, inverse_high, log_c_low, log_c_high;
};

TMKIT_AVX512 inline Avx512Tables avx512_tables() noexcept {
  return {_mm512_load_pd(kInverse), _mm512_load_pd(kInverse + 8), _mm512_load_pd(kLogC),
          _mm512_load_pd(kLogC + 8)};
}

TMKIT_AVX512 inline __mmask8 avx512_mask(std::size_t left) noexcept {
  return left >= kLanes ? __mmask8(0xFF) : __mmask8((1U << left) - 1U);
}

// acc + m log m, lane by lane.
TMKIT_AVX512 inline __m512d avx512_add_xlogx(__m512d m, __m512d acc,
                                             const Avx512Tables& t) noexcept {
  const __m512d x = _mm512_max_pd(m, _mm512_set1_pd(DBL_MIN));
  const __m512d f = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  const __m512d e = _mm512_getexp_pd(x);
  // permutex2var reads bits 0-3 of each index lane: the top four bits of the mantissa.
  const __m512i index = _mm512_srli_epi64(_mm512_castpd_si512(x), 48);
  const __m512d inverse = _mm512_permutex2var_pd(t.inverse_low, index, t.inverse_high);
  const __m512d log_c = _mm512_permutex2var_pd(t.log_c_low, index, t.log_c_high);
  const __m512d r = _mm512_fmsub_pd(f, inverse, _mm512_set1_pd(1.0));
  const __m512d r2 = _mm512_mul_pd(r, r);
  __m512d g = _mm512_set1_pd(kG[0]);
  for (std::size_t k = 1; k < 7; ++k) g = _mm512_fmadd_pd(g, r, _mm512_set1_pd(kG[k]));
  const __m512d log_x =
      _mm512_fmadd_pd(e, _mm512_set1_pd(kLn2), _mm512_add_pd(_mm512_fmadd_pd(r2, g, r), log_c));
  return _mm512_fmadd_pd(m, log_x, acc);
}

TMKIT_AVX512 inline __m512d avx512_mid(__m512d p, const double* q, __mmask8 mask) noexcept {
  return _mm512_mul_pd(_mm512_set1_pd(0.5), _mm512_add_pd(p, _mm512_maskz_loadu_pd(mask, q)));
}

TMKIT_AVX512 inline double avx512_combine(__m512d acc) noexcept {
  alignas(64) double lanes[kLanes];
  _mm512_store_pd(lanes, acc);
  return combine_lanes(lanes);
}

TMKIT_AVX512 double avx512_sum(const double* p, const double* q, std::size_t n) noexcept {
  const Avx512Tables tables = avx512_tables();
  __m512d acc = _mm512_setzero_pd();
  for (std::size_t i = 0; i < n; i += kLanes) {
    const __mmask8 mask = avx512_mask(n - i);
    const __m512d m = avx512_mid(_mm512_maskz_loadu_pd(mask, p + i), q + i, mask);
    acc = avx512_add_xlogx(m, acc, tables);
  }
  return avx512_combine(acc);
}

TMKIT_AVX512 void avx512_sum_many(const double* p, const double* q, std::size_t stride,
                                  std::size_t count, std::size_t n, double* sums) noexcept {
  const Avx512Tables tables = avx512_tables();
  std::size_t c = 0;
  for (; c + 4 <= count; c += 4) {
    const double* q0 = q + c * stride;
    const double* q1 = q0 + stride;
    const double* q2 = q1 + stride;
    const double* q3 = q2 + stride;
    __m512d acc0 = _mm512_setzero_pd(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (std::size_t i = 0; i < n; i += kLanes) {
      const __mmask8 mask = avx512_mask(n - i);
      const __m512d pv = _mm512_maskz_loadu_pd(mask, p + i);
      acc0 = avx512_add_xlogx(avx512_mid(pv, q0 + i, mask), acc0, tables);
      acc1 = avx512_add_xlogx(avx512_mid(pv, q1 + i, mask), acc1, tables);
      acc2 = avx512_add_xlogx(avx512_mid(pv, q2 + i, mask), acc2, tables);
      acc3 = avx512_add_xlogx(avx512_mid(pv, q3 + i, mask), acc3, tables);
    }
    sums[c] = avx512_combine(acc0);
    sums[c + 1] = avx512_combine(acc1);
    sums[c + 2] = avx512_combine(acc2);
    sums[c + 3] = avx512_combine(acc3);
  }
  for (; c < count; ++c) sums[c] = avx512_sum(p, q + c * stride, n);
}

#endif  // TMKIT_HAVE_X86_KERNELS

}  // namespace

std::vector<MidpointXlogxKernel> midpoint_xlogx_kernels() {
  std::vector<MidpointXlogxKernel> kernels{{"scalar", scalar_sum, one_by_one<scalar_sum>}};
#ifdef TMKIT_HAVE_X86_KERNELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    kernels.push_back({"avx2", avx2_sum, one_by_one<avx2_sum>});
  }
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma")) {
    kernels.push_back({"avx512", avx512_sum, avx512_sum_many});
  }
#endif
  return kernels;
}

const MidpointXlogxKernel& midpoint_xlogx() {
  static const MidpointXlogxKernel fastest = midpoint_xlogx_kernels().back();
  return fastest;
}

}  // namespace tmkit::detail
