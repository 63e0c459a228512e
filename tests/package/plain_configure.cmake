# Configures syspect as a user would (`cmake -S . -B b -DCMAKE_BUILD_TYPE=Release`,
# no other option) and fails unless that build treats warnings as warnings.
file(REMOVE_RECURSE ${BINARY_DIR})
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -G ${GENERATOR}
          -DCMAKE_BUILD_TYPE=Release -DSYSPECT_BUILD_TESTS=OFF -DSYSPECT_BUILD_EXAMPLES=OFF
          -DSYSPECT_BUILD_BENCH=OFF
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "a plain configure failed:\n${out}")
endif()
file(READ ${BINARY_DIR}/compile_commands.json commands)
string(FIND "${commands}" "-Werror" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "a plain build compiles with -Werror; warnings must be errors only "
                      "where CI or a developer asks (-DSYSPECT_WERROR=ON)")
endif()
file(REMOVE_RECURSE ${BINARY_DIR})
message(STATUS "a plain Release configure compiles without -Werror")
