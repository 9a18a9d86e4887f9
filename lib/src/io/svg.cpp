#include "tmkit/io/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tmkit {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c",
                                    "#9467bd", "#ff7f0e", "#8c564b"};
constexpr int kMarginRight = 20, kMarginTop = 40, kMinMarginBottom = 60;
// The left margin holds the y tick labels (right-aligned, kTickGap from the axis) and, left of
// them, the rotated y-axis title: wide enough for the longest label at ~kCharWidth pixels a
// character at font size 12, and never narrower than kMinMarginLeft.
constexpr int kMinMarginLeft = 60, kTickGap = 6, kCharWidth = 7, kTitleBand = 24;
// Category labels on the x axis: at most this many shown (every n-th beyond), turned by 30°.
constexpr std::size_t kMaxCategoryLabels = 20;
constexpr int kTargetTicks = 6;

}  // namespace

// Heckbert 1990, "Nice numbers for graph labels".
std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) {
    const double pad = std::max(1.0, std::fabs(lo) * 0.01);
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double step = (fraction < 1.5   ? 1.0
                       : fraction < 3.0 ? 2.0
                       : fraction < 7.0 ? 5.0
                                        : 10.0) *
                      magnitude;
  const long first = static_cast<long>(std::floor(lo / step));
  const long last = static_cast<long>(std::ceil(hi / step));
  std::vector<double> ticks;
  for (long i = first; i <= last; ++i) ticks.push_back(static_cast<double>(i) * step);
  return ticks;
}

std::string tick_label(double value) {
  char buffer[32];
  if (value != 0 && (std::fabs(value) >= 1e6 || std::fabs(value) < 1e-3)) {
    std::snprintf(buffer, sizeof buffer, "%.3g", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
  }
  return buffer;
}

std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> labels;
  for (const double t : ticks) labels.push_back(tick_label(t));
  // Close ticks of large or tiny values can share a 3-digit label: add digits until they differ.
  for (int precision = 4; precision <= 12; ++precision) {
    bool distinct = true;
    for (std::size_t i = 1; i < labels.size(); ++i)
      distinct = distinct && labels[i] != labels[i - 1];
    if (distinct) break;
    char buffer[32];
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      std::snprintf(buffer, sizeof buffer, "%.*g", precision, ticks[i]);
      labels[i] = buffer;
    }
  }
  return labels;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_line_chart(const LineChart& chart, int width, int height) {
  double x_lo = HUGE_VAL, x_hi = -HUGE_VAL, y_lo = HUGE_VAL, y_hi = -HUGE_VAL;
  bool any_mark = false;
  for (const auto& s : chart.series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
      if (i < s.marked.size() && s.marked[i]) any_mark = true;
    }
  }
  if (x_lo > x_hi) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  std::vector<double> x_ticks = nice_ticks(x_lo, x_hi, kTargetTicks);
  const std::vector<double> y_ticks = nice_ticks(y_lo, y_hi, kTargetTicks);
  std::vector<std::string> x_labels = tick_labels(x_ticks);
  const std::vector<std::string> y_labels = tick_labels(y_ticks);
  if (!chart.x_categories.empty()) {
    x_ticks.clear();
    x_labels.clear();
    const std::size_t every =
        (chart.x_categories.size() + kMaxCategoryLabels - 1) / kMaxCategoryLabels;
    for (std::size_t i = 0; i < chart.x_categories.size(); i += every) {
      x_ticks.push_back(chart.x_categories[i].first);
      x_labels.push_back(xml_escape(chart.x_categories[i].second));
    }
    x_lo = std::min(x_lo, x_ticks.front());
    x_hi = std::max(x_hi, x_ticks.back());
  }
  std::size_t longest = 0;
  for (const auto& label : y_labels) longest = std::max(longest, label.size());
  const int kMarginLeft =
      std::max(kMinMarginLeft, kTickGap + kCharWidth * static_cast<int>(longest) + kTitleBand);
  // Turned category labels reach down by about half their length (sin 30°), at ~6 px a character.
  std::size_t longest_category = 0;
  for (const auto& label : x_labels) {
    if (!chart.x_categories.empty()) longest_category = std::max(longest_category, label.size());
  }
  const int kMarginBottom = kMinMarginBottom + static_cast<int>(3 * longest_category);
  const double xa = chart.x_categories.empty() ? x_ticks.front() : x_lo - 0.5,
               xb = chart.x_categories.empty() ? x_ticks.back() : x_hi + 0.5, ya = y_ticks.front(),
               yb = y_ticks.back();
  const double plot_w = width - kMarginLeft - kMarginRight,
               plot_h = height - kMarginTop - kMarginBottom;
  const auto px = [&](double x) {
    return kMarginLeft + (xb > xa ? (x - xa) / (xb - xa) : 0.5) * plot_w;
  };
  const auto py = [&](double y) {
    return kMarginTop + plot_h - (yb > ya ? (y - ya) / (yb - ya) : 0.5) * plot_h;
  };
  char buffer[256];
  std::string svg;
  std::snprintf(
      buffer, sizeof buffer,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      width, height, width, height);
  svg += buffer;
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::snprintf(buffer, sizeof buffer,
                "<text x=\"%d\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">", width / 2);
  svg += buffer + xml_escape(chart.title) + "</text>\n";
  for (std::size_t i = 0; i < x_ticks.size(); ++i) {
    const double t = x_ticks[i];
    if (chart.x_categories.empty()) {
      std::snprintf(buffer, sizeof buffer,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                    px(t), kMarginTop, px(t), kMarginTop + plot_h, px(t), kMarginTop + plot_h + 16);
    } else {  // names, turned so that neighbours do not run into each other
      std::snprintf(buffer, sizeof buffer,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                    "transform=\"rotate(-30 %.1f %.1f)\">",
                    px(t), kMarginTop, px(t), kMarginTop + plot_h, px(t), kMarginTop + plot_h + 12,
                    px(t), kMarginTop + plot_h + 12);
    }
    svg += buffer + x_labels[i] + "</text>\n";
  }
  for (std::size_t i = 0; i < y_ticks.size(); ++i) {
    const double t = y_ticks[i];
    std::snprintf(buffer, sizeof buffer,
                  "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
                  kMarginLeft, py(t), kMarginLeft + plot_w, py(t), kMarginLeft - kTickGap,
                  py(t) + 4);
    svg += buffer + y_labels[i] + "</text>\n";
  }
  std::snprintf(
      buffer, sizeof buffer,
      "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>\n",
      kMarginLeft, kMarginTop, plot_w, plot_h);
  svg += buffer;
  std::snprintf(buffer, sizeof buffer, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                kMarginLeft + plot_w / 2, height - 22);
  svg += buffer + xml_escape(chart.x_label) + "</text>\n";
  std::snprintf(
      buffer, sizeof buffer,
      "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">",
      kMarginTop + plot_h / 2, kMarginTop + plot_h / 2);
  svg += buffer + xml_escape(chart.y_label) + "</text>\n";
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const auto& series = chart.series[s];
    const char* color = kPalette[s % (sizeof kPalette / sizeof *kPalette)];
    std::string points;
    for (std::size_t i = 0; i < series.x.size() && i < series.y.size(); ++i) {
      if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
      std::snprintf(buffer, sizeof buffer, "%.2f,%.2f ", px(series.x[i]), py(series.y[i]));
      points += buffer;
    }
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
           "\" stroke-width=\"1.8\" points=\"" + points + "\"/>\n";
    for (std::size_t i = 0; i < series.marked.size() && i < series.x.size(); ++i) {
      if (!series.marked[i] || !std::isfinite(series.y[i])) continue;
      std::snprintf(buffer, sizeof buffer,
                    "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"4\" fill=\"%s\"/>\n", px(series.x[i]),
                    py(series.y[i]), color);
      svg += buffer;
    }
    if (chart.series.size() > 1) {
      std::snprintf(buffer, sizeof buffer,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text "
                    "x=\"%.1f\" y=\"%d\">",
                    kMarginLeft + 10.0, kMarginTop + 12 + 16 * static_cast<int>(s), color,
                    kMarginLeft + 28.0, kMarginTop + 17 + 16 * static_cast<int>(s));
      svg += buffer + xml_escape(series.name) + "</text>\n";
    }
  }
  if (any_mark && !chart.mark_legend.empty()) {
    std::snprintf(buffer, sizeof buffer,
                  "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#444\"/><text x=\"%d\" y=\"%d\">",
                  kMarginLeft + 4, height - 8, kMarginLeft + 14, height - 4);
    svg += buffer + xml_escape(chart.mark_legend) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

std::string render_chart_grid(const std::vector<LineChart>& charts, const std::string& title,
                              int columns, int cell_width, int cell_height) {
  constexpr int kTitleHeight = 36;
  const int n = static_cast<int>(charts.size());
  columns = std::max(1, std::min(columns, std::max(n, 1)));
  const int rows = (n + columns - 1) / columns;
  const int width = columns * cell_width, height = kTitleHeight + rows * cell_height;
  char buffer[512];
  std::snprintf(
      buffer, sizeof buffer,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%d\" y=\"24\" font-size=\"17\" text-anchor=\"middle\">",
      width, height, width, height, width / 2);
  std::string svg = buffer + xml_escape(title) + "</text>\n";
  for (int i = 0; i < n; ++i) {
    std::string cell =
        render_line_chart(charts[static_cast<std::size_t>(i)], cell_width, cell_height);
    cell.erase(0, cell.find("<svg"));  // drop the XML declaration: the cell is nested
    std::snprintf(buffer, sizeof buffer, "<svg x=\"%d\" y=\"%d\" ", (i % columns) * cell_width,
                  kTitleHeight + (i / columns) * cell_height);
    svg += buffer + cell.substr(5);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tmkit
