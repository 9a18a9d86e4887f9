# Wraps CMake's FindArmadillo in an imported target, tmkit::armadillo, because Debian's
# libarmadillo-dev installs no CMake package configuration of its own.
#
# ARMA_DONT_USE_OPENMP: built with -fopenmp, Armadillo would run its element-wise functions (log,
# exp, ...) of 320 elements or more in OpenMP teams of its own, as many threads as cores, whatever
# --threads says (inside a one-thread region of tmkit's, omp_in_parallel() is false). Those threads
# then spin between calls: in a merge-split round of a one-thread fit on a busy machine (tm-select
# runs its candidates side by side) they took 76% of the run (kjv, K = 10: 10.2 s, 2.45 s without).
# tmkit's own loops decide its threads (detail/blocks.hpp). A definition of the interface, so that
# every translation unit sees Armadillo's templates alike.
if(NOT TARGET tmkit::armadillo)
  find_package(Armadillo REQUIRED)
  add_library(tmkit::armadillo INTERFACE IMPORTED)
  set_target_properties(tmkit::armadillo PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ARMADILLO_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${ARMADILLO_LIBRARIES}"
    INTERFACE_COMPILE_DEFINITIONS "ARMA_DONT_USE_OPENMP")
endif()
