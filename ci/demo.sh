#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine, builds syspect, and traces
# the bundled example program.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
bash ci/build.sh build -DSYSPECT_BUILD_TESTS=OFF

echo
echo "== syspect trace -e trace=openat,read,write,close -- build/examples/greet examples/greet/greet.conf"
build/harness/cli/syspect trace -e trace=openat,read,write,close -- build/examples/greet examples/greet/greet.conf

echo
echo "== syspect check examples/greet/greet.toml -- build/examples/greet examples/greet/greet.conf"
build/harness/cli/syspect check examples/greet/greet.toml -- build/examples/greet examples/greet/greet.conf
