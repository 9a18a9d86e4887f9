// Optional hooks into long work: progress in units of the work's choosing (tiles, documents), and
// a stop request polled between units (the work then throws Interrupted).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace tmkit {

struct WorkHooks {
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  std::function<bool()> stop_requested;
};

/// Work done in named stages ("distances", "merges"): the hooks of each stage as it begins.
using StageHooks = std::function<WorkHooks(const std::string& stage)>;

}  // namespace tmkit
