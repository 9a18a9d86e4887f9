// The one pattern of parallel work in tmkit (DESIGN.md §5): items (documents, rows) are cut into
// fixed blocks whose size does not depend on the number of threads; threads take blocks in any
// order, but whatever a block contributes to a shared sum is added in block order. A result thus
// never depends on the thread count, and the same blocks are the unit an MPI run distributes.
// No `omp critical`, `atomic` or `reduction(+:)` on floating point anywhere.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tmkit {

/// Splits [0, n_items) into consecutive blocks of `block_size` (the last may be shorter).
struct BlockPartition {
  std::size_t n_items = 0;
  std::size_t block_size = 1;

  std::size_t n_blocks() const noexcept { return (n_items + block_size - 1) / block_size; }
  std::size_t begin(std::size_t block) const noexcept { return block * block_size; }
  std::size_t end(std::size_t block) const noexcept {
    return std::min(n_items, (block + 1) * block_size);
  }
};

/// Threads to use: `requested` if positive, else every core OpenMP offers; 1 without OpenMP.
int resolve_threads(int requested) noexcept;

namespace detail {
// Keeps the first exception thrown inside a parallel region, to rethrow after it.
class FirstError {
 public:
  template <class F>
  void run(F&& f) noexcept {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true);
    }
  }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::exception_ptr error_;
};
}  // namespace detail

/// Runs `work(block, workspace)` for every block in parallel, then `reduce(block, workspace)` for
/// each block in increasing block order, on the thread that did its work. Each thread builds one
/// workspace with `make_workspace()` and reuses it for all its blocks, so a block's partial result
/// lives in the workspace between the two calls and must not depend on what the workspace held
/// before. The first exception from any call is rethrown once all threads have stopped.
template <class MakeWorkspace, class Work, class Reduce>
void for_each_block_ordered(const BlockPartition& blocks, int n_threads,
                            MakeWorkspace make_workspace, Work work, Reduce reduce) {
  detail::FirstError error;
  const auto n_blocks = static_cast<long>(blocks.n_blocks());
#pragma omp parallel num_threads(resolve_threads(n_threads))
  {
    decltype(make_workspace()) workspace{};
    error.run([&] { workspace = make_workspace(); });
#pragma omp for ordered schedule(dynamic, 1)
    for (long b = 0; b < n_blocks; ++b) {
      const auto block = static_cast<std::size_t>(b);
      error.run([&] { work(block, workspace); });
#pragma omp ordered
      error.run([&] { reduce(block, workspace); });
    }
  }
  error.rethrow();
}

/// Runs `work(block)` for every block in parallel, with no shared sum (each block writes only its
/// own slots). The first exception is rethrown after all threads have stopped.
template <class Work>
void for_each_block(const BlockPartition& blocks, int n_threads, Work work) {
  detail::FirstError error;
  const auto n_blocks = static_cast<long>(blocks.n_blocks());
#pragma omp parallel for num_threads(resolve_threads(n_threads)) schedule(dynamic, 1)
  for (long b = 0; b < n_blocks; ++b) {
    error.run([&] { work(static_cast<std::size_t>(b)); });
  }
  error.rethrow();
}

}  // namespace tmkit
