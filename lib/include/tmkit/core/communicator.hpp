// The processes of one fit and what they exchange. A fit spread over P processes (MPI ranks) gives
// each a contiguous range of whole document blocks; each computes its documents' contributions,
// and the Communicator combines them. Sums are combined in rank order, (((r0 + r1) + r2) + ...),
// whatever the MPI library would choose, so a P-process result depends on P alone, and differs
// from the one-process result only by the rounding of that last grouping (docs/scaling.md).
// A single process uses the trivial communicator, where every operation is the identity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tmkit {

class Communicator {
 public:
  virtual ~Communicator() = default;
  /// This process's number, 0 .. size() - 1.
  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;
  /// Replaces `data[0..n)` on every rank by its sum over ranks, added in rank order.
  virtual void sum(double* data, std::size_t n) = 0;
  /// The same for counts (exact).
  virtual void sum(std::uint64_t* data, std::size_t n) = 0;
  /// True on every rank when `flag` is true on any.
  virtual bool any(bool flag) = 0;
  /// Copies `bytes` bytes at `data` on rank `root` to every rank.
  virtual void broadcast(void* data, std::size_t bytes, int root) = 0;
  /// Every rank's `local` values, concatenated in rank order, on every rank.
  virtual std::vector<double> all_gather(const std::vector<double>& local) = 0;
  /// Every rank's `local` values concatenated in rank order, on rank `root` (empty elsewhere).
  virtual std::vector<double> gather(const std::vector<double>& local, int root) = 0;
  /// Bytes this process has sent through sum() so far (the statistics traffic of a fit).
  virtual std::uint64_t bytes_summed() const noexcept = 0;

  double sum(double value) {
    sum(&value, 1);
    return value;
  }
  std::uint64_t sum(std::uint64_t value) {
    sum(&value, 1);
    return value;
  }
  bool is_root() const noexcept { return rank() == 0; }
};

/// The trivial communicator of one process.
Communicator& single_process();

/// Documents [first, last) of `n_docs` that rank `rank` of `size` owns: whole blocks of
/// `block_docs`, as evenly spread as the blocks allow, in rank order.
struct DocumentRange {
  std::size_t first = 0, last = 0;
};
DocumentRange rank_documents(std::size_t n_docs, std::size_t block_docs, int rank, int size);

}  // namespace tmkit
