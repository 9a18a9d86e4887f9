// Reading a linkage matrix: leaf order, flat clusters, inconsistency, cophenetic distances and
// correlation, Newick. The walks over the tree follow scipy/cluster/_hierarchy.pyx (explicit
// stacks, left child first), so that flat cluster labels come out numbered as scipy numbers them.
#include "tmkit/cluster/cluster_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"

namespace tmkit {

namespace {

std::size_t leaves_of(const arma::mat& z) { return z.n_rows + 1; }

std::size_t child(const arma::mat& z, std::size_t merge, std::size_t side) {
  return static_cast<std::size_t>(z(merge, side));
}

// The largest value of `criterion` (per merge) at or below each merge, which is monotone up the
// tree (scipy's get_max_dist_for_each_cluster / get_max_Rfield_for_each_cluster). Merges only
// join earlier clusters, so one pass in merge order sees every child first.
std::vector<double> max_below(const arma::mat& z, const std::vector<double>& criterion) {
  const std::size_t n = leaves_of(z);
  std::vector<double> out(z.n_rows);
  for (std::size_t m = 0; m < z.n_rows; ++m) {
    double v = criterion[m];
    for (std::size_t side = 0; side < 2; ++side) {
      const std::size_t c = child(z, m, side);
      if (c >= n) v = std::max(v, out[c - n]);
    }
    out[m] = v;
  }
  return out;
}

// scipy's cluster_monocrit: a walk from the root; the first merge met whose criterion is at most
// `cutoff` starts a cluster that takes every leaf below it; other leaves are singletons.
std::vector<int> monocrit(const arma::mat& z, const std::vector<double>& mc, double cutoff) {
  const std::size_t n = leaves_of(z);
  std::vector<int> labels(n, 0);
  std::vector<char> visited(2 * n - 1, 0);
  std::vector<std::size_t> stack{2 * n - 2};
  int n_clusters = 0;
  std::size_t leader = SIZE_MAX;
  while (!stack.empty()) {
    const std::size_t root = stack.back() - n;
    const std::size_t left = child(z, root, 0), right = child(z, root, 1);
    if (leader == SIZE_MAX && mc[root] <= cutoff) {
      leader = root;
      ++n_clusters;
    }
    if (left >= n && !visited[left]) {
      visited[left] = 1;
      stack.push_back(left);
      continue;
    }
    if (right >= n && !visited[right]) {
      visited[right] = 1;
      stack.push_back(right);
      continue;
    }
    for (const std::size_t leaf : {left, right}) {
      if (leaf >= n) continue;
      if (leader == SIZE_MAX) ++n_clusters;
      labels[leaf] = n_clusters;
    }
    if (leader == root) leader = SIZE_MAX;
    stack.pop_back();
  }
  return labels;
}

// Number of clusters that cutting at `threshold` gives, or max_clusters + 1 once it is exceeded
// (scipy's cluster_maxclust_monocrit counting walk).
std::size_t clusters_at(const arma::mat& z, const std::vector<double>& mc, double threshold,
                        std::size_t max_clusters) {
  const std::size_t n = leaves_of(z);
  std::vector<char> visited(2 * n - 1, 0);
  std::vector<std::size_t> stack{2 * n - 2};
  std::size_t count = 0;
  while (!stack.empty()) {
    const std::size_t root = stack.back() - n;
    const std::size_t left = child(z, root, 0), right = child(z, root, 1);
    if (mc[root] <= threshold) {
      if (++count > max_clusters) return count;
      stack.pop_back();
      visited[left] = visited[right] = 1;
      continue;
    }
    bool descended = false;
    for (const std::size_t c : {left, right}) {
      if (visited[c]) continue;
      visited[c] = 1;
      if (c >= n) {
        stack.push_back(c);
        descended = true;
        break;
      }
      if (++count > max_clusters) return count;
    }
    if (!descended) stack.pop_back();
  }
  return count;
}

std::vector<double> heights(const arma::mat& z) {
  return std::vector<double>(z.colptr(2), z.colptr(2) + z.n_rows);
}

// For each cluster (leaves 0..n-1, merges n..2n-2), the first position of its leaves in
// leaves_order and their count: every cluster's leaves are contiguous there.
struct LeafRanges {
  std::vector<std::size_t> order, position, first, count;
};

LeafRanges leaf_ranges(const arma::mat& z) {
  const std::size_t n = leaves_of(z);
  LeafRanges r;
  r.order = leaves_order(z);
  r.position.resize(n);
  for (std::size_t p = 0; p < n; ++p) r.position[r.order[p]] = p;
  r.first.resize(2 * n - 1);
  r.count.assign(2 * n - 1, 1);
  for (std::size_t i = 0; i < n; ++i) r.first[i] = r.position[i];
  for (std::size_t m = 0; m + 1 < n; ++m) {
    const std::size_t a = child(z, m, 0), b = child(z, m, 1);
    r.first[n + m] = std::min(r.first[a], r.first[b]);
    r.count[n + m] = r.count[a] + r.count[b];
  }
  return r;
}

// Cophenetic distances from leaf i to every leaf, by position in leaves_order: walking up from i,
// each ancestor's height is given to the leaves of the side i is not on.
class CopheneticRow {
 public:
  CopheneticRow(const arma::mat& z, const LeafRanges& ranges)
      : z_(z), ranges_(ranges), parent_(2 * leaves_of(z) - 1, 0) {
    const std::size_t n = leaves_of(z);
    for (std::size_t m = 0; m + 1 < n; ++m) {
      parent_[child(z, m, 0)] = n + m;
      parent_[child(z, m, 1)] = n + m;
    }
  }
  /// Fills `by_position` (n values) for leaf i; its own entry is 0.
  void fill(std::size_t i, std::vector<double>& by_position) const {
    const std::size_t n = leaves_of(z_);
    by_position.assign(n, 0.0);
    std::size_t node = i;
    while (node != 2 * n - 2) {
      const std::size_t up = parent_[node];
      const std::size_t m = up - n;
      const std::size_t a = child(z_, m, 0);
      const std::size_t other = a == node ? child(z_, m, 1) : a;
      const std::size_t begin = ranges_.first[other];
      std::fill(by_position.begin() + static_cast<std::ptrdiff_t>(begin),
                by_position.begin() + static_cast<std::ptrdiff_t>(begin + ranges_.count[other]),
                z_(m, 2));
      node = up;
    }
  }

 private:
  const arma::mat& z_;
  const LeafRanges& ranges_;
  std::vector<std::size_t> parent_;
};

bool needs_quotes(const std::string& name) {
  if (name.empty()) return true;
  for (const char c : name) {
    if (std::string_view("()[]':;, \t\n_").find(c) != std::string_view::npos) return true;
  }
  return false;
}

std::string newick_name(const std::string& name) {
  if (!needs_quotes(name)) return name;
  std::string quoted = "'";
  for (const char c : name) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

}  // namespace

void check_linkage(const arma::mat& z, const std::string& source) {
  if (z.n_cols != 4 || z.n_rows == 0) {
    throw InputError(source, "is a " + std::to_string(z.n_rows) + " x " + std::to_string(z.n_cols) +
                                 " matrix; expected a linkage matrix of n - 1 rows and 4 columns");
  }
  const std::size_t n = leaves_of(z);
  std::vector<char> used(2 * n - 1, 0);
  std::vector<double> size(2 * n - 1, 1.0);
  for (std::size_t m = 0; m + 1 < n; ++m) {
    const std::string row = "row " + std::to_string(m) + ": ";
    for (std::size_t side = 0; side < 2; ++side) {
      const double c = z(m, side);
      if (!(c >= 0) || c != std::floor(c) || c >= static_cast<double>(n + m)) {
        throw InputError(
            source, row + "child " + format_double(c) + " is not a leaf or an earlier cluster");
      }
      if (used[static_cast<std::size_t>(c)]++) {
        throw InputError(source, row + "cluster " + format_double(c) + " is merged twice");
      }
    }
    if (!std::isfinite(z(m, 2)) || z(m, 2) < 0) {
      throw InputError(source, row + "height " + format_double(z(m, 2)) +
                                   " is not a finite non-negative number");
    }
    size[n + m] = size[child(z, m, 0)] + size[child(z, m, 1)];
    if (z(m, 3) != size[n + m]) {
      throw InputError(source, row + "size " + format_double(z(m, 3)) + "; its children hold " +
                                   format_double(size[n + m]) + " points");
    }
  }
}

std::vector<std::size_t> leaves_order(const arma::mat& z) {
  const std::size_t n = leaves_of(z);
  std::vector<std::size_t> order;
  order.reserve(n);
  std::vector<std::size_t> stack{2 * n - 2};
  while (!stack.empty()) {  // depth first, left child first, iteratively
    const std::size_t node = stack.back();
    stack.pop_back();
    if (node < n) {
      order.push_back(node);
      continue;
    }
    stack.push_back(child(z, node - n, 1));
    stack.push_back(child(z, node - n, 0));
  }
  return order;
}

arma::mat inconsistency(const arma::mat& z, std::size_t depth) {
  const std::size_t n = leaves_of(z);
  if (depth == 0) throw UsageError("the depth of inconsistency statistics must be at least 1");
  arma::mat r(z.n_rows, 4, arma::fill::zeros);
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // (merge, level)
  for (std::size_t i = 0; i < z.n_rows; ++i) {
    double sum = 0, sum_squares = 0;
    std::size_t count = 0;
    stack.assign(1, {i, 0});
    while (!stack.empty()) {
      const auto [m, level] = stack.back();
      stack.pop_back();
      sum += z(m, 2);
      sum_squares += z(m, 2) * z(m, 2);
      ++count;
      if (level + 1 < depth) {
        for (std::size_t side = 0; side < 2; ++side) {
          const std::size_t c = child(z, m, side);
          if (c >= n) stack.push_back({c - n, level + 1});
        }
      }
    }
    const auto c = static_cast<double>(count);
    r(i, 0) = sum / c;
    r(i, 2) = c;
    const double variance =
        count < 2 ? (sum_squares - sum * sum) / c : (sum_squares - sum * sum / c) / (c - 1);
    if (variance > 0) {
      r(i, 1) = std::sqrt(variance);
      r(i, 3) = (z(i, 2) - r(i, 0)) / r(i, 1);
    }
  }
  return r;
}

std::vector<int> flat_clusters(const arma::mat& z, FlatCriterion criterion, double t,
                               std::size_t depth) {
  const std::size_t n = leaves_of(z);
  switch (criterion) {
    case FlatCriterion::distance:
      return monocrit(z, max_below(z, heights(z)), t);
    case FlatCriterion::inconsistent: {
      const arma::mat r = inconsistency(z, depth);
      return monocrit(z, max_below(z, std::vector<double>(r.colptr(3), r.colptr(3) + r.n_rows)), t);
    }
    case FlatCriterion::maxclust: {
      if (!(t >= 1)) throw UsageError("maxclust needs at least 1 cluster");
      const auto max_clusters = static_cast<std::size_t>(t);
      if (max_clusters >= n) {
        std::vector<int> labels(n);
        for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<int>(i + 1);
        return labels;
      }
      // The lowest merge criterion at which at most max_clusters clusters remain, by bisection
      // over merge indices as scipy does (the criterion grows with the index).
      const std::vector<double> mc = max_below(z, heights(z));
      long lower = -1, upper = static_cast<long>(n) - 1;
      while (upper - lower > 1) {
        const long i = (lower + upper) / 2;
        if (clusters_at(z, mc, mc[static_cast<std::size_t>(i)], max_clusters) > max_clusters) {
          lower = i;
        } else {
          upper = i;
        }
      }
      return monocrit(z, mc, mc[static_cast<std::size_t>(upper)]);
    }
  }
  return {};
}

CondensedMatrix<double> cophenetic_distances(const arma::mat& z) {
  const std::size_t n = leaves_of(z);
  const LeafRanges ranges = leaf_ranges(z);
  const CopheneticRow rows(z, ranges);
  CondensedMatrix<double> out(n);
  std::vector<double> by_position;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    rows.fill(i, by_position);
    double* row = out.data() + out.row_offset(i);
    for (std::size_t j = i + 1; j < n; ++j) row[j] = by_position[ranges.position[j]];
  }
  return out;
}

template <class T>
double cophenetic_correlation(const arma::mat& z, const CondensedMatrix<T>& distances,
                              int n_threads) {
  const std::size_t n = leaves_of(z);
  if (distances.n_points() != n) {
    throw UsageError("the linkage has " + std::to_string(n) + " leaves but the distances " +
                     std::to_string(distances.n_points()) + " points");
  }
  const auto pairs = static_cast<double>(distances.size());
  // The mean cophenetic distance from the merges (each merge's height is the cophenetic distance
  // of count(a) * count(b) pairs).
  const LeafRanges ranges = leaf_ranges(z);
  double sum_c = 0;
  for (std::size_t m = 0; m + 1 < n; ++m) {
    sum_c += z(m, 2) * static_cast<double>(ranges.count[child(z, m, 0)]) *
             static_cast<double>(ranges.count[child(z, m, 1)]);
  }
  const double mean_c = sum_c / pairs;
  // One pass over the distances, row by row. Each row is centred on its own mean (a second look
  // at a row still in cache), and the rows' sums are joined by the exact identities
  //   sum (y - ybar)^2         = sum_i [sum_row (y - m_i)^2 + n_i (m_i - ybar)^2]
  //   sum (y - ybar)(c - cbar) = sum_i [sum_row (y - m_i)(c - cbar) + (m_i - ybar) s_i],
  // (s_i = sum_row (c - cbar)) once ybar is known: as accurate as centring on the overall mean,
  // without reading the matrix twice.
  struct Sums {
    double yc = 0, yy = 0, cc = 0;
  };
  const std::size_t n_rows = n - 1;
  std::vector<double> row_mean(n_rows), row_c(n_rows);  // m_i and sum_row (c - cbar)
  const CopheneticRow rows(z, ranges);
  // Blocks of rows in parallel, each block's sums kept and added in block order afterwards (no
  // ordered section, where a descheduled thread would hold up the others on a busy machine).
  const BlockPartition blocks{n_rows, 64};
  std::vector<Sums> block_sums(blocks.n_blocks());
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    Sums& s = block_sums[b];
    std::vector<double> by_position;
    for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
      rows.fill(i, by_position);
      const T* row = distances.data() + distances.row_offset(i);
      // Vector reductions (lanes summed in a fixed order: the same on any thread count).
      double sum_y = 0;
#pragma omp simd reduction(+ : sum_y)
      for (std::size_t j = i + 1; j < n; ++j) sum_y += static_cast<double>(row[j]);
      const double m = sum_y / static_cast<double>(n - i - 1);
      double yc = 0, yy = 0, cc = 0, c_sum = 0;
      const double* cophenetic = by_position.data();
      const std::size_t* position = ranges.position.data();
#pragma omp simd reduction(+ : yc, yy, cc, c_sum)
      for (std::size_t j = i + 1; j < n; ++j) {
        const double y = static_cast<double>(row[j]) - m;
        const double c = cophenetic[position[j]] - mean_c;
        yc += y * c;
        yy += y * y;
        cc += c * c;
        c_sum += c;
      }
      s.yc += yc;
      s.yy += yy;
      s.cc += cc;
      row_mean[i] = m;
      row_c[i] = c_sum;
    }
  });
  Sums total;
  for (const Sums& s : block_sums) {
    total.yc += s.yc;
    total.yy += s.yy;
    total.cc += s.cc;
  }
  double sum_y = 0;
  for (std::size_t i = 0; i < n_rows; ++i) sum_y += row_mean[i] * static_cast<double>(n - i - 1);
  const double mean_y = sum_y / pairs;
  for (std::size_t i = 0; i < n_rows; ++i) {
    const double shift = row_mean[i] - mean_y;
    total.yy += static_cast<double>(n - i - 1) * shift * shift;
    total.yc += shift * row_c[i];
  }
  return total.yc / std::sqrt(total.yy * total.cc);
}

template double cophenetic_correlation(const arma::mat&, const CondensedMatrix<double>&, int);
template double cophenetic_correlation(const arma::mat&, const CondensedMatrix<float>&, int);

template <class T>
arma::mat optimal_leaf_ordering(const arma::mat& z, const CondensedMatrix<T>& distances) {
  const std::size_t n = leaves_of(z);
  if (distances.n_points() != n) {
    throw UsageError("the linkage has " + std::to_string(n) + " leaves but the distances " +
                     std::to_string(distances.n_points()) + " points");
  }
  const LeafRanges r = leaf_ranges(z);
  const auto d = [&](std::size_t a, std::size_t b) {
    return a == b ? 0.0 : static_cast<double>(distances(a, b));
  };
  // best(u, w): the least cost of ordering the subtree under the lowest common ancestor of leaves
  // u and w with u at one end and w at the other (0 for u == w).
  arma::mat best(n, n, arma::fill::zeros);
  // The leaves of cluster c, and those of c's child that does not hold leaf x (x itself for a
  // point): the possible far ends of c's ordering when x is the near end.
  const auto leaves = [&](std::size_t c) {
    return std::pair<std::size_t, std::size_t>{r.first[c], r.first[c] + r.count[c]};
  };
  const auto far_ends = [&](std::size_t c, std::size_t x) {
    if (c < n) return leaves(c);
    const std::size_t a = child(z, c - n, 0), b = child(z, c - n, 1);
    const auto [a0, a1] = leaves(a);
    const std::size_t p = r.position[x];
    return p >= a0 && p < a1 ? leaves(b) : leaves(a);
  };
  std::vector<double> via(n);
  for (std::size_t v = 0; v + 1 < n; ++v) {
    const std::size_t a = child(z, v, 0), b = child(z, v, 1);
    const auto [a0, a1] = leaves(a);
    const auto [b0, b1] = leaves(b);
    for (std::size_t pu = a0; pu < a1; ++pu) {
      const std::size_t u = r.order[pu];
      const auto [m0, m1] = far_ends(a, u);
      for (std::size_t pk = b0; pk < b1; ++pk) {  // via[k]: best end of a's part next to k
        const std::size_t k = r.order[pk];
        double low = std::numeric_limits<double>::infinity();
        for (std::size_t pm = m0; pm < m1; ++pm) {
          const std::size_t m = r.order[pm];
          low = std::min(low, best(u, m) + d(m, k));
        }
        via[k] = low;
      }
      for (std::size_t pw = b0; pw < b1; ++pw) {
        const std::size_t w = r.order[pw];
        const auto [k0, k1] = far_ends(b, w);
        double low = std::numeric_limits<double>::infinity();
        for (std::size_t pk = k0; pk < k1; ++pk) {
          const std::size_t k = r.order[pk];
          low = std::min(low, via[k] + best(k, w));
        }
        best(u, w) = best(w, u) = low;
      }
    }
  }
  // Walk down from the root: pick the best pair of ends, swap the children of a merge whose
  // left end lies in its right child, and pass each child its ends.
  arma::mat out = z;
  const std::size_t root = 2 * n - 2;
  std::size_t left = 0, right = 0;
  {
    double low = std::numeric_limits<double>::infinity();
    const auto [a0, a1] = leaves(child(z, n - 2, 0));
    const auto [b0, b1] = leaves(child(z, n - 2, 1));
    for (std::size_t pu = a0; pu < a1; ++pu) {
      for (std::size_t pw = b0; pw < b1; ++pw) {
        const double c = best(r.order[pu], r.order[pw]);
        if (c < low) {
          low = c;
          left = r.order[pu];
          right = r.order[pw];
        }
      }
    }
  }
  struct Task {
    std::size_t node, left, right;
  };
  std::vector<Task> stack{{root, left, right}};
  while (!stack.empty()) {
    const Task t = stack.back();
    stack.pop_back();
    if (t.node < n) continue;
    const std::size_t v = t.node - n;
    std::size_t a = child(z, v, 0), b = child(z, v, 1);
    const auto [a0, a1] = leaves(a);
    if (!(r.position[t.left] >= a0 && r.position[t.left] < a1)) {
      std::swap(a, b);
      std::swap(out(v, 0), out(v, 1));
    }
    // The far end m of a's part and the near end k of b's part that make best(left, right):
    // recomputed in the same order as above, so the same values are met.
    const auto [m0, m1] = far_ends(a, t.left);
    const auto [k0, k1] = far_ends(b, t.right);
    double low = std::numeric_limits<double>::infinity();
    std::size_t best_m = t.left, best_k = t.right;
    for (std::size_t pk = k0; pk < k1; ++pk) {
      const std::size_t k = r.order[pk];
      double via_k = std::numeric_limits<double>::infinity();
      std::size_t m_k = t.left;
      for (std::size_t pm = m0; pm < m1; ++pm) {
        const std::size_t m = r.order[pm];
        const double c = best(t.left, m) + d(m, k);
        if (c < via_k) {
          via_k = c;
          m_k = m;
        }
      }
      const double c = via_k + best(k, t.right);
      if (c < low) {
        low = c;
        best_m = m_k;
        best_k = k;
      }
    }
    stack.push_back({a, t.left, best_m});
    stack.push_back({b, best_k, t.right});
  }
  return out;
}

template <class T>
double ordering_cost(const arma::mat& z, const CondensedMatrix<T>& distances) {
  const std::vector<std::size_t> order = leaves_order(z);
  double cost = 0;
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    cost += static_cast<double>(distances(order[i], order[i + 1]));
  }
  return cost;
}

template arma::mat optimal_leaf_ordering(const arma::mat&, const CondensedMatrix<double>&);
template arma::mat optimal_leaf_ordering(const arma::mat&, const CondensedMatrix<float>&);
template double ordering_cost(const arma::mat&, const CondensedMatrix<double>&);
template double ordering_cost(const arma::mat&, const CondensedMatrix<float>&);

std::string to_newick(const arma::mat& z, const std::vector<std::string>& names) {
  const std::size_t n = leaves_of(z);
  const auto height = [&](std::size_t node) { return node < n ? 0.0 : z(node - n, 2); };
  std::ostringstream out;
  // Iterative walk: (node, parent height, stage) where stage 0 opens, 1 separates, 2 closes.
  struct Frame {
    std::size_t node;
    double parent_height;
    int stage;
  };
  std::vector<Frame> stack{{2 * n - 2, height(2 * n - 2), 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.node < n) {
      out << newick_name(f.node < names.size() ? names[f.node] : std::to_string(f.node)) << ':'
          << format_double(f.parent_height);
      stack.pop_back();
      continue;
    }
    const std::size_t m = f.node - n;
    if (f.stage == 0) {
      out << '(';
      f.stage = 1;
      stack.push_back({child(z, m, 0), z(m, 2), 0});
    } else if (f.stage == 1) {
      out << ',';
      f.stage = 2;
      stack.push_back({child(z, m, 1), z(m, 2), 0});
    } else {
      out << ')';
      const bool root = stack.size() == 1;
      if (!root) out << ':' << format_double(f.parent_height - z(m, 2));
      stack.pop_back();
    }
  }
  out << ";\n";
  return out.str();
}

}  // namespace tmkit
