// Which instruction sets a hot loop is compiled for: functions marked TMKIT_VECTOR_CLONES are
// compiled for x86-64-v3 (AVX2 + FMA) and for the baseline, TMKIT_WIDE_VECTOR_CLONES for
// x86-64-v4 (AVX-512) as well, and the loader picks the clone the CPU can run, so that one
// portable binary uses the vector unit it finds. Results may differ in the last bits between the
// clones (FMA rounds once), never between runs or thread counts on one machine. Off under the
// sanitizers and other compilers, where every function has one, baseline, body. Private to
// lib/src.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define TMKIT_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define TMKIT_WIDE_VECTOR_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TMKIT_VECTOR_CLONES
#define TMKIT_WIDE_VECTOR_CLONES
#endif
