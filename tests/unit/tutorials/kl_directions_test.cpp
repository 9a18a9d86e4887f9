// The optima of docs/tutorials/forward-vs-reverse-kl.md against values found independently
// (tests/reference/generate_kl_directions.py: moment matching for the forward KL; a fine grid
// refined by Nelder-Mead on scipy's quad for the reverse KL).
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>

#include "kl_fit.hpp"
#include "support/test_support.hpp"

namespace tt = boost::test_tools;
using namespace tmkit::tutorial;

namespace {

std::vector<Optimum> reference(const std::string& direction) {
  std::ifstream in(tmkit::test::source_path("tests/reference/kl_directions/optima.txt"));
  std::vector<Optimum> out;
  std::string name;
  Optimum o;
  while (in >> name >> o.mu >> o.sigma >> o.kl) {
    if (name == direction) out.push_back(o);
  }
  return out;
}

void check(Direction direction, const std::string& name) {
  const std::vector<Optimum> expected = reference(name);
  const std::vector<Optimum> found = local_optima(tutorial_mixture(), direction, tutorial_starts());
  BOOST_REQUIRE_MESSAGE(found.size() == expected.size(),
                        name << ": " << found.size() << " optima, expected " << expected.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    // 1e-6 relative: both ends stop at a flat minimum, where the KL's 1e-14 accuracy fixes the
    // location to ~1e-7.
    BOOST_TEST(found[i].mu == expected[i].mu, tt::tolerance(1e-6));
    BOOST_TEST(found[i].sigma == expected[i].sigma, tt::tolerance(1e-6));
    BOOST_TEST(found[i].kl == expected[i].kl, tt::tolerance(1e-9));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kl_directions)

BOOST_AUTO_TEST_CASE(forward_kl_has_one_optimum_the_moment_match) {
  check(Direction::forward, "forward");
  const Optimum o = minimise(tutorial_mixture(), Direction::forward, -2.0, 0.3);
  BOOST_TEST(o.mu == 0.5, tt::tolerance(1e-9));                 // E_p[x]
  BOOST_TEST(o.sigma * o.sigma == 2.625, tt::tolerance(1e-9));  // Var_p[x]
}

BOOST_AUTO_TEST_CASE(reverse_kl_has_two_local_optima) { check(Direction::reverse, "reverse"); }

BOOST_AUTO_TEST_SUITE_END()
