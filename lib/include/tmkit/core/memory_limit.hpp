// A limit on the memory one result may take (every app's --max-memory): work that would need more
// is refused before it starts, with what it would take and what to do instead.
#pragma once

#include <string>

namespace tmkit {

/// The limit when none is given: 8 GiB (every app's --max-memory 8G).
constexpr double kDefaultMaxMemory = 8.0 * 1024 * 1024 * 1024;

/// Refuses (OptionError on "max-memory") `what` ("a 5000 x 5000 matrix") needing `bytes` above
/// `max_bytes`, saying how much it would take and `instead` ("use --top-k 10 for neighbour
/// lists").
void check_memory(double bytes, const std::string& what, double max_bytes,
                  const std::string& instead);

}  // namespace tmkit
