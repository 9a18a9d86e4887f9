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

}  // namespace tmkit
