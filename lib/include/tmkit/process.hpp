// Facts about the running process that apps report to users and benchmarks record.
#pragma once

namespace tmkit {

/// Peak resident memory of this process image in MiB (Linux's VmHWM, which unlike getrusage's
/// maxrss does not inherit the high-water mark of the process that forked it); 0 where unknown.
double peak_resident_mib();

}  // namespace tmkit
