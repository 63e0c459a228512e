#!/usr/bin/env bash
# Configures and builds syspect. Usage: ci/build.sh [BUILD_DIR] [extra cmake args...]
# CXX/CC choose the compiler (g++ by default; CXX=clang++ CC=clang for clang).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
shift || true
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
