// The one hook type of long work: progress in units of the work's choosing (tiles, documents), and
// a stop request, polled between units through poll() (the work then throws Interrupted).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace tmkit {

struct WorkHooks {
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  std::function<bool()> stop_requested;

  /// Reports `done` of `total` units to on_progress, if set.
  void progress(std::size_t done, std::size_t total) const {
    if (on_progress) on_progress(done, total);
  }
  /// Whether to stop: stop_requested says so, or a stop was requested for the whole process
  /// (interrupt.hpp: the apps' SIGINT/SIGTERM handler).
  bool stop() const;
  /// Throws Interrupted when stop() says so: the one place long work polls.
  void poll() const;
};

/// Work done in named stages ("distances", "merges"): the hooks of each stage as it begins.
using StageHooks = std::function<WorkHooks(const std::string& stage)>;

}  // namespace tmkit
