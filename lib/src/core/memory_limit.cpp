#include "tmkit/core/memory_limit.hpp"

#include <unistd.h>

#include <cstdio>
#include <limits>

#include "tmkit/core/error.hpp"

namespace tmkit {

namespace {
// "12.3 GiB"
std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g GiB", bytes / 1073741824.0);
  return text;
}
}  // namespace

double machine_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

void check_memory(double bytes, const std::string& what, double max_bytes,
                  const std::string& instead) {
  const double machine = machine_memory();
  if (bytes > machine && machine < max_bytes) {
    throw OptionError("max-memory", what + " needs " + gib(bytes) +
                                        ", more than this machine has (" + gib(machine) + "); " +
                                        instead);
  }
  if (bytes <= max_bytes) return;
  throw OptionError("max-memory", what + " needs " + gib(bytes) + ", more than the " +
                                      gib(max_bytes) + " allowed; " + instead +
                                      ", or raise the limit");
}

void check_header_memory(const std::string& path, std::size_t line, const std::string& what,
                         double bytes) {
  const double machine = machine_memory();
  if (bytes <= machine) return;
  const std::string problem = what + " would need " + gib(bytes) +
                              ", more than this machine has (" + gib(machine) +
                              "); expected the header to count what the file holds";
  if (line == 0) throw InputError(path, problem);  // a binary header has no line
  throw InputError(path, line, problem);
}

}  // namespace tmkit
