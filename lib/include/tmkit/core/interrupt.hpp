// A stop request for the whole process: the apps' SIGINT/SIGTERM handler sets it (it is safe to
// set from a signal handler), long work polls it between units of work, and no output is committed
// once it is set (io.hpp), so an interrupted run leaves nothing half-written and nothing new.
#pragma once

#include "tmkit/core/work_hooks.hpp"

namespace tmkit {

/// Asks every long computation of this process to stop; async-signal-safe.
void request_stop() noexcept;

/// Whether a stop has been requested.
bool stop_requested() noexcept;

/// Forgets a request (for tests that interrupt several runs in one process).
void clear_stop_request() noexcept;

/// While one lives, this thread's outputs commit even after a stop request: what a fit writes
/// because it was stopped (its checkpoint).
class CommitDespiteStop {
 public:
  CommitDespiteStop() noexcept;
  ~CommitDespiteStop();
  CommitDespiteStop(const CommitDespiteStop&) = delete;
  CommitDespiteStop& operator=(const CommitDespiteStop&) = delete;
};

/// Whether outputs may be committed: no stop requested, or a CommitDespiteStop in this thread.
bool commits_allowed() noexcept;

}  // namespace tmkit
