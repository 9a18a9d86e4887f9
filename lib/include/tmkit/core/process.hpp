// Facts about the running process that apps report to users and benchmarks record.
#pragma once

#include <cstddef>

namespace tmkit {

/// Peak resident memory of this process image in MiB (Linux's VmHWM, which unlike getrusage's
/// maxrss does not inherit the high-water mark of the process that forked it); 0 where unknown.
double peak_resident_mib();

/// Asks Linux to back the 2 MiB-aligned part of [data, data + bytes) with transparent huge pages
/// when it is first written: for a large result about to be filled, 512 times fewer page faults
/// (which otherwise cost as much as computing an N x N divergence matrix). No effect elsewhere,
/// or when the system has huge pages switched off.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

}  // namespace tmkit
