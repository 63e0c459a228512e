#!/usr/bin/env bash
# The bash completion as bash uses it: COMP_WORDS split as bash splits them
# (at '=' too), the function called, COMPREPLY judged.
#   completion_test.sh COMPLETION_SCRIPT SYSPECT
set -u
script=$1 syspect=$2
# shellcheck disable=SC1090
source "$script"
status=0
# complete LINE...: the words of a command line, the last one being completed.
complete_words() {
  COMP_WORDS=("$syspect" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _syspect
}
expect() {  # expect WANTED WORD...: WANTED is among the completions
  local wanted=$1
  shift
  complete_words "$@"
  local c
  for c in "${COMPREPLY[@]}"; do [[ $c == "$wanted" ]] && return; done
  echo "FAIL: '$*' does not offer '$wanted' (offers: ${COMPREPLY[*]:0:12})"
  status=1
}
refuse() {  # refuse UNWANTED WORD...
  local unwanted=$1
  shift
  complete_words "$@"
  local c
  for c in "${COMPREPLY[@]}"; do
    [[ $c == "$unwanted" ]] && { echo "FAIL: '$*' offers '$unwanted'"; status=1; }
  done
}
# Every command syspect --help lists.
for cmd in trace check record diff policy coverage; do expect "$cmd" "${cmd:0:2}"; done
expect record rec
# Options of each command, from its own --help.
expect --redact-env record --red
expect --decode-fds trace --dec
expect --stack-trace trace --sta
expect --stack-trace check --sta
expect --stack-trace record --sta
expect --fail-unused coverage --fail
expect --merge policy --me
refuse --merge record --me
# Syscall names and classes after -e trace= (split at '=' by bash), after a
# comma, after '!'.
expect openat trace -e trace = open
expect @file trace -e trace = @fi
expect %network trace -e trace = %net
expect openat,close record -e trace = openat,clo
expect '!write' trace -e trace = '!wri'
expect trace= trace -e tr
# -e inject=SET:ACTION and --inject (bash splits at ':' as well).
expect inject= check -e inj
expect openat trace -e inject = open
expect write record --inject wri
expect error= trace -e inject = write : err
expect sweep swe
expect --shard sweep --sh
# After '--' comes the program.
expect bash trace -- bas
[ $status -eq 0 ] && echo "completion: all cases offered"
exit $status
