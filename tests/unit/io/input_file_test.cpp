#include "tmkit/io/input_file.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/sha256.hpp"

namespace {

using tmkit::Compression;
constexpr Compression kCompressions[] = {Compression::gzip, Compression::bzip2, Compression::xz};

// 400 KB of lines, more than the reader's 64 KiB pieces on both sides of the decoder.
std::string sample_text() {
  std::string text;
  for (int i = 0; text.size() < 400000; ++i) {
    text += std::to_string(i) + " " + std::to_string(i * 7919 % 104729) + " words\n";
  }
  return text;
}

std::string name_of(Compression compression) { return tmkit::compression_name(compression); }

// The InputError message of reading `path` whole, or "" if it reads.
std::string read_error(const std::string& path) {
  try {
    tmkit::read_file(path);
  } catch (const tmkit::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(input_file)

BOOST_AUTO_TEST_CASE(compressed_files_read_as_their_content) {
  const std::string text = sample_text();
  tmkit::test::ScratchDir dir;
  const std::string plain = dir.write("plain.txt", text);
  BOOST_TEST(name_of(tmkit::compression_of_file(plain)) == "none");
  for (const Compression compression : kCompressions) {
    BOOST_TEST_CONTEXT(tmkit::compression_name(compression)) {
      // The name says nothing: the magic bytes decide.
      const std::string path = dir.write("data.txt", tmkit::test::compress(text, compression));
      BOOST_TEST(name_of(tmkit::compression_of_file(path)) == name_of(compression));
      BOOST_TEST(tmkit::read_file(path) == text);
      BOOST_TEST(tmkit::read_head(path, 100) == text.substr(0, 100));
      BOOST_TEST(tmkit::sha256_content(path) == tmkit::sha256_file(plain));
      tmkit::InputFile in(path);
      BOOST_TEST(name_of(in.compression()) == name_of(compression));
      std::string line;
      std::size_t lines = 0;
      while (std::getline(in, line)) ++lines;
      BOOST_TEST(lines == static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    }
  }
  BOOST_TEST(tmkit::read_file(plain) == text);
  BOOST_TEST(tmkit::read_file(dir.write("empty", "")).empty());
}

BOOST_AUTO_TEST_CASE(small_and_large_reads_mixed_give_the_content_in_order) {
  // Large reads of a plain file bypass the reader's buffers; mixed with small ones (a .npy header,
  // then its data) every byte still comes once, in order, and a read past the end comes up short.
  const std::string text = sample_text();
  tmkit::test::ScratchDir dir;
  for (const bool compressed : {false, true}) {
    BOOST_TEST_CONTEXT((compressed ? "gzip" : "plain")) {
      const std::string path =
          dir.write("mixed", compressed ? tmkit::test::compress(text, Compression::gzip) : text);
      tmkit::InputFile first_large(path);  // a large read before any small one
      std::string head(70000, '\0');
      first_large.read(head.data(), static_cast<std::streamsize>(head.size()));
      BOOST_TEST((head == text.substr(0, head.size())));
      tmkit::InputFile in(path);
      std::string got;
      std::string piece;
      for (const std::size_t size : {std::size_t{10}, std::size_t{70000}, std::size_t{3},
                                     std::size_t{65536}, std::size_t{1}, std::size_t{1000000}}) {
        piece.assign(size, '\0');
        in.read(piece.data(), static_cast<std::streamsize>(size));
        got.append(piece, 0, static_cast<std::size_t>(in.gcount()));
        if (!in) break;
      }
      BOOST_TEST(got.size() == text.size());
      BOOST_TEST((got == text));
      BOOST_TEST(in.eof());
    }
  }
}

BOOST_AUTO_TEST_CASE(concatenated_streams_read_as_one) {
  tmkit::test::ScratchDir dir;
  for (const Compression compression : kCompressions) {
    const std::string path =
        dir.write("joined", tmkit::test::compress("first part\n", compression) +
                                tmkit::test::compress("second part\n", compression));
    BOOST_TEST(tmkit::read_file(path) == "first part\nsecond part\n");
  }
}

BOOST_AUTO_TEST_CASE(damaged_compressed_files_are_refused) {
  const std::string text = sample_text();
  tmkit::test::ScratchDir dir;
  for (const Compression compression : kCompressions) {
    BOOST_TEST_CONTEXT(tmkit::compression_name(compression)) {
      const std::string packed = tmkit::test::compress(text, compression);
      const std::string name = tmkit::compression_name(compression);
      // Cut short, at several places.
      for (const std::size_t size : {std::size_t(10), packed.size() / 2, packed.size() - 1}) {
        const std::string path = dir.write("cut", packed.substr(0, size));
        const std::string error = read_error(path);
        BOOST_TEST(error.find(path + ": ") == 0u, error);
        BOOST_TEST((error.find("truncated") != std::string::npos ||
                    error.find("not valid " + name) != std::string::npos),
                   error);
      }
      // A byte changed in the middle: the format's checks catch it.
      std::string damaged = packed;
      damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
      BOOST_TEST(read_error(dir.write("damaged", damaged)).find("not valid " + name) !=
                 std::string::npos);
      // Data of another kind after the end of the stream.
      const std::string trailing = read_error(dir.write("trailing", packed + "not compressed\n"));
      BOOST_TEST(trailing.find("after the end of its " + name + " stream") != std::string::npos,
                 trailing);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_second_layer_and_other_packings_are_refused_with_advice) {
  tmkit::test::ScratchDir dir;
  const std::string twice = dir.write(
      "twice.gz", tmkit::test::compress(tmkit::test::compress("a b c\n", Compression::gzip),
                                        Compression::gzip));
  const std::string content = tmkit::read_file(twice);
  try {
    tmkit::check_text_content(content, twice, "a text corpus");
    BOOST_ERROR("a second gzip layer was accepted");
  } catch (const tmkit::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("gzip-compressed twice") != std::string::npos, e.what());
  }
  BOOST_CHECK_THROW(tmkit::check_text_content("\x28\xb5\x2f\xfd rest", "f.zst", "a corpus"),
                    tmkit::InputError);
  BOOST_CHECK_THROW(tmkit::check_text_content("PK\x03\x04 rest", "f.zip", "a corpus"),
                    tmkit::InputError);
  BOOST_CHECK_NO_THROW(tmkit::check_text_content("BZh is a word\n", "f.txt", "a corpus"));
}

BOOST_AUTO_TEST_SUITE_END()
