# syspect_add_test(NAME SOURCES src... [LIBRARIES lib...] [TEST_PREFIX prefix]
#                  [PROPERTIES prop value...])
#
# A GoogleTest executable linked with syspect::gtest and gmock's main, its
# tests registered with ctest one by one (gtest_discover_tests). The tests
# trace real processes, so each gets a timeout (60 s unless PROPERTIES
# says otherwise).
function(syspect_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TEST_PREFIX" "SOURCES;LIBRARIES;PROPERTIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "syspect_add_test(${name}): SOURCES is required")
  endif()
  if(NOT TARGET GTest::gmock_main)
    find_package(GTest REQUIRED)
  endif()
  include(GoogleTest)
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE syspect::gtest GTest::gmock_main ${arg_LIBRARIES})
  gtest_discover_tests(${name} TEST_PREFIX "${arg_TEST_PREFIX}" DISCOVERY_TIMEOUT 30
    PROPERTIES TIMEOUT 60 ${arg_PROPERTIES})
endfunction()
