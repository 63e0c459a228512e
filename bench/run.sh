#!/usr/bin/env bash
# syspect's benchmark: syspect against strace 6 and against the untraced
# program, on the same workloads, in the same run, alternating (each round
# runs every variant once, in turn), medians over RUNS rounds and ratios.
#
#   bench/run.sh BUILD_DIR            (after: cmake --build BUILD_DIR)
#
# Knobs (environment): RUNS (5), LOOP (getppid calls, 200000), ROUNDS (file
# loop rounds over 100 files, 100), PROCS/THREADS/CALLS (fork/exec + threads:
# 20, 8, 2000), MODES ("full pinned filtered allowlist startup memory"),
# MEMORY_CALLS ("1000000 4000000"), WORKLOADS ("loop files fork find tar"),
# MODES=stacks (not in the default list: strace -k is slow) with STACK_RUNS
# (3) and STACK_WORKLOADS ("ls finddoc": ls -la /usr/bin, find
# /usr/share/doc -type f; also "loop", LOOP getppid calls),
# FIND_DIR (/usr/share), TAR_DIR (usr/include, relative to /).
# Times are wall-clock seconds; RSS is the peak resident size in MiB of the
# largest process of the run (the tracer, unless the traced program itself
# is larger: the untraced column shows the program's own).
set -euo pipefail

build=${1:?usage: bench/run.sh BUILD_DIR}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
syspect=$build/harness/cli/syspect
b=$build/bench
runs=${RUNS:-5}
loop=${LOOP:-200000}
rounds=${ROUNDS:-100}
procs=${PROCS:-20}; threads=${THREADS:-8}; calls=${CALLS:-2000}
modes=${MODES:-full pinned filtered allowlist startup memory}
memory_calls=${MEMORY_CALLS:-1000000 4000000}
[ -x "$syspect" ] || { echo "no syspect at $syspect: build first" >&2; exit 2; }
command -v strace >/dev/null || { echo "strace is not installed" >&2; exit 2; }

work=$(mktemp -d /tmp/syspect-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cpu=$(cut -d' ' -f39 /proc/self/stat)

declare -A workload=(
  [loop]="$b/syscall_loop $loop"
  [files]="$b/file_loop $work/files $rounds"
  [fork]="$b/fork_threads $procs $threads $calls"
  [find]="find ${FIND_DIR:-/usr/share} -type f"
  [tar]="sh -c 'tar -C / -cf - ${TAR_DIR:-usr/include} | cat >/dev/null'"
)
read -r -a order <<<"${WORKLOADS:-loop files fork find tar}"

# The allowlist: everything these workloads do, so no violation.
cat >"$work/allow.toml" <<'TOML'
version = 1
[policy]
allow = ["@file", "@desc", "@memory", "@process", "@signal", "@stat", "@lstat", "@fstat",
         "@statfs", "@fstatfs", "@creds", "@clock", "@ipc", "@pure",
         "getppid", "getrandom", "rseq", "set_robust_list", "set_tid_address", "prlimit64",
         "arch_prctl", "futex", "sched_getaffinity", "sched_yield", "getdents64", "ioctl",
         "sysinfo", "uname", "getpgrp", "setpgid", "getpid", "getcwd", "wait4", "brk", "mprotect"]
TOML

# A spec about openat only (it never fails): what "filtered" checks.
cat >"$work/openat.toml" <<'TOML'
version = 1
[[forbid]]
name = "never opens this"
syscall = "openat"
args = { pathname = "/nonexistent/syspect-bench" }
TOML

# run VARIANT_CMD: prints "SECONDS KIB"
run_one() {
  "$b/rss_of" sh -c "$1" || true
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} m=int((NR+1)/2); if (NR%2) print a[m]; else print (a[m]+a[m+1])/2}'; }

# bench TITLE NAME=CMD... ; ratios: RATIO="A/B A/C"
bench() {
  local title=$1; shift
  local names=() cmds=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    names+=("${1%%=*}"); cmds+=("${1#*=}"); shift
  done
  shift || true
  local ratios=("$@")
  local i r
  for ((r = 0; r < runs; r++)); do
    for i in "${!names[@]}"; do
      run_one "${cmds[$i]}" >>"$work/${names[$i]}.t"
    done
  done
  local line="$title"
  declare -A med=()
  for i in "${!names[@]}"; do
    med[${names[$i]}]=$(awk '{print $1}' "$work/${names[$i]}.t" | median)
    local rss
    rss=$(awk '{print $2}' "$work/${names[$i]}.t" | median)
    line+=$(printf " | %s %.3fs %.1fMiB" "${names[$i]}" "${med[${names[$i]}]}" "$(echo "$rss" | awk '{print $1/1024}')")
  done
  local ra
  for ra in "${ratios[@]}"; do
    local a=${ra%/*} c=${ra#*/}
    line+=$(awk -v x="${med[$a]}" -v y="${med[$c]}" -v n="$ra" 'BEGIN {printf " | %s %.2f", n, x/y}')
  done
  echo "$line"
  rm -f "$work"/*.t
}

echo "# syspect benchmark: $(date -u +%FT%TZ), $(nproc) CPUs, $(uname -r), $(strace -V | head -1), runs=$runs"
echo "# loop=$loop rounds=$rounds procs=$procs threads=$threads calls=$calls find=${FIND_DIR:-/usr/share} tar=${TAR_DIR:-usr/include} load=$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $modes; do
  case $mode in
    full)
      echo "## full trace, defaults: syspect trace -o /dev/null vs strace -f -o /dev/null;"
      echo "## floor = ptrace_floor --same-cpu: a tracer that stops at every call and decodes nothing, on one CPU with its tracees as syspect places them (the least a full trace costs here)"
      for w in "${order[@]}"; do
        bench "$w" untraced="${workload[$w]}" \
          syspect="$syspect trace -o /dev/null -- ${workload[$w]}" \
          strace="strace -f -o /dev/null ${workload[$w]}" \
          floor="$b/ptrace_floor --same-cpu ${workload[$w]}" -- syspect/strace syspect/untraced floor/strace
      done ;;
    pinned)
      echo "## full trace, both pinned to CPU $cpu (taskset)"
      for w in "${order[@]}"; do
        bench "$w" syspect="taskset -c $cpu $syspect trace --cpu=same -o /dev/null -- ${workload[$w]}" \
          strace="taskset -c $cpu strace -f -o /dev/null ${workload[$w]}" -- syspect/strace
      done
      echo "## full trace, syspect without pinning (--cpu=none) vs strace, both unpinned"
      for w in "${order[@]}"; do
        bench "$w" syspect="$syspect trace --cpu=none -o /dev/null -- ${workload[$w]}" \
          strace="strace -f -o /dev/null ${workload[$w]}" -- syspect/strace
      done ;;
    filtered)
      echo "## filtered on openat: syspect trace -e trace=openat, and syspect check of a spec about openat only, vs strace -f --seccomp-bpf -e trace=openat"
      for w in "${order[@]}"; do
        bench "$w" untraced="${workload[$w]}" \
          syspect="$syspect trace -e trace=openat -o /dev/null -- ${workload[$w]}" \
          spec="$syspect check $work/openat.toml -- ${workload[$w]}" \
          strace="strace -f --seccomp-bpf -e trace=openat -o /dev/null ${workload[$w]}" \
          -- syspect/untraced spec/untraced strace/untraced syspect/strace
      done ;;
    allowlist)
      echo "## allowlist check, no violations: syspect check vs untraced; 'none' = trace -e trace=none (the filter's floor)"
      for w in "${order[@]}"; do
        bench "$w" untraced="${workload[$w]}" \
          check="$syspect check $work/allow.toml -- ${workload[$w]}" \
          none="$syspect trace -e trace=none -o /dev/null -- ${workload[$w]}" \
          -- check/untraced none/untraced
      done ;;
    startup)
      echo "## start-up: /bin/true (medians of $((runs * 4)) runs)"
      runs=$((runs * 4)) bench true untraced="/bin/true" syspect="$syspect trace -o /dev/null -- /bin/true" \
        strace="strace -f -o /dev/null /bin/true" -- syspect/strace ;;
    stacks)
      # strace -k takes about 3 ms a call: STACK_RUNS rounds (3), on
      # workloads of their own (STACK_WORKLOADS).
      echo "## stack traces: syspect trace -k vs strace -f -k (both -o /dev/null); check -k of the allowlist (nothing unwound)"
      declare -A stack_workload=([ls]="ls -la /usr/bin" [finddoc]="find /usr/share/doc -type f"
                                 [loop]="$b/syscall_loop $loop")
      read -r -a stack_order <<<"${STACK_WORKLOADS:-ls finddoc}"
      for w in "${stack_order[@]}"; do
        runs=${STACK_RUNS:-3} bench "$w" untraced="${stack_workload[$w]}" \
          syspect="$syspect trace -o /dev/null -- ${stack_workload[$w]}" \
          syspect_k="$syspect trace -k -o /dev/null -- ${stack_workload[$w]}" \
          check_k="$syspect check -k $work/allow.toml -- ${stack_workload[$w]}" \
          strace_k="strace -f -k -o /dev/null ${stack_workload[$w]}" -- syspect_k/strace_k syspect_k/syspect
      done
      echo "## stack traces: peak RSS of syspect trace -k over N getppid calls (1 run each)"
      for n in $memory_calls; do
        runs=1 bench "calls=$n" trace_k="$syspect trace -k -o /dev/null -- $b/syscall_loop $n" \
          trace="$syspect trace -o /dev/null -- $b/syscall_loop $n" --
      done ;;
    memory)
      echo "## memory: peak RSS of the tracer over N getppid calls (1 run each)"
      for n in $memory_calls; do
        runs=1 bench "calls=$n" check="$syspect check $work/allow.toml -- $b/syscall_loop $n" \
          trace="$syspect trace -o /dev/null -- $b/syscall_loop $n" --
      done ;;
  esac
done
