# syspect_add_check(<name> SPEC <file.toml>
#                   [COMMAND <cmd> <args>...]
#                   [WORKING_DIRECTORY <dir>]
#                   [TIMEOUT <seconds>])
#
# Registers a ctest test <name> that runs `syspect check` on an expectation
# file: the test passes when every rule of the spec holds. It writes a JUnit
# report to <build>/syspect/<name>.junit.xml (for CI test tabs) and prints
# the text report, so that `ctest --output-on-failure` shows why a check
# failed. A relative SPEC is taken from the current source directory.
# COMMAND replaces the spec's [run] command; when its first word is a
# target of the project, that target's file is run. TIMEOUT is ctest's
# TIMEOUT property. The test carries the label "syspect" (ctest -L syspect).
#
# The syspect command is the package's: syspect::syspect, the installed
# binary after find_package(syspect), or the one built beside the project
# after add_subdirectory().
function(syspect_add_check name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "SPEC;WORKING_DIRECTORY;TIMEOUT" "COMMAND")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "syspect_add_check(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SPEC)
    message(FATAL_ERROR "syspect_add_check(${name}): SPEC <file.toml> is required")
  endif()
  if(NOT TARGET syspect::syspect)
    message(FATAL_ERROR "syspect_add_check(${name}): the syspect command (target syspect::syspect) "
                        "is not defined: use find_package(syspect) or add_subdirectory() on syspect first")
  endif()
  cmake_path(ABSOLUTE_PATH arg_SPEC BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
             OUTPUT_VARIABLE spec)
  if(NOT EXISTS "${spec}")
    message(FATAL_ERROR "syspect_add_check(${name}): no spec file '${spec}'")
  endif()

  set(report_dir "${CMAKE_BINARY_DIR}/syspect")
  file(MAKE_DIRECTORY "${report_dir}")
  set(check_args check "${spec}" --report junit --report-file "${report_dir}/${name}.junit.xml"
                 --also-text)
  if(arg_COMMAND)
    list(POP_FRONT arg_COMMAND program)
    if(TARGET "${program}")
      set(program "$<TARGET_FILE:${program}>")
    endif()
    list(APPEND check_args -- "${program}" ${arg_COMMAND})
  endif()

  set(working_directory "")
  if(arg_WORKING_DIRECTORY)
    set(working_directory WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  endif()
  add_test(NAME ${name} COMMAND "$<TARGET_FILE:syspect::syspect>" ${check_args} ${working_directory})
  set_property(TEST ${name} APPEND PROPERTY LABELS syspect)
  if(arg_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT})
  endif()
endfunction()
