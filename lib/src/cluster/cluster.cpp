// Agglomerative clustering: the three algorithms scipy.cluster.hierarchy runs (minimum spanning
// tree, nearest-neighbour chain, generic with a heap of nearest-neighbour candidates), each with
// scipy's order of scans and strict comparisons so that ties are broken as scipy breaks them, and
// the information bottleneck on top of the generic algorithm.
//
// Where this differs from scipy is speed only: clusters that have been merged away are dropped
// from an index list instead of being skipped in every scan, and the long scans (the nearest
// neighbour of a cluster, the update of a merged cluster's distances) are split across threads.
// A scan keeps the first smallest value in index order, so the split does not change its answer.
#include "tmkit/cluster/cluster.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/names.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tmkit {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kParallelFrom = 4096;  // shorter scans are not worth waking threads for

struct Candidate {
  double value = kInf;
  std::size_t index = kNone;
};

// Keeps the first (lowest-index) smallest value, given candidates in increasing index order.
inline void keep_smaller(Candidate& best, double value, std::size_t index) noexcept {
  if (value < best.value) best = {value, index};
}

// The threads a linkage may use, and whether they still pay. A linkage runs thousands of short
// parallel regions (a scan or an update per merge). On a machine whose cores are busy with other
// processes a thread of the team is often descheduled, and the others spin-wait for it at the
// region's end (libgomp spins ~300,000 rounds before it sleeps): a 6,000-point average linkage
// took 10-45 s instead of 0.4 s while another process kept both cores busy. A region that takes
// far longer than its work (kStallSeconds more than kStallSecondsPerEntry per entry; uncontended
// regions take 5-50 us) counts as a stall; after kStalls of them the run goes on serially, with
// the same merges (every parallel scan finds what the serial scan finds; every update is the same
// per entry). Measured there: 1.4 s, and an idle machine's runs saw at most one stall (0.43 s).
class Team {
 public:
  explicit Team(int n_threads) : n_threads_(std::max(n_threads, 1)) {}
  /// Threads for a region over `count` entries: 1 for short ones, or once the team has stalled.
  int threads_for(std::size_t count) const noexcept {
    return count < kParallelFrom || stalls_ >= kStalls ? 1 : n_threads_;
  }
  int size() const noexcept { return n_threads_; }
  void record(std::size_t count, double seconds) noexcept {
    // (The first region also starts the threads.)
    if (regions_++ > 0 && seconds > kStallSeconds + kStallSecondsPerEntry * double(count)) {
      ++stalls_;
    }
  }

 private:
  static constexpr double kStallSeconds = 1e-3;
  static constexpr double kStallSecondsPerEntry = 2e-8;
  static constexpr int kStalls = 2;
  int n_threads_;
  int stalls_ = 0;
  long regions_ = 0;
};

// Runs body(part, parts) on each of `parts` threads, part = 0..parts-1; body(0, 1) alone when a
// range of `count` entries is too short to share, one thread is asked for or the team stalled.
template <class Body>
void for_each_part(std::size_t count, Team& team, Body body) {
  const int n_threads = team.threads_for(count);
  if (n_threads <= 1) {
    body(std::size_t{0}, std::size_t{1});
    return;
  }
#ifdef _OPENMP
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(n_threads)
  body(static_cast<std::size_t>(omp_get_thread_num()),
       static_cast<std::size_t>(omp_get_num_threads()));
  team.record(count,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
#else
  body(std::size_t{0}, std::size_t{1});
#endif
}

// Splits [0, count) into one contiguous part per thread (or none for short ranges) and runs
// body(begin, end, part) on each.
template <class Body>
void split_range(std::size_t count, Team& team, Body body) {
  for_each_part(count, team, [&](std::size_t part, std::size_t parts) {
    body(count * part / parts, count * (part + 1) / parts, static_cast<int>(part));
  });
}

// The first smallest of scan(begin, end) over parts of [0, count), as a serial scan would find it.
template <class Scan>
Candidate first_smallest(std::size_t count, Team& team, Scan scan) {
  std::vector<Candidate> parts(static_cast<std::size_t>(team.size()));
  split_range(count, team, [&](std::size_t begin, std::size_t end, int part) {
    parts[static_cast<std::size_t>(part)] = scan(begin, end);
  });
  Candidate best;
  for (const Candidate& c : parts) {
    if (c.index != kNone) keep_smaller(best, c.value, c.index);
  }
  return best;
}

// The clusters still present, in increasing index order.
class ActiveSet {
 public:
  explicit ActiveSet(std::size_t n) : indices_(n) {
    std::iota(indices_.begin(), indices_.end(), 0);
  }
  std::size_t size() const noexcept { return indices_.size(); }
  std::size_t operator[](std::size_t position) const noexcept { return indices_[position]; }
  std::size_t front() const noexcept { return indices_.front(); }
  /// Position of the first index above `x`.
  std::size_t after(std::size_t x) const noexcept {
    return static_cast<std::size_t>(std::upper_bound(indices_.begin(), indices_.end(), x) -
                                    indices_.begin());
  }
  void remove(std::size_t x) {
    indices_.erase(std::lower_bound(indices_.begin(), indices_.end(), x));
  }

 private:
  std::vector<std::size_t> indices_;
};

struct Merge {
  double a = 0, b = 0, height = 0, size = 0;
};

// Distance updates of the Lance-Williams form, written as scipy writes them
// (scipy/cluster/_hierarchy_distance_update.pxi) so that they round the same way.
inline double update_distance(Linkage method, double d_xi, double d_yi, double d_xy,
                              std::size_t size_x, std::size_t size_y, std::size_t size_i) noexcept {
  const auto sx = static_cast<double>(size_x), sy = static_cast<double>(size_y);
  const auto si = static_cast<double>(size_i);
  switch (method) {
    case Linkage::single:
      return std::min(d_xi, d_yi);
    case Linkage::complete:
      return std::max(d_xi, d_yi);
    case Linkage::average:
      return (sx * d_xi + sy * d_yi) / static_cast<double>(size_x + size_y);
    case Linkage::weighted:
      return 0.5 * (d_xi + d_yi);
    case Linkage::centroid: {
      const auto sxy = static_cast<double>(size_x + size_y);
      return std::sqrt(((sx * d_xi * d_xi) + (sy * d_yi * d_yi) -
                        static_cast<double>(size_x * size_y) * d_xy * d_xy / sxy) /
                       sxy);
    }
    case Linkage::median:
      return std::sqrt(0.5 * (d_xi * d_xi + d_yi * d_yi) - 0.25 * d_xy * d_xy);
    case Linkage::ward: {
      const double t = 1.0 / static_cast<double>(size_x + size_y + size_i);
      return std::sqrt(static_cast<double>(size_i + size_x) * t * d_xi * d_xi +
                       static_cast<double>(size_i + size_y) * t * d_yi * d_yi -
                       si * t * d_xy * d_xy);
    }
    case Linkage::ib:
      break;
  }
  return d_xi;
}

void poll(const WorkHooks& hooks, std::size_t done, std::size_t total) {
  if (done % 64 != 0 && done != total) return;
  hooks.poll();
  hooks.progress(done, total);
}

// Sorts merges by height (stably) and names each merged cluster as scipy's label() does: the
// union-find roots of the two sides, smaller first, and the merged cluster's size.
std::vector<Merge> sort_and_label(std::vector<Merge> merges, std::size_t n) {
  std::vector<std::size_t> order(merges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return merges[a].height < merges[b].height;
  });
  std::vector<std::size_t> parent(2 * n - 1), size(2 * n - 1, 1);
  std::iota(parent.begin(), parent.end(), 0);
  const auto find = [&](std::size_t x) {
    std::size_t root = x;
    while (parent[root] != root) root = parent[root];
    while (parent[x] != root) x = std::exchange(parent[x], root);
    return root;
  };
  std::vector<Merge> sorted;
  sorted.reserve(merges.size());
  std::size_t next = n;
  for (const std::size_t i : order) {
    const std::size_t a = find(static_cast<std::size_t>(merges[i].a));
    const std::size_t b = find(static_cast<std::size_t>(merges[i].b));
    size[next] = size[a] + size[b];
    parent[a] = parent[b] = next;
    sorted.push_back({static_cast<double>(std::min(a, b)), static_cast<double>(std::max(a, b)),
                      merges[i].height, static_cast<double>(size[next])});
    ++next;
  }
  return sorted;
}

arma::mat to_matrix(const std::vector<Merge>& merges) {
  arma::mat z(merges.size(), 4);
  for (std::size_t i = 0; i < merges.size(); ++i) {
    z(i, 0) = merges[i].a;
    z(i, 1) = merges[i].b;
    z(i, 2) = merges[i].height;
    z(i, 3) = merges[i].size;
  }
  return z;
}

// ---- single: Prim's minimum spanning tree (scipy's mst_single_linkage) -------------------------

template <class T>
std::vector<Merge> mst_single(const CondensedMatrix<T>& d, Team& team, const WorkHooks& hooks) {
  const std::size_t n = d.n_points();
  std::vector<double> nearest(n, kInf);  // distance of each point to the tree so far
  ActiveSet active(n);
  std::vector<Merge> merges(n - 1);
  std::size_t x = 0;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    poll(hooks, k, n - 1);
    active.remove(x);
    const std::size_t x_row = d.row_offset(x);
    const Candidate c = first_smallest(active.size(), team, [&](std::size_t b, std::size_t e) {
      Candidate best;
      for (std::size_t q = b; q < e; ++q) {
        const std::size_t i = active[q];
        const double dist = i < x ? d.data()[d.row_offset(i) + x] : d.data()[x_row + i];
        if (nearest[i] > dist) nearest[i] = dist;
        keep_smaller(best, nearest[i], i);
      }
      return best;
    });
    merges[k] = {static_cast<double>(x), static_cast<double>(c.index), c.value, 0};
    x = c.index;
  }
  return sort_and_label(std::move(merges), n);
}

// ---- complete, average, weighted, ward: nearest-neighbour chain (scipy's nn_chain) --------------

// Entries of column x above the diagonal, d(i, x) for i < x, are one per row of the condensed
// matrix: a cache miss each, which the hardware prefetcher cannot foresee (the stride shrinks and
// inactive rows leave gaps). The scans below ask for the entry this many active rows ahead.
constexpr std::size_t kColumnPrefetch = 16;

template <class T>
inline void prefetch_column_entry(const CondensedMatrix<T>& d, const ActiveSet& active,
                                  std::size_t q, std::size_t end, std::size_t x) noexcept {
  if (q + kColumnPrefetch < end) {
    __builtin_prefetch(d.data() + d.row_offset(active[q + kColumnPrefetch]) + x);
  }
}

// The nearest active cluster to x: down x's column for the clusters below x, then along its row.
// The column costs a cache miss per entry and the row little, so each thread takes its share of
// both. Ties go to the lowest index, as a serial scan in index order (scipy's) would have it.
template <class T>
Candidate nearest_active(const CondensedMatrix<T>& d, const ActiveSet& active, std::size_t x,
                         Team& team) {
  const T* x_row = d.data() + d.row_offset(x);
  const std::size_t x_position = active.after(x) - 1;  // x is active
  const std::size_t n_row = active.size() - x_position - 1;
  const auto scan = [&](std::size_t part, std::size_t parts) {
    Candidate best;
    const std::size_t column_end = x_position * (part + 1) / parts;
    for (std::size_t q = x_position * part / parts; q < column_end; ++q) {
      prefetch_column_entry(d, active, q, column_end, x);
      const std::size_t i = active[q];
      keep_smaller(best, static_cast<double>(d.data()[d.row_offset(i) + x]), i);
    }
    const std::size_t row_begin = x_position + 1;
    for (std::size_t q = row_begin + n_row * part / parts;
         q < row_begin + n_row * (part + 1) / parts; ++q) {
      const std::size_t i = active[q];
      keep_smaller(best, static_cast<double>(x_row[i]), i);
    }
    return best;
  };
  if (team.threads_for(active.size()) <= 1) return scan(0, 1);
  std::vector<Candidate> found(static_cast<std::size_t>(team.size()));
  for_each_part(active.size(), team,
                [&](std::size_t part, std::size_t parts) { found[part] = scan(part, parts); });
  Candidate best;
  for (const Candidate& c : found) {
    if (c.index != kNone &&
        (c.value < best.value || (c.value == best.value && c.index < best.index))) {
      best = c;
    }
  }
  return best;
}

// d(i, y) <- update(d(i, x), d(i, y), size of i) for every active i but y (x is no longer active).
template <class T, class Update>
void update_merged_row(CondensedMatrix<T>& d, const ActiveSet& active, std::size_t x, std::size_t y,
                       Team& team, Update update) {
  T* x_row = d.data() + d.row_offset(x);
  T* y_row = d.data() + d.row_offset(y);
  const std::size_t x_position = active.after(x), y_position = active.after(y) - 1;
  split_range(active.size(), team, [&](std::size_t b, std::size_t e, int) {
    // i < x < y: both entries down the columns
    const std::size_t below_x = std::min(e, x_position);
    for (std::size_t q = b; q < below_x; ++q) {
      prefetch_column_entry(d, active, q, below_x, x);
      prefetch_column_entry(d, active, q, below_x, y);
      const std::size_t i = active[q];
      T* i_row = d.data() + d.row_offset(i);
      i_row[y] = update(i_row[x], i_row[y], i);
    }
    // x < i < y: d(x, i) along x's row, d(i, y) down y's column
    const std::size_t below_y = std::min(e, y_position);
    for (std::size_t q = std::max(b, x_position); q < below_y; ++q) {
      prefetch_column_entry(d, active, q, below_y, y);
      const std::size_t i = active[q];
      T& d_iy = d.data()[d.row_offset(i) + y];
      d_iy = update(x_row[i], d_iy, i);
    }
    // y < i: both along the rows
    for (std::size_t q = std::max(b, y_position + 1); q < e; ++q) {
      const std::size_t i = active[q];
      y_row[i] = update(x_row[i], y_row[i], i);
    }
  });
}

template <class T>
std::vector<Merge> nn_chain(CondensedMatrix<T>& d, Linkage method, Team& team,
                            const WorkHooks& hooks) {
  const std::size_t n = d.n_points();
  std::vector<std::size_t> size(n, 1);
  ActiveSet active(n);
  std::vector<std::size_t> chain;
  chain.reserve(n);
  std::vector<Merge> merges(n - 1);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    poll(hooks, k, n - 1);
    if (chain.empty()) chain.push_back(active.front());
    std::size_t x = 0, y = 0;
    double current = kInf;
    while (true) {  // follow nearest neighbours until two are each other's
      x = chain.back();
      const Candidate nb = nearest_active(d, active, x, team);
      if (chain.size() > 1) {  // the previous link wins ties, as in scipy (no cycles)
        const std::size_t previous = chain[chain.size() - 2];
        const double to_previous = static_cast<double>(d(x, previous));
        if (!(nb.value < to_previous)) {
          y = previous;
          current = to_previous;
          break;
        }
      }
      y = nb.index;
      current = nb.value;
      chain.push_back(y);
    }
    chain.resize(chain.size() - 2);
    if (x > y) std::swap(x, y);
    const std::size_t nx = size[x], ny = size[y];
    merges[k] = {static_cast<double>(x), static_cast<double>(y), current, 0};
    size[x] = 0;
    size[y] = nx + ny;
    active.remove(x);
    // One loop per method, so that the update is inlined (each rounds as update_distance does).
    const auto update_with = [&](auto update) {
      update_merged_row(d, active, x, y, team, [&](T d_xi, T d_yi, std::size_t i) {
        return static_cast<T>(
            update(static_cast<double>(d_xi), static_cast<double>(d_yi), size[i]));
      });
    };
    switch (method) {
      case Linkage::average:
        update_with([&](double d_xi, double d_yi, std::size_t) {
          return update_distance(Linkage::average, d_xi, d_yi, current, nx, ny, 0);
        });
        break;
      case Linkage::complete:
        update_with([&](double d_xi, double d_yi, std::size_t) {
          return update_distance(Linkage::complete, d_xi, d_yi, current, nx, ny, 0);
        });
        break;
      default:
        update_with([&](double d_xi, double d_yi, std::size_t size_i) {
          return update_distance(method, d_xi, d_yi, current, nx, ny, size_i);
        });
    }
  }
  return sort_and_label(std::move(merges), n);
}

// ---- centroid, median, ib: the generic algorithm (scipy's fast_linkage) ------------------------

// A binary min-heap of values with keys 0..n-1 whose values can change: scipy's Heap
// (scipy/cluster/_structures.pxi), whose sift order decides which of equal candidates comes first.
class KeyedHeap {
 public:
  explicit KeyedHeap(std::vector<double> values)
      : values_(std::move(values)), size_(values_.size()) {
    index_of_key_.resize(size_);
    key_at_.resize(size_);
    std::iota(index_of_key_.begin(), index_of_key_.end(), 0);
    std::iota(key_at_.begin(), key_at_.end(), 0);
    for (std::size_t i = size_ / 2; i-- > 0;) sift_down(i);
  }
  std::size_t min_key() const noexcept { return key_at_[0]; }
  double min_value() const noexcept { return values_[0]; }
  void remove_min() {
    swap(0, size_ - 1);
    --size_;
    sift_down(0);
  }
  void change(std::size_t key, double value) {
    const std::size_t index = index_of_key_[key];
    const double old = values_[index];
    values_[index] = value;
    if (value < old) {
      sift_up(index);
    } else {
      sift_down(index);
    }
  }

 private:
  void sift_up(std::size_t index) {
    while (index > 0) {
      const std::size_t parent = (index - 1) / 2;
      if (!(values_[parent] > values_[index])) break;
      swap(index, parent);
      index = parent;
    }
  }
  void sift_down(std::size_t index) {
    std::size_t child = 2 * index + 1;
    while (child < size_) {
      if (child + 1 < size_ && values_[child + 1] < values_[child]) ++child;
      if (!(values_[index] > values_[child])) break;
      swap(index, child);
      index = child;
      child = 2 * index + 1;
    }
  }
  void swap(std::size_t i, std::size_t j) {
    std::swap(values_[i], values_[j]);
    std::swap(key_at_[i], key_at_[j]);
    index_of_key_[key_at_[i]] = i;
    index_of_key_[key_at_[j]] = j;
  }

  std::vector<double> values_;
  std::vector<std::size_t> index_of_key_, key_at_;
  std::size_t size_;
};

// The nearest active cluster above x: a contiguous stretch of x's row.
template <class T>
Candidate nearest_above(const CondensedMatrix<T>& d, const ActiveSet& active, std::size_t x,
                        Team& team) {
  const std::size_t first = active.after(x);
  const T* row = d.data() + d.row_offset(x);
  return first_smallest(active.size() - first, team, [&](std::size_t b, std::size_t e) {
    Candidate best;
    for (std::size_t q = first + b; q < first + e; ++q) {
      const std::size_t i = active[q];
      keep_smaller(best, static_cast<double>(row[i]), i);
    }
    return best;
  });
}

// `merged(x, y, nx, ny)` is told of each merge before `distance(z, x, y, d_xy, nx, ny, nz)` gives
// the new cluster's (stored at y) distance to each other cluster z.
template <class T, class Merged, class Distance>
std::vector<Merge> generic_linkage(CondensedMatrix<T>& d, Merged merged, Distance distance,
                                   Team& team, const WorkHooks& hooks) {
  const std::size_t n = d.n_points();
  std::vector<std::size_t> size(n, 1), cluster_id(n), neighbour(n - 1);
  std::iota(cluster_id.begin(), cluster_id.end(), 0);
  std::vector<double> min_dist(n - 1);
  ActiveSet active(n);
  for (std::size_t x = 0; x + 1 < n; ++x) {
    const Candidate c = nearest_above(d, active, x, team);
    neighbour[x] = c.index;
    min_dist[x] = c.value;
  }
  KeyedHeap heap(min_dist);
  std::vector<Merge> merges(n - 1);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    poll(hooks, k, n - 1);
    std::size_t x = 0, y = 0;
    double dist = 0;
    for (std::size_t attempt = 0; attempt < n - k; ++attempt) {
      x = heap.min_key();
      dist = heap.min_value();
      y = neighbour[x];
      if (dist == static_cast<double>(d(x, y))) break;  // the candidate is still true
      const Candidate c = nearest_above(d, active, x, team);
      y = c.index;
      dist = c.value;
      neighbour[x] = y;
      min_dist[x] = dist;
      heap.change(x, dist);
    }
    heap.remove_min();
    const std::size_t nx = size[x], ny = size[y];
    const std::size_t id_x = std::min(cluster_id[x], cluster_id[y]);
    const std::size_t id_y = std::max(cluster_id[x], cluster_id[y]);
    merges[k] = {static_cast<double>(id_x), static_cast<double>(id_y), dist,
                 static_cast<double>(nx + ny)};
    size[x] = 0;
    size[y] = nx + ny;
    cluster_id[y] = n + k;
    active.remove(x);
    merged(x, y, nx, ny);
    split_range(active.size(), team, [&](std::size_t b, std::size_t e, int) {
      for (std::size_t q = b; q < e; ++q) {
        const std::size_t z = active[q];
        if (z != y) d(z, y) = static_cast<T>(distance(z, x, y, dist, nx, ny, size[z]));
      }
    });
    for (std::size_t q = 0; q < active.size() && active[q] < y; ++q) {
      const std::size_t z = active[q];
      if (z < x && neighbour[z] == x) neighbour[z] = y;  // a guess, checked when popped
      const auto d_zy = static_cast<double>(d(z, y));
      if (d_zy < min_dist[z]) {
        neighbour[z] = y;
        min_dist[z] = d_zy;
        heap.change(z, d_zy);
      }
    }
    if (y + 1 < n) {  // n - 1 is never merged away, so y has an active cluster above it
      const Candidate c = nearest_above(d, active, y, team);
      if (c.index != kNone) {
        neighbour[y] = c.index;
        min_dist[y] = c.value;
        heap.change(y, c.value);
      }
    }
  }
  return merges;
}

}  // namespace

namespace {
constexpr Named<Linkage> kLinkages[] = {
    {Linkage::single, "single"},     {Linkage::complete, "complete"},
    {Linkage::average, "average"},   {Linkage::weighted, "weighted"},
    {Linkage::centroid, "centroid"}, {Linkage::median, "median"},
    {Linkage::ward, "ward"},         {Linkage::ib, "ib"}};
}  // namespace

Linkage parse_linkage(const std::string& name) {
  return parse_named(kLinkages, name, "linkage", "a linkage");
}

std::string linkage_name(Linkage method) { return name_of(kLinkages, method); }

template <class T>
arma::mat linkage(CondensedMatrix<T> distances, Linkage method, int n_threads,
                  const WorkHooks& hooks) {
  return linkage_in_place(distances, method, n_threads, hooks);
}

template <class T>
arma::mat linkage_in_place(CondensedMatrix<T>& distances, Linkage method, int n_threads,
                           const WorkHooks& hooks) {
  if (method == Linkage::ib) {
    throw UsageError("the ib linkage needs the distributions themselves, not distances");
  }
  if (distances.n_points() < 2) {
    throw UsageError("clustering needs at least 2 points, not " +
                     std::to_string(distances.n_points()));
  }
  Team team(resolve_threads(n_threads));
  std::vector<Merge> merges;
  switch (method) {
    case Linkage::single:
      merges = mst_single(distances, team, hooks);
      break;
    case Linkage::centroid:
    case Linkage::median:
      merges = generic_linkage(
          distances, [](std::size_t, std::size_t, std::size_t, std::size_t) {},
          [&](std::size_t z, std::size_t x, std::size_t y, double d_xy, std::size_t nx,
              std::size_t ny, std::size_t nz) {
            return update_distance(method, static_cast<double>(distances(z, x)),
                                   static_cast<double>(distances(z, y)), d_xy, nx, ny, nz);
          },
          team, hooks);
      break;
    default:
      merges = nn_chain(distances, method, team, hooks);
  }
  poll(hooks, merges.size(), merges.size());
  return to_matrix(merges);
}

template arma::mat linkage(CondensedMatrix<double>, Linkage, int, const WorkHooks&);
template arma::mat linkage(CondensedMatrix<float>, Linkage, int, const WorkHooks&);
template arma::mat linkage_in_place(CondensedMatrix<double>&, Linkage, int, const WorkHooks&);
template arma::mat linkage_in_place(CondensedMatrix<float>&, Linkage, int, const WorkHooks&);

double ib_merge_cost(const double* p, double wp, const double* q, double wq,
                     std::size_t k) noexcept {
  const double w = wp + wq;
  double cost_p = 0, cost_q = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double m = (wp * p[i] + wq * q[i]) / w;
    if (p[i] > 0) cost_p += p[i] * std::log(p[i] / m);
    if (q[i] > 0) cost_q += q[i] * std::log(q[i] / m);
  }
  return std::max(0.0, wp * cost_p + wq * cost_q);
}

arma::mat ib_linkage(const arma::mat& columns, int n_threads, const WorkHooks& hooks) {
  const std::size_t n = columns.n_cols, k = columns.n_rows;
  if (n < 2) throw UsageError("clustering needs at least 2 points, not " + std::to_string(n));
  const int threads = resolve_threads(n_threads);
  arma::mat p = columns;  // column y becomes the merged cluster's distribution
  std::vector<double> weight(n, 1.0 / static_cast<double>(n));
  CondensedMatrix<double> cost(n);
  const BlockPartition rows{n, 16};
  for_each_block(rows, threads, [&](std::size_t block) {
    for (std::size_t i = rows.begin(block); i < rows.end(block); ++i) {
      double* row = cost.data() + cost.row_offset(i);
      for (std::size_t j = i + 1; j < n; ++j) {
        row[j] = ib_merge_cost(p.colptr(i), weight[i], p.colptr(j), weight[j], k);
      }
    }
  });
  const auto merged = [&](std::size_t x, std::size_t y, std::size_t, std::size_t) {
    const double w = weight[x] + weight[y];
    p.col(y) = (weight[x] * p.col(x) + weight[y] * p.col(y)) / w;
    weight[y] = w;
  };
  const auto distance = [&](std::size_t z, std::size_t, std::size_t y, double, std::size_t,
                            std::size_t, std::size_t) {
    return ib_merge_cost(p.colptr(z), weight[z], p.colptr(y), weight[y], k);
  };
  Team team(threads);
  std::vector<Merge> merges = generic_linkage(cost, merged, distance, team, hooks);
  poll(hooks, merges.size(), merges.size());
  return to_matrix(merges);
}

}  // namespace tmkit
