add_test(NAME cli.placeholder COMMAND ${CMAKE_COMMAND} -E true)
