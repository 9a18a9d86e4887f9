#include "tmkit/io/sha256.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <string>

#include "detail/sha256_compress.hpp"
#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(sha256)

std::string digest(const std::string& text) {
  tmkit::Sha256 hash;
  hash.update(text);
  return hash.hex_digest();
}

// Test vectors of FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA256_2.pdf").
BOOST_AUTO_TEST_CASE(matches_nist_vectors) {
  BOOST_TEST(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(digest(std::string(1000000, 'a')) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(incremental_updates_equal_one_update) {
  const std::string text(200, 'x');
  tmkit::Sha256 pieces;
  for (std::size_t i = 0; i < text.size(); i += 7) pieces.update(text.substr(i, 7));
  BOOST_TEST(pieces.hex_digest() == digest(text));
}

// Every block function this CPU runs (the portable one, and the SHA extensions where present) gives
// the same state for random states and blocks, so the digests above hold for all of them.
BOOST_AUTO_TEST_CASE(block_functions_agree) {
  const auto all = tmkit::detail::sha256_compressors();
  BOOST_TEST_MESSAGE("sha256 block functions on this CPU: " << all.size() << ", using "
                                                            << all.back().name);
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    std::uint32_t start[8];
    unsigned char block[64];
    for (auto& word : start) word = static_cast<std::uint32_t>(rng());
    for (auto& byte : block) byte = static_cast<unsigned char>(rng());
    std::uint32_t want[8];
    std::copy(start, start + 8, want);
    all.front().compress(want, block);
    for (const auto& other : all) {
      std::uint32_t got[8];
      std::copy(start, start + 8, got);
      other.compress(got, block);
      BOOST_TEST(std::equal(got, got + 8, want), other.name << " differs at trial " << trial);
    }
  }
}

BOOST_AUTO_TEST_CASE(file_digest_and_missing_file) {
  tmkit::test::ScratchDir dir;
  BOOST_TEST(tmkit::sha256_file(dir.write("f", "abc")) == digest("abc"));
  BOOST_CHECK_THROW(tmkit::sha256_file(dir.file("missing")), tmkit::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
