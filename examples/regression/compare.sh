#!/bin/sh
# Record version 1 and version 2 of the app and show what changed in their
# syscalls. Usage: compare.sh SYSPECT BUILD_DIR
# (BUILD_DIR holds v1/app and v2/app, each beside its app.conf).
set -u
syspect=$1
dir=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$dir/v1" && "$syspect" record -o "$out/v1.jsonl" -- ./app >/dev/null) || exit 2
(cd "$dir/v2" && "$syspect" record -o "$out/v2.jsonl" -- ./app >/dev/null) || exit 2
# A release compared with itself: nothing to show.
(cd "$dir/v1" && "$syspect" record -o "$out/v1-again.jsonl" -- ./app >/dev/null) || exit 2
if ! "$syspect" diff "$out/v1.jsonl" "$out/v1-again.jsonl"; then
  echo "v1 differs from itself"
  exit 2
fi

"$syspect" diff "$out/v1.jsonl" "$out/v2.jsonl"
status=$?
echo "diff exited with $status"
exit 0
