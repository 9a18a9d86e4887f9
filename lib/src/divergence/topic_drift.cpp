#include "tmkit/divergence/topic_drift.hpp"

#include <cstdio>
#include <map>
#include <sstream>

#include "tmkit/core/error.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/svg.hpp"

namespace tmkit {

TopicDrift compute_topic_drift(const arma::mat& theta, const std::vector<std::string>& group_of,
                               double threshold) {
  if (group_of.size() != theta.n_cols) {
    throw UsageError("groups: " + std::to_string(group_of.size()) + " labels for " +
                     std::to_string(theta.n_cols) + " documents; expected one label per document");
  }
  TopicDrift drift;
  drift.threshold = threshold;
  std::map<std::string, std::size_t> index;
  std::vector<std::size_t> group_index(group_of.size());
  for (std::size_t d = 0; d < group_of.size(); ++d) {
    const auto [it, added] = index.emplace(group_of[d], drift.groups.size());
    if (added) {
      drift.groups.push_back(group_of[d]);
      drift.sizes.push_back(0);
    }
    group_index[d] = it->second;
    ++drift.sizes[it->second];
  }
  const std::size_t n_groups = drift.groups.size();
  if (n_groups < 2) {
    throw UsageError("groups: all " + std::to_string(group_of.size()) +
                     " documents are in one group; drift needs at least two");
  }
  drift.means.zeros(theta.n_rows, n_groups);
  for (std::size_t d = 0; d < theta.n_cols; ++d) drift.means.col(group_index[d]) += theta.col(d);
  for (std::size_t g = 0; g < n_groups; ++g) {
    drift.means.col(g) /= static_cast<double>(drift.sizes[g]);
    drift.means.col(g) /= arma::accu(drift.means.col(g));  // exact sum 1 after rounding
  }
  const std::size_t k = theta.n_rows;
  const DivergenceOptions kl{Metric::kl, false};
  const DivergenceOptions js{Metric::js, false};
  for (std::size_t g = 0; g + 1 < n_groups; ++g) {
    DriftStep step;
    step.from = g;
    step.to = g + 1;
    const double* a = drift.means.colptr(g);
    const double* b = drift.means.colptr(g + 1);
    step.kl_forward = divergence(a, b, k, kl);
    step.kl_backward = divergence(b, a, k, kl);
    step.js = divergence(a, b, k, js);
    step.flagged = step.js > threshold;
    drift.steps.push_back(step);
  }
  drift.js_pairs = divergence_matrix(drift.means, js, 1);
  return drift;
}

std::string format_topic_drift(const TopicDrift& drift) {
  std::ostringstream out;
  char threshold[64];
  std::snprintf(threshold, sizeof threshold, "%g", drift.threshold);
  out << "from\tto\tdocuments\tkl_forward\tkl_backward\tjs\tjs_above_" << threshold << "\n";
  for (const DriftStep& step : drift.steps) {
    out << drift.groups[step.from] << '\t' << drift.groups[step.to] << '\t'
        << drift.sizes[step.from] << "->" << drift.sizes[step.to] << '\t'
        << format_double(step.kl_forward) << '\t' << format_double(step.kl_backward) << '\t'
        << format_double(step.js) << '\t' << (step.flagged ? "*" : "") << '\n';
  }
  out << "# JS between every pair of groups (nats), rows and columns in the order above:";
  for (const std::string& group : drift.groups) out << ' ' << group;
  out << '\n';
  for (arma::uword i = 0; i < drift.js_pairs.n_rows; ++i) {
    for (arma::uword j = 0; j < drift.js_pairs.n_cols; ++j) {
      out << (j > 0 ? " " : "") << format_double(drift.js_pairs(i, j));
    }
    out << '\n';
  }
  return out.str();
}

std::string render_topic_drift(const TopicDrift& drift) {
  LineChart chart;
  chart.title = "Topic drift between consecutive groups";
  chart.x_label = "step between consecutive groups (in order of appearance)";
  chart.y_label = "nats";
  LineSeries js{"JS", {}, {}, {}}, forward{"KL(a || b)", {}, {}, {}},
      backward{"KL(b || a)", {}, {}, {}}, threshold{"threshold", {}, {}, {}};
  for (std::size_t s = 0; s < drift.steps.size(); ++s) {
    const double x = static_cast<double>(s + 1);
    chart.x_categories.emplace_back(
        x, drift.groups[drift.steps[s].from] + " \u2192 " + drift.groups[drift.steps[s].to]);
    js.x.push_back(x);
    js.y.push_back(drift.steps[s].js);
    js.marked.push_back(drift.steps[s].flagged);
    forward.x.push_back(x);
    forward.y.push_back(drift.steps[s].kl_forward);
    backward.x.push_back(x);
    backward.y.push_back(drift.steps[s].kl_backward);
    threshold.x.push_back(x);
    threshold.y.push_back(drift.threshold);
  }
  chart.series = {js, forward, backward, threshold};
  chart.mark_legend = "dot: JS above the threshold";
  return render_line_chart(chart);
}

std::vector<std::string> read_group_labels(const std::string& path) {
  const std::string content = read_file(path);
  LineReader reader(content);
  std::string_view line;
  std::vector<std::string> groups;
  while (reader.next(line)) {
    if (line.empty()) {
      throw InputError(path, reader.line_number(),
                       "empty group label; expected one label per document, in order");
    }
    groups.emplace_back(line);
  }
  return groups;
}

}  // namespace tmkit
