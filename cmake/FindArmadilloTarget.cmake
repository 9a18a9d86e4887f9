# Wraps CMake's FindArmadillo in an imported target, tmkit::armadillo, because Debian's
# libarmadillo-dev installs no CMake package configuration of its own.
if(NOT TARGET tmkit::armadillo)
  find_package(Armadillo REQUIRED)
  add_library(tmkit::armadillo INTERFACE IMPORTED)
  set_target_properties(tmkit::armadillo PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ARMADILLO_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${ARMADILLO_LIBRARIES}")
endif()
