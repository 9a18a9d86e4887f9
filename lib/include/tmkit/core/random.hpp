// Seeded random streams. One stream per unit of work (a topic, a document, a block), derived from
// (seed, stream id), never per thread and never from the clock, so that results depend on the seed
// alone. Boost.Random's engines and distributions are the same code on every platform (the
// standard library's distributions are not).
#pragma once

#include <boost/random/mersenne_twister.hpp>
#include <cstdint>

namespace tmkit {

using Rng = boost::random::mt19937_64;

/// Mixes a user seed and a stream id into an engine seed with SplitMix64 (Steele, Lea & Flood
/// 2014), so that neighbouring stream ids give unrelated streams.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) noexcept;

/// The engine of stream `stream` under `seed`.
inline Rng make_rng(std::uint64_t seed, std::uint64_t stream) {
  return Rng(stream_seed(seed, stream));
}

/// A uniform variate on the open interval (0, 1): the engine's top 53 bits plus one half, times
/// 2^-53, so every value is a multiple of 2^-54 in [2^-54, 1 - 2^-54]. One engine call and one
/// exact conversion: several times cheaper than boost::random::uniform_01<double>, which converts
/// all 64 bits and loops on a result of 1.
inline double open_unit_uniform(Rng& rng) {
  return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53;
}

}  // namespace tmkit
