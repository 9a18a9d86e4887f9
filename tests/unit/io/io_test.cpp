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

BOOST_AUTO_TEST_SUITE_END()
