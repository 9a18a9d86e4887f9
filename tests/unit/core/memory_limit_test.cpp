#include "tmkit/core/memory_limit.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "tmkit/core/error.hpp"

BOOST_AUTO_TEST_SUITE(memory_limit)

namespace {
// The message check_memory gives, or "" when it lets the work go on.
std::string refusal(double bytes, double max_bytes) {
  try {
    tmkit::check_memory(bytes, "a 9 x 9 matrix", max_bytes, "use less");
  } catch (const tmkit::OptionError& e) {
    BOOST_TEST(e.option() == "max-memory");
    return e.problem();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(work_beyond_the_limit_or_the_machine_is_refused) {
  const double machine = tmkit::machine_memory();
  BOOST_TEST(machine > 1e8);  // Linux tells; at least 100 MB
  BOOST_TEST(refusal(1000, 2000).empty());
  BOOST_TEST(refusal(3 * 1073741824.0, 1073741824.0) ==
             "a 9 x 9 matrix needs 3 GiB, more than the 1 GiB allowed; use less, or raise the "
             "limit");
  // Above the machine's memory, even with a higher limit: raising the limit would not help.
  const std::string beyond = refusal(machine * 2, machine * 4);
  BOOST_TEST(beyond.find("more than this machine has") != std::string::npos, beyond);
  BOOST_TEST(beyond.find("raise the limit") == std::string::npos, beyond);
}

BOOST_AUTO_TEST_CASE(header_counts_beyond_the_machine_are_bad_input) {
  BOOST_CHECK_NO_THROW(tmkit::check_header_memory("f.txt", 1, "D = 10 documents", 960));
  try {
    tmkit::check_header_memory("f.txt", 1, "D = 1e15 documents", 1e17);
    BOOST_ERROR("accepted");
  } catch (const tmkit::InputError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("f.txt:1: D = 1e15 documents would need 9.31e+07 GiB, more than this "
                         "machine has") == 0u,
               what);
  }
}

BOOST_AUTO_TEST_SUITE_END()
