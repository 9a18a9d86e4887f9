#include "tmkit/io/io.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <limits>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(io)

namespace fs = std::filesystem;
using tmkit::test::ScratchDir;

BOOST_AUTO_TEST_CASE(line_reader_counts_lines_and_strips_crlf) {
  tmkit::LineReader lines("a\r\nb\n\nc");
  std::string_view line;
  std::vector<std::string> seen;
  while (lines.next(line)) seen.emplace_back(line);
  BOOST_TEST(seen == (std::vector<std::string>{"a", "b", "", "c"}),
             boost::test_tools::per_element());
  BOOST_TEST(lines.line_number() == 4u);
}

BOOST_AUTO_TEST_CASE(numbers_are_written_round_trip_exact) {
  BOOST_TEST(tmkit::format_double(0.1) == "0.10000000000000001");
  BOOST_TEST(std::stod(tmkit::format_double(1.0 / 3.0)) == 1.0 / 3.0);
  BOOST_TEST(tmkit::format_double(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(tmkit::format_double(-std::numeric_limits<double>::infinity()) == "-inf");
}

BOOST_AUTO_TEST_CASE(atomic_file_appears_only_on_commit) {
  ScratchDir dir;
  const std::string path = dir.file("out.txt");
  {
    tmkit::AtomicFile file(path);
    file.stream() << "partial";
  }  // abandoned
  BOOST_TEST(!fs::exists(path));
  BOOST_TEST(fs::is_empty(dir.path()));
  dir.write("out.txt", "old");
  {
    tmkit::AtomicFile file(path);
    file.stream() << "new";
    BOOST_TEST(tmkit::read_file(path) == "old");
    file.commit();
  }
  BOOST_TEST(tmkit::read_file(path) == "new");
}

BOOST_AUTO_TEST_CASE(atomic_directory_replaces_only_when_complete) {
  ScratchDir dir;
  const std::string target = dir.file("model");
  fs::create_directory(target);
  dir.write("model/keep.txt", "old model");
  {
    tmkit::AtomicDirectory out(target);
    tmkit::write_file_atomically(out.file("new.txt"), "new model");
  }  // abandoned: the old directory is untouched, no temporary left
  BOOST_TEST(tmkit::read_file(target + "/keep.txt") == "old model");
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
  {
    tmkit::AtomicDirectory out(target);
    tmkit::write_file_atomically(out.file("new.txt"), "new model");
    out.commit();
  }
  BOOST_TEST(!fs::exists(target + "/keep.txt"));
  BOOST_TEST(tmkit::read_file(target + "/new.txt") == "new model");
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(unwritable_locations_are_input_errors) {
  ScratchDir dir;
  BOOST_CHECK_THROW(tmkit::AtomicDirectory(dir.file("no/such/parent/model")), tmkit::OutputError);
  BOOST_CHECK_THROW(tmkit::AtomicFile(dir.file("no/such/file.txt")), tmkit::OutputError);
  dir.write("plain", "x");
  BOOST_CHECK_THROW(tmkit::AtomicDirectory(dir.file("plain")), tmkit::OutputError);
  if (::geteuid() != 0) {  // root ignores permission bits
    fs::create_directory(dir.file("locked"));
    ::chmod(dir.file("locked").c_str(), 0500);
    BOOST_CHECK_THROW(tmkit::AtomicDirectory(dir.file("locked/model")), tmkit::OutputError);
  }
}

BOOST_AUTO_TEST_CASE(text_content_is_told_from_compressed_and_binary_data) {
  const auto refused = [](const std::string& head) {
    try {
      tmkit::check_text_content(head, "f", "text");
    } catch (const tmkit::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // The content a reader checks is already decompressed once (input_file.hpp): gzip, bzip2 or xz
  // magic there is a second layer.
  BOOST_TEST(refused("\x1f\x8b\x08\x00rest").find("gzip-compressed twice") != std::string::npos);
  BOOST_TEST(refused("BZh91AY&SY").find("bzip2-compressed twice") != std::string::npos);
  BOOST_TEST(refused(std::string("\xfd"
                                 "7zXZ\0\0",
                                 8))
                 .find("xz-compressed twice") != std::string::npos);
  BOOST_TEST(refused("\x28\xb5\x2f\xfd....").find("zstd-compressed") != std::string::npos);
  BOOST_TEST(refused("PK\x03\x04....").find("a zip archive") != std::string::npos);
  BOOST_TEST(refused(std::string("ab\0cd", 5)).find("NUL byte at offset 2") != std::string::npos);
  std::string noise;
  std::uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1664525u + 1013904223u;
    noise += static_cast<char>(0x80 | (x >> 24));  // high bytes only: never NUL, rarely UTF-8
  }
  BOOST_TEST(refused(noise).find("are not UTF-8") != std::string::npos);
  // Text passes: ASCII, UTF-8 in several scripts, a little Latin-1, "BZh" that is a word.
  BOOST_TEST(refused("in the beginning God created the heaven and the earth\n").empty());
  // "crème brûlée", Greek, Chinese and an emoji, in UTF-8 (bytes spelled out).
  const std::string utf8 =
      "cr\xc3\xa8me br\xc3\xbb"
      "l\xc3\xa9"
      "e \xce\xb1\xce\xb2 \xe6\x96\x87\xe5\xad\x97 \xf0\x9f\x99\x82\n";
  BOOST_TEST(refused(utf8).empty());
  BOOST_TEST(
      refused("the caf\xe9 was open all day and all night long for the travellers\n").empty());
  BOOST_TEST(refused("BZhx is not a magic number").empty());
  BOOST_TEST(refused("").empty());
}

BOOST_AUTO_TEST_SUITE_END()
