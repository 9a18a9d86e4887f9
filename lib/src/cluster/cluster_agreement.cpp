#include "tmkit/cluster/cluster_agreement.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {

double pairs(double count) { return count * (count - 1) / 2; }

double entropy(const std::vector<double>& counts, double n) {
  double h = 0;
  for (const double c : counts) {
    if (c > 0) h -= c / n * std::log(c / n);
  }
  return h;
}

}  // namespace

ClusterAgreement compare_with_labels(const std::vector<int>& clusters,
                                     const std::vector<std::string>& labels) {
  if (clusters.size() != labels.size()) {
    throw UsageError(std::to_string(clusters.size()) + " clustered items but " +
                     std::to_string(labels.size()) + " labels");
  }
  if (clusters.empty()) throw UsageError("no items to compare with labels");
  std::map<int, std::size_t> cluster_index;
  std::map<std::string, std::size_t> label_index;
  for (const int c : clusters) cluster_index.emplace(c, cluster_index.size());
  for (const auto& l : labels) label_index.emplace(l, label_index.size());
  const std::size_t r = cluster_index.size(), s = label_index.size();
  std::vector<double> table(r * s, 0.0), row(r, 0.0), column(s, 0.0);
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    const std::size_t a = cluster_index[clusters[i]], b = label_index[labels[i]];
    table[a * s + b] += 1;
    row[a] += 1;
    column[b] += 1;
  }
  const auto n = static_cast<double>(clusters.size());
  ClusterAgreement out;
  out.n = clusters.size();
  out.clusters = r;
  out.classes = s;
  double majority = 0, mutual = 0, index = 0;
  for (std::size_t a = 0; a < r; ++a) {
    double best = 0;
    for (std::size_t b = 0; b < s; ++b) {
      const double t = table[a * s + b];
      best = std::max(best, t);
      if (t > 0) mutual += t / n * std::log(t * n / (row[a] * column[b]));
      index += pairs(t);
    }
    majority += best;
  }
  out.purity = majority / n;
  const double h_c = entropy(row, n), h_l = entropy(column, n);
  if (r == 1 && s == 1) {
    out.nmi = 1.0;  // neither splits the items: a perfect match, as scikit-learn has it
  } else {
    const double mean = (h_c + h_l) / 2;
    out.nmi = mutual > 0 && mean > 0 ? mutual / mean : 0.0;
  }
  double sum_rows = 0, sum_columns = 0;
  for (const double c : row) sum_rows += pairs(c);
  for (const double c : column) sum_columns += pairs(c);
  const double expected = sum_rows * sum_columns / pairs(n);
  const double maximum = (sum_rows + sum_columns) / 2;
  out.ari = maximum == expected ? 1.0 : (index - expected) / (maximum - expected);
  return out;
}

}  // namespace tmkit
