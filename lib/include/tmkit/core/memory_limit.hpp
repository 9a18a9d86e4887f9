// A limit on the memory one result may take (every app's --max-memory): work that would need more
// is refused before it starts, with what it would take and what to do instead.
#pragma once

#include <cstddef>
#include <string>

namespace tmkit {

/// The limit when none is given: 8 GiB (every app's --max-memory 8G).
constexpr double kDefaultMaxMemory = 8.0 * 1024 * 1024 * 1024;

/// This machine's physical memory in bytes; infinity when it cannot be told.
double machine_memory();

/// Refuses (OptionError on "max-memory") `what` ("a 5000 x 5000 matrix") needing `bytes` above
/// `max_bytes` or above the machine's memory, saying how much it would take and `instead` ("use
/// --top-k 10 for neighbour lists").
void check_memory(double bytes, const std::string& what, double max_bytes,
                  const std::string& instead);

/// Refuses (InputError naming `path` and `line`) a count read from a file's header that would
/// need more memory than the machine has: `what` ("D = 4294967295 documents") needing `bytes`.
/// Readers call it before they allocate by such a count; `line` 0 for a header that has no lines.
void check_header_memory(const std::string& path, std::size_t line, const std::string& what,
                         double bytes);

}  // namespace tmkit
