#include "tmkit/core/interrupt.hpp"

#include <atomic>

#include "tmkit/core/error.hpp"

namespace tmkit {
namespace {
// Lock-free, hence safe to store from a signal handler.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler must be able to set it");
}  // namespace

void request_stop() noexcept { g_stop.store(true, std::memory_order_relaxed); }

bool stop_requested() noexcept { return g_stop.load(std::memory_order_relaxed); }

void clear_stop_request() noexcept { g_stop.store(false, std::memory_order_relaxed); }

namespace {
thread_local int t_commit_despite_stop = 0;
}  // namespace

CommitDespiteStop::CommitDespiteStop() noexcept { ++t_commit_despite_stop; }
CommitDespiteStop::~CommitDespiteStop() { --t_commit_despite_stop; }

bool commits_allowed() noexcept { return !stop_requested() || t_commit_despite_stop > 0; }

bool WorkHooks::stop() const {
  return tmkit::stop_requested() || (stop_requested && stop_requested());
}

void WorkHooks::poll() const {
  if (stop()) throw Interrupted("interrupted");
}

}  // namespace tmkit
