// SHA-256 (FIPS 180-4), used to fingerprint corpora and to check the files of a model directory.
// The block function runs on the CPU's SHA extensions where it has them (several times faster, so
// hashing a corpus while checking it costs little), else portably.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tmkit {

/// Incremental SHA-256: update() with any number of byte ranges, then hex_digest() once.
class Sha256 {
 public:
  Sha256() noexcept;
  void update(const void* data, std::size_t n_bytes) noexcept;
  void update(std::string_view text) noexcept { update(text.data(), text.size()); }
  /// The 32-byte digest. Finishes the hash: call it (or hex_digest) once.
  std::array<unsigned char, 32> digest();
  /// The 64-character lower-case hex digest. Finishes the hash: call it (or digest) once.
  std::string hex_digest();

 private:
  void compress(const unsigned char* block) noexcept;

  std::array<std::uint32_t, 8> state_;   ///< H0..H7 of FIPS 180-4 §5.3.3
  std::array<unsigned char, 64> block_;  ///< pending bytes of the current 512-bit block
  std::size_t block_used_ = 0;           ///< bytes of block_ in use
  std::uint64_t n_bytes_ = 0;            ///< message length so far
};

/// SHA-256 of a whole file; InputError if it cannot be read.
std::string sha256_file(const std::string& path);

/// SHA-256 of a file's content, decompressed when the file is gzip, bzip2 or xz (input_file.hpp):
/// the same for a corpus and its compressed copy.
std::string sha256_content(const std::string& path);

}  // namespace tmkit
