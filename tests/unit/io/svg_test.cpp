#include "tmkit/io/svg.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

BOOST_AUTO_TEST_SUITE(svg)

// A small well-formedness check: every element opened is closed in order, attribute values are
// quoted, and no bare '&' or '<' is left in text.
bool well_formed(const std::string& xml, std::string& problem) {
  std::vector<std::string> open;
  std::size_t i = xml.find("<svg");
  while (i < xml.size()) {
    if (xml[i] == '<') {
      const std::size_t end = xml.find('>', i);
      if (end == std::string::npos) return problem = "unterminated tag", false;
      std::string tag = xml.substr(i + 1, end - i - 1);
      if (std::count(tag.begin(), tag.end(), '"') % 2 != 0)
        return problem = "unbalanced quotes in <" + tag + ">", false;
      if (tag[0] == '/') {
        if (open.empty() || open.back() != tag.substr(1))
          return problem = "mismatched </" + tag.substr(1) + ">", false;
        open.pop_back();
      } else if (tag.back() != '/') {
        open.push_back(tag.substr(0, tag.find(' ')));
      }
      i = end + 1;
    } else {
      if (xml[i] == '&' && xml.compare(i, 4, "&lt;") != 0 && xml.compare(i, 4, "&gt;") != 0 &&
          xml.compare(i, 5, "&amp;") != 0 && xml.compare(i, 6, "&quot;") != 0 &&
          xml.compare(i, 6, "&apos;") != 0) {
        return problem = "bare & in text", false;
      }
      ++i;
    }
  }
  if (!open.empty()) return problem = "unclosed <" + open.back() + ">", false;
  return true;
}

BOOST_AUTO_TEST_CASE(line_chart_is_well_formed_and_escapes_text) {
  tmkit::LineChart chart;
  chart.title = "A & B <test>";
  chart.x_label = "pass";
  chart.y_label = "ELBO";
  chart.mark_legend = "moves";
  chart.series.push_back({"one", {0, 1, 2, 3}, {-10, -5, -4.5, -4.4}, {false, false, true, false}});
  chart.series.push_back({"two \"quoted\"", {0, 1}, {-9, std::nan("")}, {}});
  const std::string svg = tmkit::render_line_chart(chart);
  std::string problem;
  BOOST_TEST(well_formed(svg, problem), problem);
  BOOST_TEST(svg.rfind("<?xml", 0) == 0u);
  BOOST_TEST(svg.find("A &amp; B &lt;test&gt;") != std::string::npos);
  BOOST_TEST(svg.find("<circle") != std::string::npos);  // the marked point
  BOOST_TEST(svg.find("<polyline") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_and_flat_charts_still_render) {
  tmkit::LineChart chart;
  std::string problem;
  BOOST_TEST(well_formed(tmkit::render_line_chart(chart), problem), problem);
  chart.series.push_back({"flat", {1, 2}, {5, 5}, {}});
  BOOST_TEST(well_formed(tmkit::render_line_chart(chart), problem), problem);
}

BOOST_AUTO_TEST_SUITE_END()
