#!/usr/bin/env bash
# Builds one case of bad_nesting.cpp and judges the compiler's output: the
# build fails, the error is the static_assert's sentence, the case's own line
# is named, and no other error comes from inside gmock.
#   check_bad_nesting.sh CMAKE BUILD_DIR TARGET SOURCE CASE WORDS
set -u
cmake=$1 build=$2 target=$3 source=$4 case=$5 words=$6
line=$(grep -n -A1 -- "defined($case)" "$source" | sed -n 2p | cut -d- -f1)
[ -n "$line" ] || { echo "no case $case in $source"; exit 1; }
out=$("$cmake" --build "$build" --target "$target" 2>&1)
built=$?
status=0
fail() { echo "FAIL: $1"; status=1; }
[ $built -ne 0 ] || fail "the case compiled"
grep -q -F -- "$words" <<<"$out" || fail "the error does not say: $words"
grep -q -- "bad_nesting.cpp:$line:" <<<"$out" || fail "the error does not name bad_nesting.cpp:$line"
errors=$(grep -c "error:" <<<"$out")
[ "$errors" -le 2 ] || fail "$errors errors, not one static assertion"
[ $status -eq 0 ] || { echo "--- output ---"; echo "$out"; }
exit $status
