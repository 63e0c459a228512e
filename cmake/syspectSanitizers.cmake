# Build options for finding bugs rather than shipping: sanitizers and
# libFuzzer instrumentation. Included by the top-level CMakeLists.txt before
# any target is defined, so that every target gets the flags.
#
#   -DSYSPECT_SANITIZE=address,undefined   ASan + UBSan on all C++ code
#   -DSYSPECT_BUILD_FUZZERS=ON             the libFuzzer targets in tests/fuzz (clang only)
#
# Only C++ is instrumented. The tracee programs are C (tests/*/targets,
# examples, bench): the sanitizer runtimes make syscalls of their own at
# startup and exit (mmap, readlink of /proc/self/exe, sigaltstack, ...), and
# the tests count the tracees' syscalls exactly, so the tracees stay plain.

set(SYSPECT_SANITIZE "" CACHE STRING
    "Sanitizers for all C++ code, as for -fsanitize= (e.g. address,undefined); empty for none")
option(SYSPECT_BUILD_FUZZERS "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)

if(SYSPECT_SANITIZE)
  foreach(flag IN ITEMS -fsanitize=${SYSPECT_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:${flag}>)
    add_link_options($<$<LINK_LANGUAGE:CXX>:${flag}>)
  endforeach()
endif()

if(SYSPECT_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(WARNING "SYSPECT_BUILD_FUZZERS needs clang (libFuzzer); the fuzzers are not built")
    set(SYSPECT_BUILD_FUZZERS OFF CACHE BOOL "" FORCE)
  else()
    # Coverage instrumentation for the code under test (the libraries): the
    # fuzzers themselves link with -fsanitize=fuzzer (tests/fuzz).
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link>)
    add_link_options($<$<LINK_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link>)
  endif()
endif()
