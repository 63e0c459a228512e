#!/usr/bin/env bash
# Runs one test of start_error_probe and judges its output: the failure is
# reported at the probe's line marked MARK, with MESSAGE, and nothing else
# fails ("unknown file", or the line after the trace being reached).
#   check_start_error.sh PROBE SOURCE FILTER MARK MESSAGE [WRAPPER...]
set -u
probe=$1 source=$2 filter=$3 mark=$4 message=$5
shift 5
line=$(grep -n -- "$mark" "$source" | cut -d: -f1)
[ -n "$line" ] || { echo "no line marked $mark in $source"; exit 1; }
out=$("$@" "$probe" --gtest_filter="$filter" 2>&1)
status=0
fail() { echo "FAIL: $1"; status=1; }
grep -q -- "start_error_probe.cpp:$line: Failure" <<<"$out" || fail "no failure at start_error_probe.cpp:$line"
grep -q -F -- "$message" <<<"$out" || fail "the failure does not say: $message"
grep -q "unknown file" <<<"$out" && fail "a failure at 'unknown file'"
grep -q "reached the line after" <<<"$out" && fail "the test went on after the trace"
grep -q "1 FAILED TEST" <<<"$out" || fail "the probe did not fail exactly one test"
[ $status -eq 0 ] || { echo "--- output ---"; echo "$out"; }
exit $status
