// Whole divergence matrices and nearest-neighbour lists (docs/math/divergences.md).
//
// Two kinds of kernel:
//  * products: KL(p||q) = sum p log p - p . log q, rKL, sKL and Hellinger (1 - sum sqrt(p q)) are
//    one matrix product per panel of output columns (per block of 2048 x 2048 pairs in neighbour
//    search), done by BLAS (OpenBLAS's own threads), then finished in parallel: +inf set exactly
//    where q_i = 0 < p_i (counted by a product of 0/1 indicators), Hellinger recomputed directly
//    where the product would cancel;
//  * direct: JS in its entropy form, JS = (H(m) - (H(p) + H(q)) / 2) with the entropies from a
//    vectorized, table-driven log (detail/midpoint_xlogx.hpp), recomputed from rel_entr where it is
//    small (so that JSD = sqrt JS keeps its precision near 0); total variation. These run in tiles
//    of (T x T) pairs that fit in cache, all tiles in one parallel loop.
// No value depends on the thread count. A direct metric's value is also the same bits in a matrix
// and in a neighbour search; a product metric's may differ there in the last bit (other product
// shapes).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#include "detail/blocks.hpp"
#include "detail/js_entry.hpp"
#include "detail/midpoint_xlogx.hpp"
#include "detail/vector_log.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/npy.hpp"

// 32-byte vectors by value: GCC warns (at the end of the file) that their ABI differs with and
// without AVX, which does not matter for functions that are always inlined.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tmkit {

namespace {

constexpr double kLn2 = 0.693147180559945309417232121458;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kProductBlock = 2048;     // pairs per side of one BLAS product
constexpr double kJsDirectBelow = 1e-4;         // JS (nats) recomputed from rel_entr below this
constexpr double kHellingerDirectBelow = 1e-2;  // H^2 recomputed directly below this

bool uses_product(Metric metric) noexcept {
  return metric == Metric::kl || metric == Metric::rkl || metric == Metric::skl ||
         metric == Metric::hellinger;
}
bool uses_log(Metric metric) noexcept {
  return metric == Metric::kl || metric == Metric::rkl || metric == Metric::skl;
}

// ---- innermost loops, for the baseline target and for AVX2 -------------------------------

namespace baseline {
#include "detail/divergence_kernels.inc"
}  // namespace baseline

#if defined(__x86_64__) && defined(__GNUC__)
#define TMKIT_HAVE_AVX2_KERNELS 1
namespace avx2 {
#pragma GCC push_options
#pragma GCC target("avx2")
#include "detail/divergence_kernels.inc"
#pragma GCC pop_options
}  // namespace avx2
#endif

// The loops this CPU runs, chosen once. Both sets compute the same bits (no FMA, same lane order);
// AVX2 only does it in half the instructions.
struct Kernels {
  double (*sum_js_entries)(const double*, const double*, std::size_t) noexcept;
  double (*sum_abs_diff)(const double*, const double*, std::size_t) noexcept;
  double (*sum_squared_diff)(const double*, const double*, std::size_t) noexcept;
};

const Kernels& kernels() noexcept {
  static const Kernels chosen = [] {
#ifdef TMKIT_HAVE_AVX2_KERNELS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) {
      return Kernels{avx2::sum_js_entries, avx2::sum_abs_diff, avx2::sum_squared_diff};
    }
#endif
    return Kernels{baseline::sum_js_entries, baseline::sum_abs_diff, baseline::sum_squared_diff};
  }();
  return chosen;
}

// ---- per-set terms ------------------------------------------------------------------------------

// What the kernels need of one set of distributions (columns), computed once.
struct SetTerms {
  const arma::mat* x = nullptr;
  arma::mat log;       // KL family: log x, with 0 where x = 0 (that term is 0 or +inf anyway)
  arma::mat positive;  // KL family: 1 where x > 0 (for the +inf count), if the other set has zeros
  arma::mat zero;      // KL family: 1 where x = 0; empty if x has no zero
  arma::mat root;      // Hellinger, and the JS screen of neighbour search: sqrt x
  arma::vec self;      // KL family: sum x log x (std::log); JS: sum x log x by midpoint_xlogx
};

SetTerms make_terms(const arma::mat& x, Metric metric, bool need_root) {
  SetTerms terms;
  terms.x = &x;
  if (uses_log(metric)) {
    terms.log.set_size(x.n_rows, x.n_cols);
    terms.self.set_size(x.n_cols);
    bool any_zero = false;
    for (arma::uword j = 0; j < x.n_cols; ++j) {
      double self = 0.0;
      for (arma::uword i = 0; i < x.n_rows; ++i) {
        const double v = x(i, j);
        const double log_v = v > 0.0 ? std::log(v) : 0.0;
        terms.log(i, j) = log_v;
        self += v * log_v;
        any_zero = any_zero || v == 0.0;
      }
      terms.self[j] = self;
    }
    if (any_zero) terms.zero = arma::conv_to<arma::mat>::from(x == 0.0);
  }
  if (metric == Metric::hellinger || need_root) terms.root = arma::sqrt(x);
  if (metric == Metric::js || metric == Metric::jsd) {
    terms.self.set_size(x.n_cols);
    for (arma::uword j = 0; j < x.n_cols; ++j) {
      terms.self[j] = detail::midpoint_xlogx().sum(x.colptr(j), x.colptr(j), x.n_rows);
    }
  }
  return terms;
}

// The other set's zeros make KL infinite where this set is positive: keep its indicator.
void link_zeros(SetTerms& a, const SetTerms& b) {
  if (!b.zero.is_empty() && a.positive.is_empty()) {
    a.positive = arma::conv_to<arma::mat>::from(*a.x > 0.0);
  }
}

// ---- kernels ------------------------------------------------------------------------------------

// JS in nats; symmetric bit for bit (every step is, swapping p and q). Below kJsDirectBelow the
// entropy form has lost digits to cancellation, and JS is recomputed from its per-entry form
// (js_entry), in which no terms cancel.
double js_nats(const double* p, const double* q, std::size_t n, double self_p,
               double self_q) noexcept {
  const double js = 0.5 * (self_p + self_q) - detail::midpoint_xlogx().sum(p, q, n);
  if (js >= kJsDirectBelow) return js;
  return 0.5 * kernels().sum_js_entries(p, q, n);
}

// A direct metric (before finish()) of column `a_col` of A against columns b0..b1 of B, into
// values[0, b1 - b0): for each pair the same bits as direct_value (neither the midpoint sum nor
// |p - q| depends on which side is p), JS's midpoint sums taken several pairs at a time.
void direct_against(const SetTerms& a, arma::uword a_col, const SetTerms& b, arma::uword b0,
                    arma::uword b1, Metric metric, double* values) noexcept {
  const std::size_t n = a.x->n_rows;
  const double* p = a.x->colptr(a_col);
  if (metric == Metric::tv) {
    for (arma::uword j = b0; j < b1; ++j) {
      values[j - b0] = 0.5 * kernels().sum_abs_diff(p, b.x->colptr(j), n);
    }
    return;
  }
  detail::midpoint_xlogx().sum_many(p, b.x->colptr(b0), n, b1 - b0, n, values);
  for (arma::uword j = b0; j < b1; ++j) {
    double& js = values[j - b0];
    js = 0.5 * (a.self[a_col] + b.self[j]) - js;
    if (js < kJsDirectBelow) js = 0.5 * kernels().sum_js_entries(p, b.x->colptr(j), n);
  }
}

// Base and square root, applied to the value of a kernel (nats; JS for both js and jsd).
double finish(double value, const DivergenceOptions& options) noexcept {
  if (options.base2 && options.metric != Metric::hellinger && options.metric != Metric::tv) {
    value /= kLn2;
  }
  return options.metric == Metric::jsd ? std::sqrt(value) : value;
}

// The kernel value (nats) of a finished JS or JSD value, for thresholds (rounding aside).
double unfinish_js(double value, const DivergenceOptions& options) noexcept {
  if (options.metric == Metric::jsd) value *= value;
  return options.base2 ? value * kLn2 : value;
}

// d(P column i, Q column j) for a direct metric, before finish().
double direct_value(const SetTerms& p, const SetTerms& q, arma::uword i, arma::uword j,
                    Metric metric) noexcept {
  const std::size_t n = p.x->n_rows;
  if (metric == Metric::tv) return 0.5 * kernels().sum_abs_diff(p.x->colptr(i), q.x->colptr(j), n);
  return js_nats(p.x->colptr(i), q.x->colptr(j), n, p.self[i], q.self[j]);
}

// The products of one block of pairs (rows i0..i1 of P, columns j0..j1 of Q). finish_products()
// turns the main one into the pairs' values, in place: main[bi + bj * rows].
struct ProductBlock {
  arma::uword i0 = 0, j0 = 0, rows = 0;
  double* main = nullptr;               // backward for rkl, forward otherwise
  const double* forward = nullptr;      // P^T log Q (kl, skl) or sqrt(P)^T sqrt(Q) (hellinger)
  const double* backward = nullptr;     // log(P)^T Q (rkl, skl)
  arma::mat forward_own, backward_own;  // their storage, unless the caller gave some
  arma::mat forward_inf;                // count of i with p_i > 0 = q_i
  arma::mat backward_inf;               // count of i with q_i > 0 = p_i
  double at(const double* product, arma::uword bi, arma::uword bj) const noexcept {
    return product[bi + bj * rows];
  }
};

// The products of one block of pairs (rows i0..i1 of P, columns j0..j1 of Q). The main product
// (backward for rkl, forward otherwise) goes to `into` when given: (i1 - i0) x (j1 - j0) doubles,
// column-major (a panel of the output matrix, finished in place), else to the block's own storage.
void compute_products(const SetTerms& p, const SetTerms& q, Metric metric, arma::uword i0,
                      arma::uword i1, arma::uword j0, arma::uword j1, ProductBlock& block,
                      double* into = nullptr) {
  block.i0 = i0;
  block.j0 = j0;
  block.rows = i1 - i0;
  const auto rows = [&](const arma::mat& m) { return m.cols(i0, i1 - 1); };
  const auto cols = [&](const arma::mat& m) { return m.cols(j0, j1 - 1); };
  // BLAS writes straight into `into` (an Armadillo view of that memory), or into `own`.
  const auto product = [&](const arma::mat& a, const arma::mat& b, arma::mat& own,
                           bool main) -> double* {
    if (main && into != nullptr) {
      arma::mat target(into, i1 - i0, j1 - j0, /*copy_aux_mem=*/false, /*strict=*/true);
      target = rows(a).t() * cols(b);
      return block.main = into;
    }
    // Sized (and advised to huge pages) before the product, which then fills it in place: BLAS's
    // first pass over fresh memory otherwise spends most of an skl matrix's time in page faults.
    own.set_size(i1 - i0, j1 - j0);
    advise_huge_pages(own.memptr(), sizeof(double) * own.n_elem);
    own = rows(a).t() * cols(b);
    return main ? block.main = own.memptr() : own.memptr();
  };
  if (metric == Metric::hellinger) {
    block.forward = product(p.root, q.root, block.forward_own, true);
    return;
  }
  if (metric != Metric::rkl) {
    block.forward = product(*p.x, q.log, block.forward_own, true);
    if (!q.zero.is_empty()) block.forward_inf = rows(p.positive).t() * cols(q.zero);
  }
  if (metric != Metric::kl) {
    block.backward = product(p.log, *q.x, block.backward_own, metric == Metric::rkl);
    if (!p.zero.is_empty()) block.backward_inf = rows(p.zero).t() * cols(q.positive);
  }
}

// Column j of a block (all its rows i), finished in place in its main product: each entry's value
// computed in passes over the column that the compiler vectorizes (a loop calling a per-pair
// function cost more than the product itself at N = 2000): the finite formula everywhere, then
// +inf where an indicator product counted an entry with q = 0 < p (or p = 0 < q), then the base.
// Hellinger: H^2 = 1 - BC, recomputed directly where the product cancelled; then H.
void finish_product_column(const SetTerms& p, const SetTerms& q, ProductBlock& block, arma::uword j,
                           const DivergenceOptions& options) noexcept {
  const arma::uword n = block.rows;
  const arma::uword bj = j - block.j0;
  const Metric metric = options.metric;
  double* column = block.main + bj * n;
  if (metric == Metric::hellinger) {
    for (arma::uword i = 0; i < n; ++i) {
      double h2 = 1.0 - column[i];
      if (h2 < kHellingerDirectBelow) {
        h2 = 0.5 *
             kernels().sum_squared_diff(p.root.colptr(block.i0 + i), q.root.colptr(j), p.x->n_rows);
      }
      column[i] = std::sqrt(std::max(0.0, h2));
    }
    return;
  }
  const double* self_p = p.self.memptr() + block.i0;
  const double self_q = q.self[j];
  if (metric == Metric::kl) {
    for (arma::uword i = 0; i < n; ++i) column[i] = std::max(0.0, self_p[i] - column[i]);
  } else if (metric == Metric::rkl) {
    for (arma::uword i = 0; i < n; ++i) column[i] = std::max(0.0, self_q - column[i]);
  } else {  // skl: the forward product is in `column`, the backward one in the block
    const double* backward = block.backward + bj * n;
    for (arma::uword i = 0; i < n; ++i) {
      column[i] =
          0.5 * (std::max(0.0, self_p[i] - column[i]) + std::max(0.0, self_q - backward[i]));
    }
  }
  for (const arma::mat* counts : {&block.forward_inf, &block.backward_inf}) {
    if (counts->is_empty()) continue;
    const double* count = counts->colptr(bj);
    for (arma::uword i = 0; i < n; ++i) {
      if (count[i] > 0.0) column[i] = kInf;
    }
  }
  if (options.base2) {
    for (arma::uword i = 0; i < n; ++i) column[i] /= kLn2;
  }
}

// Every column of the block, in parallel.
void finish_products(const SetTerms& p, const SetTerms& q, ProductBlock& block, arma::uword n_cols,
                     const DivergenceOptions& options, int n_threads) {
  const BlockPartition columns{n_cols, 64};
  for_each_block(columns, n_threads, [&](std::size_t c) {
    for (arma::uword bj = columns.begin(c); bj < columns.end(c); ++bj) {
      finish_product_column(p, q, block, block.j0 + bj, options);
    }
  });
}

// ---- drivers ------------------------------------------------------------------------------------

constexpr std::size_t kMaxDirectTile = 256;

std::size_t direct_tile(std::size_t k) noexcept {
  return std::clamp<std::size_t>(16384 / std::max<std::size_t>(k, 1), 8, kMaxDirectTile);
}

void poll(const WorkHooks& hooks, std::size_t done, std::size_t total) {
  hooks.poll();
  hooks.progress(done, total);
}

// Direct-metric tiles, (row tile, column tile): all of them, or with `upper_only` those on and
// above the diagonal, in row order, for one parallel loop. One loop over the whole list (rather
// than one per row of tiles) leaves no barrier at the end of each row, where a thread with no tile
// left would wait for the other's last one.
struct Tile {
  std::size_t row, col;
};
std::vector<Tile> tile_list(std::size_t n_row_tiles, std::size_t n_col_tiles, bool upper_only) {
  std::vector<Tile> tiles;
  for (std::size_t rt = 0; rt < n_row_tiles; ++rt) {
    for (std::size_t ct = upper_only ? rt : 0; ct < n_col_tiles; ++ct) tiles.push_back({rt, ct});
  }
  return tiles;
}

// Progress of a parallel loop, from inside it: every unit polls for a stop first and counts itself
// done after; the thread that finds the reporter free reports the count (the others go on), so the
// count only grows. on_progress is never called by two threads at once.
class LoopProgress {
 public:
  LoopProgress(const WorkHooks& hooks, std::size_t total) : hooks_(hooks), total_(total) {
    poll(hooks_, 0, total_);
  }
  void before_unit() const { hooks_.poll(); }
  void after_unit() {
    done_.fetch_add(1, std::memory_order_relaxed);
    std::unique_lock<std::mutex> lock(report_, std::try_to_lock);
    if (!lock.owns_lock() || !hooks_.on_progress) return;
    const std::size_t done = done_.load(std::memory_order_relaxed);
    if (done > reported_) hooks_.on_progress(reported_ = done, total_);
  }
  void finish() const { poll(hooks_, total_, total_); }

 private:
  const WorkHooks& hooks_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::mutex report_;
  std::size_t reported_ = 0;
};

void check_same_width(const arma::mat& p, const arma::mat& q) {
  if (p.n_rows != q.n_rows) {
    throw UsageError("the two sets of distributions have different widths: " +
                     std::to_string(p.n_rows) + " and " + std::to_string(q.n_rows) + " values");
  }
}

// out(j, i) = out(i, j) for i in [i0, i1), j in [j0, j1) (with `above_diagonal_only`, i < j), in
// 8 x 8 blocks: a block reads eight lines of eight rows, which stay in L1 whatever the stride
// between columns, and writes along columns.
void mirror_tile(arma::mat& out, arma::uword i0, arma::uword i1, arma::uword j0, arma::uword j1,
                 bool above_diagonal_only) noexcept {
  constexpr arma::uword kBlock = 8;
  for (arma::uword ib = i0; ib < i1; ib += kBlock) {
    const arma::uword i_end = std::min(ib + kBlock, i1);
    for (arma::uword jb = j0; jb < j1; jb += kBlock) {
      const arma::uword j_end = std::min(jb + kBlock, j1);
      for (arma::uword i = ib; i < i_end; ++i) {
        double* column = out.colptr(i);
        for (arma::uword j = above_diagonal_only ? std::max(jb, i + 1) : jb; j < j_end; ++j) {
          column[j] = out(i, j);
        }
      }
    }
  }
}

// Fills out(i, j) for i in P, j in Q; with `upper_only` (a symmetric metric within one set) only
// the blocks on or above the diagonal, and the caller mirrors.
void fill_matrix(const SetTerms& p, const SetTerms& q, const DivergenceOptions& options,
                 bool upper_only, int n_threads, const WorkHooks& hooks, arma::mat& out) {
  const arma::uword n = p.x->n_cols;
  const arma::uword m = q.x->n_cols;
  const Metric metric = options.metric;
  if (uses_product(metric)) {
    // Panels of whole columns of the output (~64 MB each): BLAS writes each panel's product
    // straight into the output, which is then finished in place. Few, large products keep
    // OpenBLAS's threads and ours from taking turns.
    (void)upper_only;  // products are cheap; the caller mirrors symmetric metrics anyway
    const std::size_t width = std::clamp<std::size_t>(8000000 / std::max<arma::uword>(n, 1), 64,
                                                      std::max<arma::uword>(m, 1));
    const BlockPartition panels{m, width};
    ProductBlock block;
    for (std::size_t b = 0; b < panels.n_blocks(); ++b) {
      poll(hooks, b, panels.n_blocks());
      const arma::uword j0 = panels.begin(b), j1 = panels.end(b);
      if (n == 0) break;
      compute_products(p, q, metric, 0, n, j0, j1, block, out.colptr(j0));  // BLAS threads
      finish_products(p, q, block, j1 - j0, options, n_threads);
    }
    poll(hooks, panels.n_blocks(), panels.n_blocks());
    return;
  }
  // With `upper_only`, a tile above the diagonal also writes its transpose below it: from a copy
  // in cache, column by column, so that both writes run along columns of the output.
  const std::size_t tile = direct_tile(p.x->n_rows);
  const BlockPartition row_tiles{n, tile};
  const BlockPartition col_tiles{m, tile};
  const std::vector<Tile> tiles = tile_list(row_tiles.n_blocks(), col_tiles.n_blocks(), upper_only);
  LoopProgress progress(hooks, tiles.size());
  for_each_block(BlockPartition{tiles.size(), 1}, n_threads, [&](std::size_t t) {
    progress.before_unit();
    const auto [rt, ct] = tiles[t];
    const arma::uword i0 = row_tiles.begin(rt), i1 = row_tiles.end(rt);
    const arma::uword j0 = col_tiles.begin(ct), j1 = col_tiles.end(ct);
    const bool diagonal = upper_only && ct == rt;
    for (arma::uword j = j0; j < j1; ++j) {
      // On a diagonal tile only the pairs above the diagonal (the caller zeroes the diagonal).
      const arma::uword i_end = diagonal ? std::min<arma::uword>(j, i1) : i1;
      if (i_end <= i0) continue;
      double* column = out.colptr(j) + i0;
      direct_against(q, j, p, i0, i_end, metric, column);
      for (arma::uword i = i0; i < i_end; ++i) column[i - i0] = finish(column[i - i0], options);
    }
    if (upper_only) mirror_tile(out, i0, i1, j0, j1, diagonal);
    progress.after_unit();
  });
  progress.finish();
}

// ---- neighbour lists ----------------------------------------------------------------------------

struct Candidate {
  double value;
  arma::uword index;
};
bool closer(const Candidate& a, const Candidate& b) noexcept {
  return a.value < b.value || (a.value == b.value && a.index < b.index);
}

// The k best candidates of one query, as a max-heap on closer() (the worst on top).
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }
  bool full() const noexcept { return heap_.size() == k_; }
  double worst() const noexcept { return full() ? heap_.front().value : kInf; }
  void offer(Candidate c) {
    if (!full()) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), closer);
    } else if (closer(c, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), closer);
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end(), closer);
    }
  }
  std::vector<Candidate> sorted() const {
    std::vector<Candidate> out = heap_;
    std::sort(out.begin(), out.end(), closer);
    return out;
  }

 private:
  std::size_t k_;
  std::vector<Candidate> heap_;
};

// JS screen from the Bhattacharyya coefficient BC: ln2 (1 - BC) <= JS <= 1 - BC
// (docs/math/divergences.md); `slack` covers the rounding of BC.
struct JsScreen {
  double slack;
  double lower(double bc) const noexcept { return kLn2 * (1.0 - bc) - slack; }
  double upper(double bc) const noexcept { return (1.0 - bc) + slack; }
};

}  // namespace

arma::mat divergence_matrix(const arma::mat& p, const arma::mat& q,
                            const DivergenceOptions& options, int n_threads,
                            const WorkHooks& hooks) {
  check_same_width(p, q);
  SetTerms tp = make_terms(p, options.metric, false);
  SetTerms tq = make_terms(q, options.metric, false);
  link_zeros(tp, tq);
  link_zeros(tq, tp);
  arma::mat out(p.n_cols, q.n_cols, arma::fill::none);  // every entry is written
  advise_huge_pages(out.memptr(), sizeof(double) * out.n_elem);
  fill_matrix(tp, tq, options, false, n_threads, hooks, out);
  return out;
}

arma::mat divergence_matrix(const arma::mat& p, const DivergenceOptions& options, int n_threads,
                            const WorkHooks& hooks) {
  SetTerms terms = make_terms(p, options.metric, false);
  link_zeros(terms, terms);
  arma::mat out(p.n_cols, p.n_cols, arma::fill::none);  // every entry is written
  advise_huge_pages(out.memptr(), sizeof(double) * out.n_elem);
  const bool symmetric = is_symmetric(options.metric);
  fill_matrix(terms, terms, options, symmetric, n_threads, hooks, out);
  // A product metric's upper triangle is mirrored here, block column c of the lower triangle from
  // block row c of the upper; a direct metric's tiles did it themselves. Then the diagonal is
  // zeroed.
  const bool mirror = symmetric && uses_product(options.metric);
  const BlockPartition blocks{p.n_cols, 64};
  for_each_block(blocks, n_threads, [&](std::size_t c) {
    for (std::size_t r = c; mirror && r < blocks.n_blocks(); ++r) {
      mirror_tile(out, blocks.begin(c), blocks.end(c), blocks.begin(r), blocks.end(r), r == c);
    }
    for (arma::uword j = blocks.begin(c); j < blocks.end(c); ++j) out(j, j) = 0.0;
  });
  return out;
}

void write_divergence_matrix(const arma::mat& p, const DivergenceOptions& options, bool similarity,
                             AtomicFile& file, int n_threads, const WorkHooks& hooks) {
  if (uses_product(options.metric)) {
    throw UsageError("write_divergence_matrix streams the direct metrics (js, jsd, tv), not " +
                     metric_name(options.metric));
  }
  const std::size_t n = p.n_cols;
  const SetTerms terms = make_terms(p, options.metric, false);
  const auto value_of = [&](double v) {
    v = finish(v, options);
    return similarity ? to_similarity(v, options) : v;
  };
  const double diagonal = value_of(0.0);
  std::ostream& out = file.stream();
  if constexpr (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__) {
    // The rows go to the file as they are in memory, which .npy's '<f8' is only on little-endian
    // hosts; elsewhere the matrix is held and written through write_npy's byte swap.
    arma::mat matrix = divergence_matrix(p, options, n_threads, hooks);
    if (similarity) matrix.transform([&](double v) { return to_similarity(v, options); });
    write_npy(out, matrix);
    return;
  }
  write_npy_header(out, {n, n});
  const auto data_start = static_cast<off_t>(out.tellp());
  out.flush();
  // The data goes in with pwrite (threads write their rows at once) and comes back with pread: the
  // entries left of a panel are the rows already written.
  const int fd = ::open(file.temp_path().c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    throw OutputError(file.path(), "cannot be written (" + std::string(std::strerror(errno)) + ")");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // Panels of rows [r0, r1), about 8 MB. Phase one, on every thread: units of (16 rows, one tile's
  // width of columns) above the diagonal (each pair computed once, as the tiles of
  // divergence_matrix compute it), and units of 64 earlier rows read back, interleaved. Phase two:
  // blocks of 16 rows mirror the entries below the diagonal within the panel. Then the panel is
  // written.
  constexpr std::size_t kRowGroup = 16, kReadRows = 64;
  const std::size_t height =
      std::clamp<std::size_t>((std::size_t(1) << 20) / std::max<std::size_t>(n, 1), 1, 256);
  const std::size_t width = direct_tile(p.n_rows);
  const BlockPartition panels{n, height};
  std::vector<double> rows(std::min(height, n) * n);
  std::atomic<bool> io_failed{false};
  LoopProgress progress(hooks, panels.n_blocks());
  for (std::size_t b = 0; b < panels.n_blocks(); ++b) {
    progress.before_unit();
    const std::size_t r0 = panels.begin(b), r1 = panels.end(b), h = r1 - r0;
    const BlockPartition groups{h, kRowGroup}, chunks{n - r0, width}, reads{r0, kReadRows};
    const std::size_t compute_units = groups.n_blocks() * chunks.n_blocks();
    for_each_block(
        BlockPartition{compute_units + reads.n_blocks(), 1}, n_threads, [&](std::size_t unit) {
          if (unit < compute_units) {
            const std::size_t g = unit % groups.n_blocks(), c = unit / groups.n_blocks();
            const std::size_t c0 = r0 + chunks.begin(c), c1 = r0 + chunks.end(c);
            for (std::size_t i = r0 + groups.begin(g); i < r0 + groups.end(g); ++i) {
              const std::size_t first = std::max(c0, i + 1);
              if (first >= c1) continue;
              double* row = rows.data() + (i - r0) * n;
              direct_against(terms, i, terms, first, c1, options.metric, row + first);
              for (std::size_t j = first; j < c1; ++j) row[j] = value_of(row[j]);
            }
            return;
          }
          const std::size_t block = unit - compute_units;
          std::vector<double> segment(h);
          for (std::size_t j = reads.begin(block); j < reads.end(block); ++j) {
            const auto bytes = static_cast<ssize_t>(h * sizeof(double));
            const off_t at = data_start + static_cast<off_t>((j * n + r0) * sizeof(double));
            if (::pread(fd, segment.data(), static_cast<std::size_t>(bytes), at) != bytes) {
              io_failed = true;
              return;
            }
            for (std::size_t i = 0; i < h; ++i) rows[i * n + j] = segment[i];
          }
        });
    for_each_block(groups, n_threads, [&](std::size_t g) {
      for (std::size_t i = r0 + groups.begin(g); i < r0 + groups.end(g); ++i) {
        double* row = rows.data() + (i - r0) * n;
        row[i] = diagonal;
        for (std::size_t j = r0; j < i; ++j) row[j] = rows[(j - r0) * n + i];
      }
    });
    // One write per panel: writers of one file take turns anyway (the inode's lock).
    const char* bytes = reinterpret_cast<const char*>(rows.data());
    std::size_t left = h * n * sizeof(double);
    off_t at = data_start + static_cast<off_t>(r0 * n * sizeof(double));
    while (left > 0 && !io_failed) {
      const ssize_t wrote = ::pwrite(fd, bytes, left, at);
      if (wrote <= 0) {
        io_failed = true;
        break;
      }
      bytes += wrote;
      left -= static_cast<std::size_t>(wrote);
      at += wrote;
    }
    if (io_failed) {
      throw OutputError(file.path(),
                        "could not be written (" + std::string(std::strerror(errno)) + ")");
    }
    progress.after_unit();
  }
  progress.finish();
}

template <class T>
CondensedMatrix<T> condensed_divergences(const arma::mat& p, const DivergenceOptions& options,
                                         int n_threads, const WorkHooks& hooks) {
  if (!is_symmetric(options.metric)) {
    throw UsageError(metric_name(options.metric) +
                     " is not symmetric, so it has no condensed form; use skl, js, jsd, "
                     "hellinger or tv");
  }
  const std::size_t n = p.n_cols;
  CondensedMatrix<T> out(n);
  if (!uses_product(options.metric)) {
    // Direct metrics: tiles on and above the diagonal, each row's part written straight into the
    // condensed row (contiguous there), the same values as the full matrix holds.
    const SetTerms terms = make_terms(p, options.metric, false);
    const BlockPartition blocks{n, direct_tile(p.n_rows)};
    const std::vector<Tile> tiles = tile_list(blocks.n_blocks(), blocks.n_blocks(), true);
    LoopProgress progress(hooks, tiles.size());
    for_each_block(BlockPartition{tiles.size(), 1}, n_threads, [&](std::size_t t) {
      progress.before_unit();
      const std::size_t j0 = blocks.begin(tiles[t].col), j1 = blocks.end(tiles[t].col);
      for (std::size_t i = blocks.begin(tiles[t].row); i < blocks.end(tiles[t].row); ++i) {
        T* row = out.data() + out.row_offset(i);
        const std::size_t first = std::max(j0, i + 1);
        if (first >= j1) continue;
        double values[kMaxDirectTile];
        direct_against(terms, i, terms, first, j1, options.metric, values);
        for (std::size_t j = first; j < j1; ++j) {
          row[j] = static_cast<T>(finish(values[j - first], options));
        }
      }
      progress.after_unit();
    });
    progress.finish();
    return out;
  }
  // Product metrics: panels of rows [i0, i1) against columns [i0, n): about 64 MB each, of which
  // only the small triangle below the panel's diagonal is computed and not kept.
  const std::size_t rows = std::clamp<std::size_t>(8000000 / std::max<std::size_t>(n, 1), 64, 4096);
  const BlockPartition panels{n, rows};
  for (std::size_t b = 0; b < panels.n_blocks(); ++b) {
    poll(hooks, b, panels.n_blocks());
    const arma::uword i0 = panels.begin(b), i1 = panels.end(b);
    if (i0 + 1 >= n) break;
    const arma::mat block = divergence_matrix(p.cols(i0, i1 - 1), p.cols(i0, n - 1), options,
                                              n_threads, {nullptr, hooks.stop_requested});
    for (arma::uword r = 0; r < i1 - i0; ++r) {
      T* row = out.data() + out.row_offset(i0 + r);
      for (arma::uword c = r + 1; c < n - i0; ++c) row[i0 + c] = static_cast<T>(block(r, c));
    }
  }
  poll(hooks, panels.n_blocks(), panels.n_blocks());
  return out;
}

template CondensedMatrix<double> condensed_divergences(const arma::mat&, const DivergenceOptions&,
                                                       int, const WorkHooks&);
template CondensedMatrix<float> condensed_divergences(const arma::mat&, const DivergenceOptions&,
                                                      int, const WorkHooks&);

Neighbours nearest_neighbours(const arma::mat& queries, const arma::mat& database, std::size_t k,
                              bool exclude_same_index, const DivergenceOptions& options,
                              int n_threads, const WorkHooks& hooks, Communicator& comm) {
  check_same_width(queries, database);
  const std::size_t available = database.n_cols - (exclude_same_index ? 1 : 0);
  if (k == 0 || k > available || database.n_cols == 0) {
    throw UsageError("cannot list " + std::to_string(k) + " nearest neighbours among " +
                     std::to_string(database.n_cols) + " rows" +
                     (exclude_same_index ? " (excluding the row itself)" : "") +
                     "; expected 1 <= k <= " + std::to_string(available));
  }
  const Metric metric = options.metric;
  const bool screen = metric == Metric::js || metric == Metric::jsd;
  const bool same_set = &queries == &database;
  SetTerms tq = make_terms(queries, metric, screen);
  SetTerms td_own;
  if (!same_set) td_own = make_terms(database, metric, screen);
  SetTerms& td = same_set ? tq : td_own;
  link_zeros(tq, td);
  link_zeros(td, tq);

  const arma::uword n = queries.n_cols;
  const arma::uword m = database.n_cols;
  const JsScreen bounds{1e-12 + 8.0 * static_cast<double>(queries.n_rows) *
                                    std::numeric_limits<double>::epsilon()};
  std::vector<TopK> best(n, TopK(k));
  const BlockPartition row_blocks{n, kProductBlock};
  const BlockPartition col_blocks{m, kProductBlock};
  // Under MPI, each rank takes a range of whole row tiles; a row's neighbours are found the same
  // way whoever finds them.
  const DocumentRange mine = rank_documents(n, kProductBlock, comm.rank(), comm.size());
  const std::size_t first_rb = mine.first / kProductBlock;
  const std::size_t last_rb = (mine.last + kProductBlock - 1) / kProductBlock;
  const std::size_t total = (last_rb - first_rb) * col_blocks.n_blocks();
  std::size_t done = 0;
  ProductBlock block;
  arma::mat bc;
  for (std::size_t rb = first_rb; rb < last_rb; ++rb) {
    const arma::uword i0 = row_blocks.begin(rb), i1 = row_blocks.end(rb);
    for (std::size_t cb = 0; cb < col_blocks.n_blocks(); ++cb) {
      poll(hooks, done, total);
      const arma::uword j0 = col_blocks.begin(cb), j1 = col_blocks.end(cb);
      if (uses_product(metric)) {
        compute_products(tq, td, metric, i0, i1, j0, j1, block);
        finish_products(tq, td, block, j1 - j0, options, n_threads);
      }
      if (screen) bc = td.root.cols(j0, j1 - 1).t() * tq.root.cols(i0, i1 - 1);  // (j, i)
      const BlockPartition rows{i1 - i0, 16};
      for_each_block(rows, n_threads, [&](std::size_t r) {
        std::vector<double> upper;
        for (arma::uword i = i0 + rows.begin(r); i < i0 + rows.end(r); ++i) {
          TopK& top = best[i];
          const auto skip = [&](arma::uword j) { return exclude_same_index && i == j; };
          if (!screen) {
            for (arma::uword j = j0; j < j1; ++j) {
              if (skip(j)) continue;
              const double value = uses_product(metric)
                                       ? block.at(block.main, i - block.i0, j - block.j0)
                                       : finish(direct_value(tq, td, i, j, metric), options);
              top.offer({value, j});
            }
            continue;
          }
          // Threshold (nats): no candidate above it can enter the top k, because the current k-th
          // best is at most it, or, until k are known, k candidates of this block by their upper
          // bounds. It tightens as candidates are computed.
          const double* bc_i = bc.colptr(i - i0);  // BC of query i against the block, contiguous
          double threshold = unfinish_js(top.worst(), options);
          if (!top.full()) {
            upper.clear();
            for (arma::uword j = j0; j < j1; ++j) {
              if (!skip(j)) upper.push_back(bounds.upper(bc_i[j - j0]));
            }
            if (upper.size() >= k) {
              std::nth_element(upper.begin(), upper.begin() + static_cast<long>(k - 1),
                               upper.end());
              threshold = std::min(threshold, upper[k - 1]);
            }
          }
          for (arma::uword j = j0; j < j1; ++j) {
            if (skip(j) || bounds.lower(bc_i[j - j0]) > threshold) continue;
            top.offer({finish(direct_value(tq, td, i, j, metric), options), j});
            if (top.full()) threshold = std::min(threshold, unfinish_js(top.worst(), options));
          }
        }
      });
      ++done;
    }
  }
  poll(hooks, total, total);

  // Each rank's rows, (index, value) pairs in order, gathered on rank 0 in rank order, which is
  // row order.
  std::vector<double> found;
  found.reserve(2 * k * (mine.last - mine.first));
  for (arma::uword i = mine.first; i < mine.last; ++i) {
    for (const Candidate& c : best[i].sorted()) {
      found.push_back(static_cast<double>(c.index));
      found.push_back(c.value);
    }
  }
  const std::vector<double> all = comm.gather(found, 0);
  Neighbours out;
  if (!comm.is_root()) return out;
  out.index.set_size(n, k);
  out.value.set_size(n, k);
  for (arma::uword i = 0; i < n; ++i) {
    for (std::size_t r = 0; r < k; ++r) {
      out.index(i, r) = static_cast<arma::uword>(all[2 * (i * k + r)]);
      out.value(i, r) = all[2 * (i * k + r) + 1];
    }
  }
  return out;
}

}  // namespace tmkit
