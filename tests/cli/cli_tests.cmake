# CLI tests: each script runs the apps as a user would and checks exit codes, messages and outputs.
foreach(script IN ITEMS help_version bad_input_fit interrupt outputs signals determinism end_to_end divergence cluster infer online resume select tmc)
  add_test(NAME cli.${script}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${script}.sh $<TARGET_FILE_DIR:tm-fit>
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.${script} PROPERTIES LABELS cli TIMEOUT 600)
endforeach()
# The tutorial, every command as written (slow: left out of the sanitizer run).
add_test(NAME cli.tutorial
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/tutorial.sh $<TARGET_FILE_DIR:tm-fit>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.tutorial PROPERTIES LABELS "cli;slow" TIMEOUT 900)
