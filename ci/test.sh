#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, builds syspect twice and runs
# the whole test suite (ctest) in both builds:
#  - g++, Release (-O3, where g++ warns most), warnings are errors: the
#    build people ship;
#  - clang++, Debug, ASan + UBSan (any report fails the test that caused it), with
#    the libFuzzer targets, each fuzzed for a bounded time over its corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh

CC=gcc CXX=g++ bash ci/build.sh build -DCMAKE_BUILD_TYPE=Release -DSYSPECT_WERROR=ON \
  -DSYSPECT_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300

# Unoptimised (with assertions on): under ASan, -O2 doubles the compile time
# of the clang build, which is most of what this second run costs.
CC=clang CXX=clang++ bash ci/build.sh build-clang -DSYSPECT_WERROR=ON -DSYSPECT_BUILD_TESTS=ON \
  -DCMAKE_BUILD_TYPE=Debug -DSYSPECT_SANITIZE=address,undefined -DSYSPECT_BUILD_FUZZERS=ON

# Sanitized programs that syspect traces (trace_function's forked children,
# the C++ example kvdump) cannot run LeakSanitizer: it stops the world with
# ptrace, which a traced process may not. Leaks are not checked; everything
# else ASan and UBSan catch is. handle_segv=0: a program that crashes on
# purpose (TraceFunction.Crash) must die by its signal, as unsanitized.
export ASAN_OPTIONS=detect_leaks=0:handle_segv=0
export UBSAN_OPTIONS=print_stacktrace=1
# Left out of the sanitized run only (the g++ run above has them all):
#  - label "package": they configure and build syspect again from scratch,
#    which under the sanitizers doubles CI's time and tests nothing new;
#  - label "bench": the benchmark's smoke run, about speed;
#  - label "strace_suite": strace's decoder tests, about the text, which the
#    first run has measured;
#  - fidelity.filter_*: strace's display filters compared line for line
#    with --exact, where a process is named by the order its pid first
#    appears; under the sanitizers syspect is several times slower, a
#    child's lines interleave with its parent's otherwise than under
#    strace, and the names no longer line up (the g++ run compares them);
#  - TraceFunction.UncaughtException and .ExitInsideTheFunction trace the
#    test's own, sanitized code up to a call that does not return, before
#    which ASan inserts a sigaltstack call of its own: the exact list of
#    calls those tests expect cannot hold.
ctest --test-dir build-clang --output-on-failure --parallel "$(nproc)" --timeout 600 \
  --label-exclude 'package|bench|strace_suite' \
  --exclude-regex '^gtest\.TraceFunction\.(UncaughtException|ExitInsideTheFunction)$|^fidelity\.filter_'
