#include "tmkit/io/numbers.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

BOOST_AUTO_TEST_SUITE(numbers)

BOOST_AUTO_TEST_CASE(a_number_is_the_whole_text_or_nothing) {
  BOOST_TEST(*tmkit::parse_number("2.5") == 2.5);
  BOOST_TEST(*tmkit::parse_number("+1e-3") == 1e-3);
  BOOST_TEST(*tmkit::parse_number("-4") == -4.0);
  BOOST_TEST(std::isinf(*tmkit::parse_number("inf")));
  BOOST_TEST(std::isnan(*tmkit::parse_number("nan")));
  for (const char* bad : {"", "+", "++1", " 5", "5 ", "12abc", "1e999", "0x10", "1,5", "-"}) {
    BOOST_TEST(!tmkit::parse_number(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(a_whole_number_is_digits_only) {
  BOOST_TEST(*tmkit::parse_whole_number("0") == 0u);
  BOOST_TEST(*tmkit::parse_whole_number("18446744073709551615") == 18446744073709551615ull);
  for (const char* bad : {"", "-3", "+3", "3.0", "1e3", " 7", "7 ", "18446744073709551616", "x"}) {
    BOOST_TEST(!tmkit::parse_whole_number(bad).has_value(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()
