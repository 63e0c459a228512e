#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, builds syspect with g++ and
# clang++ (warnings are errors), and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh

# clang must build it too: compile everything, run the suite once (g++).
CC=clang CXX=clang++ bash ci/build.sh build-clang -DSYSPECT_WERROR=ON -DSYSPECT_BUILD_TESTS=ON
CC=gcc CXX=g++ bash ci/build.sh build -DSYSPECT_WERROR=ON -DSYSPECT_BUILD_TESTS=ON

ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300
