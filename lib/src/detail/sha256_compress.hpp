// The block function of SHA-256, in the implementations this CPU can run (sha256.cpp), for
// Sha256 and for the test that they agree. Private to lib/src.
#pragma once

#include <cstdint>
#include <vector>

namespace tmkit::detail {

/// One 64-byte block into the eight state words.
using Sha256Compress = void (*)(std::uint32_t* state, const unsigned char* block) noexcept;

struct Sha256Compressor {
  const char* name;  // "portable" or "sha-extensions"
  Sha256Compress compress;
};

/// The portable one first, then any this CPU accelerates; Sha256 uses the last.
std::vector<Sha256Compressor> sha256_compressors();

}  // namespace tmkit::detail
