#include "tmkit/core/mpi_world.hpp"

#include <cstdlib>

#ifdef TMKIT_WITH_MPI
#include <mpi.h>

#include <algorithm>
#include <limits>

#include "tmkit/core/error.hpp"
#endif

namespace tmkit {

#ifdef TMKIT_WITH_MPI

namespace {

// Sums travel in chunks, so that the root holds P chunks at a time rather than P whole arrays.
constexpr std::size_t kChunkValues = std::size_t{1} << 18;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

int as_int(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw UsageError("MPI: a message of " + std::to_string(n) + " values is too large");
  }
  return static_cast<int>(n);
}

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }

  void sum(double* data, std::size_t n) override {
    bytes_ += n * sizeof(double);
    if (size_ == 1) return;
    std::vector<double> gathered(rank_ == 0 ? kChunkValues * static_cast<std::size_t>(size_) : 0);
    for (std::size_t begin = 0; begin < n; begin += kChunkValues) {
      const std::size_t m = std::min(kChunkValues, n - begin);
      check(MPI_Gather(data + begin, as_int(m), MPI_DOUBLE, gathered.data(), as_int(m), MPI_DOUBLE,
                       0, MPI_COMM_WORLD),
            "gather");
      if (rank_ == 0) {
        // (((r0 + r1) + r2) + ...): rank 0's values are already in place.
        for (int r = 1; r < size_; ++r) {
          const double* part = gathered.data() + static_cast<std::size_t>(r) * m;
          for (std::size_t i = 0; i < m; ++i) data[begin + i] += part[i];
        }
      }
      check(MPI_Bcast(data + begin, as_int(m), MPI_DOUBLE, 0, MPI_COMM_WORLD), "broadcast");
    }
  }

  void sum(std::uint64_t* data, std::size_t n) override {
    if (size_ == 1) return;
    for (std::size_t begin = 0; begin < n; begin += kChunkValues) {
      const std::size_t m = std::min(kChunkValues, n - begin);
      check(MPI_Allreduce(MPI_IN_PLACE, data + begin, as_int(m), MPI_UINT64_T, MPI_SUM,
                          MPI_COMM_WORLD),
            "allreduce");
    }
  }

  bool any(bool flag) override {
    int value = flag ? 1 : 0;
    if (size_ > 1) {
      check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "allreduce");
    }
    return value != 0;
  }

  void broadcast(void* data, std::size_t bytes, int root) override {
    if (size_ == 1) return;
    auto* p = static_cast<char*>(data);
    for (std::size_t begin = 0; begin < bytes; begin += kChunkValues * 8) {
      const std::size_t m = std::min(kChunkValues * 8, bytes - begin);
      check(MPI_Bcast(p + begin, as_int(m), MPI_BYTE, root, MPI_COMM_WORLD), "broadcast");
    }
  }

  std::vector<double> all_gather(const std::vector<double>& local) override {
    if (size_ == 1) return local;
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    const int mine = as_int(local.size());
    check(MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "allgather");
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = as_int(total);
      total += static_cast<std::size_t>(counts[r]);
    }
    std::vector<double> out(total);
    check(MPI_Allgatherv(local.data(), mine, MPI_DOUBLE, out.data(), counts.data(), displs.data(),
                         MPI_DOUBLE, MPI_COMM_WORLD),
          "allgatherv");
    return out;
  }

  std::vector<double> gather(const std::vector<double>& local, int root) override {
    if (size_ == 1) return local;
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    const int mine = as_int(local.size());
    check(MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD), "gather");
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = as_int(total);
      total += static_cast<std::size_t>(counts[r]);
    }
    std::vector<double> out(rank_ == root ? total : 0);
    check(MPI_Gatherv(local.data(), mine, MPI_DOUBLE, out.data(), counts.data(), displs.data(),
                      MPI_DOUBLE, root, MPI_COMM_WORLD),
          "gatherv");
    return out;
  }

  std::uint64_t bytes_summed() const noexcept override { return bytes_; }

 private:
  int rank_ = 0, size_ = 1;
  std::uint64_t bytes_ = 0;
};

MpiWorld* g_world = nullptr;

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace

// True when this process was started by mpirun (Open MPI, or a PMI/PMIx launcher such as srun):
// without one, MPI is not initialized at all (no singleton start-up, no daemons).
bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

Communicator& mpi_world(int& argc, char**& argv) {
  if (!g_world) {
    if (!launched_by_mpirun()) return single_process();
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
      std::atexit(finalize_at_exit);
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    g_world = new MpiWorld();  // lives until exit, after which MPI is finalized
  }
  return *g_world;
}

bool in_parallel_job() noexcept { return g_world && g_world->size() > 1; }

Communicator& current_world() noexcept {
  if (g_world) return *g_world;
  return single_process();
}

std::string parallel_job_prefix() {
  if (!in_parallel_job()) return {};
  return "rank " + std::to_string(g_world->rank()) + " of " + std::to_string(g_world->size()) +
         ": ";
}

void abort_world(int exit_code) {
  if (in_parallel_job()) MPI_Abort(MPI_COMM_WORLD, exit_code);
}

#else

Communicator& mpi_world(int&, char**&) { return single_process(); }
bool in_parallel_job() noexcept { return false; }
Communicator& current_world() noexcept { return single_process(); }
std::string parallel_job_prefix() { return {}; }
void abort_world(int) {}

#endif

}  // namespace tmkit
