#include "tmkit/core/communicator.hpp"

#include <algorithm>

namespace tmkit {

namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  void sum(double*, std::size_t) override {}
  void sum(std::uint64_t*, std::size_t) override {}
  bool any(bool flag) override { return flag; }
  void broadcast(void*, std::size_t, int) override {}
  std::vector<double> all_gather(const std::vector<double>& local) override { return local; }
  std::vector<double> gather(const std::vector<double>& local, int) override { return local; }
  std::uint64_t bytes_summed() const noexcept override { return 0; }
};

}  // namespace

Communicator& single_process() {
  static SingleProcess world;
  return world;
}

DocumentRange rank_documents(std::size_t n_docs, std::size_t block_docs, int rank, int size) {
  const std::size_t n_blocks = (n_docs + block_docs - 1) / block_docs;
  const auto r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(size);
  // Rank r owns blocks [r * n_blocks / p, (r + 1) * n_blocks / p).
  const std::size_t first_block = r * n_blocks / p, last_block = (r + 1) * n_blocks / p;
  return {std::min(n_docs, first_block * block_docs), std::min(n_docs, last_block * block_docs)};
}

}  // namespace tmkit
