#!/usr/bin/env bash
# What fault injection costs: a sweep of N runs against N+1 traced runs of
# the same program, and a trace with an injection that never fires against
# the same trace without it.
#
#   bench/inject.sh BUILD_DIR         (after: cmake --build BUILD_DIR)
#
# Knobs (environment): RUNS (rounds of the alternating timings, 5), JOBS
# (sweep --jobs, 1: a run at a time, so that the ratio is the overhead of
# the sweep itself). The workload is bench/file_loop with one round: it
# creates 100 files with one write each, then reads them back once.
set -euo pipefail

build=${1:?usage: bench/inject.sh BUILD_DIR}
build=$(cd "$build" && pwd)
syspect=$build/harness/cli/syspect
loop=$build/bench/file_loop
runs=${RUNS:-5}
jobs=${JOBS:-1}
[ -x "$syspect" ] || { echo "no syspect at $syspect: build first" >&2; exit 2; }
work=$(mktemp -d /tmp/syspect-inject-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# seconds COMMAND...: wall-clock seconds of one run.
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  calc "$t1 - $t0"
}
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

cmd=("$loop" "$work/files" 1)
never=999999999

# 1. One traced run as a sweep makes it (-y, only write stopping), and the sweep.
one=()
for ((i = 0; i < runs; i++)); do
  one+=("$(seconds "$syspect" trace -o /dev/null -y -e trace=none -e inject=write:error=EIO:when=$never -- "${cmd[@]}")")
done
one_s=$(printf '%s\n' "${one[@]}" | median)
t0=$(date +%s.%N)
"$syspect" sweep --jobs "$jobs" --report json --report-file "$work/sweep.json" -e inject=write:error=EIO -- "${cmd[@]}" || true
t1=$(date +%s.%N)
sweep_s=$(calc "$t1 - $t0")
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["calls"])' "$work/sweep.json")
printf 'sweep: %d runs + the clean one in %.3fs; one traced run %.4fs; sweep / ((N+1) x one run) = %.2f\n' \
  "$n" "$sweep_s" "$one_s" "$(calc "$sweep_s / (($n + 1) * $one_s)")"

# 2. An injection that never fires, with every call traced and under a filter.
for filter in all openat; do
  base=() inj=()
  for ((i = 0; i < runs; i++)); do
    base+=("$(seconds "$syspect" trace -o /dev/null -e trace=$filter -- "$loop" "$work/files" 20)")
    inj+=("$(seconds "$syspect" trace -o /dev/null -e trace=$filter -e inject=write:error=EIO:when=$never -- "$loop" "$work/files" 20)")
  done
  b=$(printf '%s\n' "${base[@]}" | median)
  j=$(printf '%s\n' "${inj[@]}" | median)
  printf 'trace=%s: without injection %.4fs, with one that never fires %.4fs (x%.3f)\n' "$filter" "$b" "$j" \
    "$(calc "$j / $b")"
done
