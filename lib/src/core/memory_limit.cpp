#include "tmkit/core/memory_limit.hpp"

#include <cstdio>

#include "tmkit/core/error.hpp"

namespace tmkit {

void check_memory(double bytes, const std::string& what, double max_bytes,
                  const std::string& instead) {
  if (bytes <= max_bytes) return;
  char problem[512];
  std::snprintf(problem, sizeof problem,
                "%s needs %.3g GiB, more than the %.3g GiB allowed; %s, or raise the limit",
                what.c_str(), bytes / 1073741824.0, max_bytes / 1073741824.0, instead.c_str());
  throw OptionError("max-memory", problem);
}

}  // namespace tmkit
