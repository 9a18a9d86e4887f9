# Every dependency is a Debian 12 package; .ci/bootstrap installs them.
include(FindArmadilloTarget)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options unit_test_framework)
find_package(nlohmann_json 3.10 REQUIRED)
# Compressed corpora and matrices (gzip, bzip2, xz) are read transparently (io/input_file.hpp).
find_package(ZLIB REQUIRED)
find_package(BZip2 REQUIRED)
find_package(LibLZMA REQUIRED)
if(TMKIT_OPENMP)
  find_package(OpenMP REQUIRED)
endif()
if(TMKIT_MPI)
  # Optional: without an MPI library the apps run as one process (mpirun is then unavailable).
  find_package(MPI COMPONENTS CXX)
  if(NOT MPI_CXX_FOUND)
    message(STATUS "tmkit: no MPI library found; building without MPI (apt-get install libopenmpi-dev)")
    set(TMKIT_MPI OFF)
  endif()
endif()

# BLAS under the same OpenMP threads as tmkit's own loops. Debian's default OpenBLAS
# (openblas-pthread) keeps a pool of its own threads that spin for ~0.1 s after loading and after
# every product; on a machine with as many cores as tmkit has threads they take turns with ours
# (a 2000 x 2000 JS matrix, which needs no BLAS at all, ran at half speed). The OpenMP build
# (libopenblas0-openmp) shares libgomp's pool instead. Our binaries name its three libraries
# directly, found through their RUNPATH, so the loader has them before Armadillo asks for
# libblas.so.3 and liblapack.so.3 by soname; the system-wide choice (update-alternatives) is left
# alone, and LD_LIBRARY_PATH still overrides.
option(TMKIT_OPENMP_BLAS "Link the OpenMP build of OpenBLAS (libopenblas0-openmp) when installed" ON)
if(TMKIT_OPENMP AND TMKIT_OPENMP_BLAS)
  set(tmkit_openmp_blas_dir "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp")
  set(tmkit_openmp_blas_libs
      "${tmkit_openmp_blas_dir}/libopenblas.so.0"
      "${tmkit_openmp_blas_dir}/libblas.so.3"
      "${tmkit_openmp_blas_dir}/liblapack.so.3")
  set(tmkit_openmp_blas_found ON)
  foreach(lib IN LISTS tmkit_openmp_blas_libs)
    if(NOT EXISTS "${lib}")
      set(tmkit_openmp_blas_found OFF)
    endif()
  endforeach()
  if(tmkit_openmp_blas_found)
    # Linked as plain items (paths and flags), which the installed tmkit::tmkit carries as they are.
    set(TMKIT_OPENMP_BLAS_LINK
        "-Wl,--push-state,--no-as-needed" ${tmkit_openmp_blas_libs} "-Wl,--pop-state")
    message(STATUS "tmkit: BLAS is OpenBLAS's OpenMP build (${tmkit_openmp_blas_dir})")
  else()
    message(STATUS "tmkit: libopenblas0-openmp not found; BLAS is the system default, whose "
                   "threads may compete with tmkit's (apt-get install libopenblas0-openmp)")
  endif()
endif()
