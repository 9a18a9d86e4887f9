// The Communicator of an MPI job (Open MPI), when tmkit is built with MPI (TMKIT_WITH_MPI).
// Started under `mpirun -np P`, an app calls mpi_world() once; the world is finalized when the
// program exits. A rank that fails calls abort_world() after printing its message, which stops
// every rank (MPI_Abort) instead of leaving them waiting in a collective.
#pragma once

#include <string>

#include "tmkit/core/communicator.hpp"

namespace tmkit {

/// The world communicator: initializes MPI on the first call when the program was started by
/// mpirun (or another MPI launcher); otherwise, and when this build has no MPI, the trivial
/// single_process() communicator, without initializing anything.
Communicator& mpi_world(int& argc, char**& argv);

/// The communicator mpi_world() returned, or single_process() before it is called.
Communicator& current_world() noexcept;

/// True when mpi_world() was called and the job has more than one rank.
bool in_parallel_job() noexcept;

/// "rank R of P: " in a parallel job, "" otherwise (a prefix for messages).
std::string parallel_job_prefix();

/// Stops every rank of the job with `exit_code` (MPI_Abort); returns only when not in a parallel
/// job.
void abort_world(int exit_code);

}  // namespace tmkit
