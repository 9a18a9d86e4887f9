# tmkit_sanitizers: an INTERFACE target that instruments our targets with TMKIT_SANITIZE
# (e.g. "address,undefined"). UBSan is made fatal so that a report fails the test that caused it.
add_library(tmkit_sanitizers INTERFACE)
if(TMKIT_SANITIZE)
  set(_tmkit_san_flags -fsanitize=${TMKIT_SANITIZE} -fno-omit-frame-pointer)
  if(TMKIT_SANITIZE MATCHES "undefined")
    list(APPEND _tmkit_san_flags -fno-sanitize-recover=undefined)
  endif()
  target_compile_options(tmkit_sanitizers INTERFACE ${_tmkit_san_flags})
  target_link_options(tmkit_sanitizers INTERFACE ${_tmkit_san_flags})
endif()
# A fuzzing build (TMKIT_FUZZ) adds libFuzzer's coverage instrumentation to every target; the fuzz
# executables link libFuzzer itself (tests/fuzz/CMakeLists.txt).
if(TMKIT_FUZZ)
  target_compile_options(tmkit_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
