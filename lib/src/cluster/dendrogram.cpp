// Dendrogram pictures: the shown tree is laid out leaf by leaf (left child first, as scipy draws
// it), each internal node centred over its children.
#include "tmkit/cluster/dendrogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tmkit/io/svg.hpp"

namespace tmkit {

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                    "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
constexpr int kLeft = 80, kRight = 20, kTop = 45, kLabelSpace = 110, kLeafSpacing = 16;

std::size_t child(const arma::mat& z, std::size_t merge, std::size_t side) {
  return static_cast<std::size_t>(z(merge, side));
}

// Whether node (point or n + merge) is drawn as a leaf: points, and clusters formed before the
// last last_p - 1 merges.
bool shown_as_leaf(std::size_t node, std::size_t n, std::size_t last_p) {
  return node < n || node - n + last_p < n;
}

std::string format(const char* pattern, double a, double b, double c, double d) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c, d);
  return buffer;
}

}  // namespace

std::vector<std::size_t> dendrogram_leaves(const arma::mat& z, std::size_t last_p) {
  const std::size_t n = z.n_rows + 1;
  last_p = std::max<std::size_t>(last_p, 2);
  std::vector<std::size_t> leaves, stack{2 * n - 2};
  while (!stack.empty()) {
    const std::size_t node = stack.back();
    stack.pop_back();
    if (shown_as_leaf(node, n, last_p)) {
      leaves.push_back(node);
      continue;
    }
    stack.push_back(child(z, node - n, 1));
    stack.push_back(child(z, node - n, 0));
  }
  return leaves;
}

std::string render_dendrogram(const arma::mat& z, const std::vector<std::string>& names,
                              const DendrogramOptions& options) {
  const std::size_t n = z.n_rows + 1;
  const std::size_t last_p = std::max<std::size_t>(options.last_p, 2);
  const std::vector<std::size_t> leaves = dendrogram_leaves(z, last_p);
  const int width = kLeft + kRight + std::max(480, static_cast<int>(leaves.size()) * kLeafSpacing);
  const int plot_height = 360;
  const int height = kTop + plot_height + kLabelSpace;
  const double plot_width = width - kLeft - kRight;

  // Positions: leaves evenly spaced; each shown merge centred over its children.
  std::vector<double> x(2 * n - 1, 0.0), y_value(2 * n - 1, 0.0);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    x[leaves[i]] =
        kLeft + plot_width * (static_cast<double>(i) + 0.5) / static_cast<double>(leaves.size());
  }
  double top = 0;
  const std::size_t first_shown = n - 1 - std::min(n - 1, last_p - 1);
  for (std::size_t m = first_shown; m + 1 < n; ++m) {
    x[n + m] = 0.5 * (x[child(z, m, 0)] + x[child(z, m, 1)]);
    y_value[n + m] = z(m, 2);
    top = std::max(top, z(m, 2));
  }
  for (const std::size_t leaf : leaves) y_value[leaf] = leaf < n ? 0.0 : z(leaf - n, 2);
  const std::vector<double> ticks = nice_ticks(0.0, top > 0 ? top : 1.0, 5);
  const double y_max = std::max(ticks.back(), top > 0 ? top : 1.0);
  const auto y_of = [&](double value) { return kTop + plot_height * (1.0 - value / y_max); };

  // Colour of a node: that of its flat cluster when all its points share one.
  std::vector<int> colour(2 * n - 1, -1);
  if (options.clusters.size() == n) {
    for (std::size_t i = 0; i < n; ++i) colour[i] = options.clusters[i];
    for (std::size_t m = 0; m + 1 < n; ++m) {
      const int a = colour[child(z, m, 0)], b = colour[child(z, m, 1)];
      colour[n + m] = a == b ? a : -1;
    }
  }
  const auto stroke = [&](std::size_t node) -> std::string {
    if (colour[node] <= 0) return "#333333";
    return kPalette[static_cast<std::size_t>(colour[node] - 1) % std::size(kPalette)];
  };

  std::string svg = format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
      "font-size=\"11\">\n",
      width, height, width, height);
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += format("<text x=\"%.1f\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">", width / 2.0,
                0, 0, 0) +
         xml_escape(options.title) + "</text>\n";
  // Height axis.
  svg += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                kLeft - 10, y_of(0), kLeft - 10, y_of(y_max));
  for (const double t : ticks) {
    if (t < 0 || t > y_max) continue;
    svg += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                  kLeft - 15, y_of(t), kLeft - 10, y_of(t));
    svg +=
        format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", kLeft - 18, y_of(t) + 4, 0, 0) +
        tick_label(t) + "</text>\n";
  }
  svg +=
      format("<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">",
             kTop + plot_height / 2.0, kTop + plot_height / 2.0, 0, 0) +
      xml_escape(options.height_label) + "</text>\n";
  // Brackets: from each child's height up to the merge, across, and down to the other child.
  svg += "<g fill=\"none\" stroke-width=\"1.2\">\n";
  for (std::size_t m = first_shown; m + 1 < n; ++m) {
    const std::size_t a = child(z, m, 0), b = child(z, m, 1);
    const double ym = y_of(z(m, 2));
    svg += "<path stroke=\"" + stroke(n + m) + "\" d=\"" +
           format("M%.1f %.1fV%.1fH%.1f", x[a], y_of(y_value[a]), ym, x[b]) +
           format("V%.1f\"/>\n", y_of(y_value[b]), 0, 0, 0);
  }
  svg += "</g>\n";
  // Leaf labels, written downwards under each leaf.
  for (const std::size_t leaf : leaves) {
    std::string name;
    if (leaf >= n) {
      name = "(" + std::to_string(static_cast<std::size_t>(z(leaf - n, 3))) + ")";
    } else {
      name = leaf < names.size() ? names[leaf] : std::to_string(leaf);
    }
    if (name.size() > 18) name = name.substr(0, 17) + "…";
    const double lx = x[leaf], ly = y_of(0) + 8;
    svg += "<text class=\"leaf\" text-anchor=\"end\" " +
           format("transform=\"translate(%.1f %.1f) rotate(-90)\" dy=\"4\">", lx, ly, 0, 0) +
           xml_escape(name) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tmkit
