# CLI tests: every script in tests/cli (but the helpers in lib.sh) runs the apps as a user would and
# checks exit codes, messages and outputs; a new script runs without being listed here. mpi.sh
# needs mpirun and is registered with the MPI tests; the slow ones are left out of the sanitizer
# run. tests/regression compares every output file with the tree before the concept-folder move.
file(GLOB _cli_scripts RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/cli/*.sh)
set(_cli_slow tutorial.sh)
foreach(script IN LISTS _cli_scripts)
  if(script STREQUAL "lib.sh" OR script STREQUAL "mpi.sh")
    continue()
  endif()
  string(REGEX REPLACE "\\.sh$" "" name ${script})
  add_test(NAME cli.${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${script} $<TARGET_FILE_DIR:tm-fit>
                   ${PROJECT_SOURCE_DIR})
  if(script IN_LIST _cli_slow)
    set_tests_properties(cli.${name} PROPERTIES LABELS "cli;slow" TIMEOUT 900)
  else()
    set_tests_properties(cli.${name} PROPERTIES LABELS cli TIMEOUT 600)
  endif()
endforeach()
# Byte-identical outputs: the digests hold for the Release build only (see the script).
add_test(NAME regression.outputs
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/regression/outputs.sh $<TARGET_FILE_DIR:tm-fit>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(regression.outputs PROPERTIES LABELS "cli;slow" TIMEOUT 600)
