// Small, dependency-free SVG charts for the pictures tmkit writes next to its numbers (the ELBO
// trace of a fit, model-selection curves, drift plots): valid standalone SVG 1.1 that any
// browser shows.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tmkit {

/// One line of a chart: points (x[i], y[i]) joined in order; non-finite points are skipped.
struct LineSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<bool> marked;  ///< optional, per point: draw a dot there (e.g. accepted moves)
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<LineSeries> series;
  std::string mark_legend;  ///< what a dot means, shown under the chart when any point is marked
  /// Named x positions (x, name) to label the axis with instead of numbers (e.g. the groups of a
  /// drift chart); at most 20 are shown, turned by 30 degrees.
  std::vector<std::pair<double, std::string>> x_categories;
};

/// The chart as an SVG document: axes with round-numbered ticks (1, 2, 5 x 10^n), one polyline per
/// series, a legend when there is more than one series. Text is XML-escaped.
std::string render_line_chart(const LineChart& chart, int width = 760, int height = 440);

/// Several charts in one SVG document, `columns` to a row, each `cell_width` x `cell_height`,
/// under a common title (small multiples, e.g. every model-selection criterion against K).
std::string render_chart_grid(const std::vector<LineChart>& charts, const std::string& title,
                              int columns = 3, int cell_width = 420, int cell_height = 300);

/// Round-numbered ticks (1, 2, 5 x 10^n) covering [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

/// A tick value as a short label ("%.6g", or "%.3g" for very large or small values).
std::string tick_label(double value);

/// Labels for a row of ticks: tick_label's, with more digits where two neighbours would read the
/// same (e.g. -1.565e+06 and -1.57e+06 instead of -1.56e+06 twice).
std::vector<std::string> tick_labels(const std::vector<double>& ticks);
/// Text with &, <, >, " and ' escaped for XML.
std::string xml_escape(const std::string& text);

}  // namespace tmkit
