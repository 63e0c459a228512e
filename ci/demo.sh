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
echo "== A check that passes: syspect check examples/greet/greet.toml -- build/examples/greet examples/greet/greet.conf"
build/harness/cli/syspect check examples/greet/greet.toml -- build/examples/greet examples/greet/greet.conf

echo
echo "== A check that fails, and its report (exit status 1):"
echo "== syspect check examples/greet/greet-fails.toml -- build/examples/greet examples/greet/greet.conf"
status=0
build/harness/cli/syspect check examples/greet/greet-fails.toml -- build/examples/greet examples/greet/greet.conf || status=$?
if [ "$status" -ne 1 ]; then
  echo "demo: the failing check exited with $status, not 1" >&2
  exit 1
fi
echo
echo "== That is what a failure looks like: each rule that did not hold, what it required,"
echo "== and the calls that came nearest. 'syspect --help' lists the commands."
