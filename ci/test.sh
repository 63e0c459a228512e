#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, builds syspect with g++ and
# clang++ (warnings are errors), and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh

# clang must build it too: compile everything (unoptimised, to keep CI short),
# run the suite once, with the g++ build.
CC=clang CXX=clang++ bash ci/build.sh build-clang -DSYSPECT_WERROR=ON -DSYSPECT_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug
CC=gcc CXX=g++ bash ci/build.sh build -DSYSPECT_WERROR=ON -DSYSPECT_BUILD_TESTS=ON

ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300
