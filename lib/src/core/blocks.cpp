#include "detail/blocks.hpp"

namespace tmkit {

int resolve_threads(int requested) noexcept {
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads();
#else
  (void)requested;
  return 1;
#endif
}

}  // namespace tmkit
