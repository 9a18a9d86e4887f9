# tmkit_warnings: an INTERFACE target carrying our warning flags, linked PRIVATE by our own targets
# only, so that consumers of tmkit and third-party headers are not affected.
add_library(tmkit_warnings INTERFACE)
target_compile_options(tmkit_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>)
# GCC's -Wpsabi notes that passing 32-byte vectors changed ABI in GCC 4.6; our vector kernels are
# always inlined inside one library, never passed across an ABI boundary, so the note is noise.
target_compile_options(tmkit_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-psabi>)
if(TMKIT_WERROR)
  target_compile_options(tmkit_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU,Clang>:-Werror>)
endif()
