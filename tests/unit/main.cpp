// The tmkit_unit_tests runner: Boost.Test's main, linked dynamically.
#define BOOST_TEST_MODULE tmkit
#include <boost/test/unit_test.hpp>
