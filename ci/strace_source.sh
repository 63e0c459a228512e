#!/usr/bin/env bash
# Fetches the source package of the installed strace from the Debian archive
# the machine already uses (a deb-src line for the same archive, in a private
# apt configuration: the system's sources are left alone), unpacks it into
# DEST/strace-VERSION and configures it, so that its tests/*.c decoder test
# programs can be built (tests/strace_suite/run.py).
#
#   ci/strace_source.sh DEST     prints the configured source directory
#
# Exit status 77 (skipped) when strace is not installed or its source cannot
# be fetched (no network, no Debian archive configured), with the reason on
# stderr; 1 on any other failure.
set -euo pipefail

dest=${1:?usage: ci/strace_source.sh DEST}
skip() { echo "ci/strace_source.sh: $*" >&2; exit 77; }

command -v dpkg-query >/dev/null || skip "no dpkg: not a Debian system"
version=$(dpkg-query -W -f='${Version}' strace 2>/dev/null) || skip "strace is not installed"
upstream=${version%%-*}
upstream=${upstream#*:}
src="$dest/strace-$upstream"
if [ -f "$src/tests/Makefile" ]; then
  echo "$src"
  exit 0
fi
command -v dpkg-source >/dev/null || skip "dpkg-source (package dpkg-dev) is not installed"

# The archive and suite of the first Debian main component the machine
# uses, in either sources format.
read -r uri suite < <(
  { grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      awk '$0 ~ / main/ { print $2, $3 }' || true
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk 'BEGIN { RS = ""; FS = "\n" }
           /Types:[^\n]*deb/ && /Components:[^\n]*main/ {
             u = ""; s = ""
             for (i = 1; i <= NF; i++) {
               if ($i ~ /^URIs:/) { split($i, a, " "); u = a[2] }
               if ($i ~ /^Suites:/) { split($i, a, " "); s = a[2] }
             }
             if (u != "" && s != "") print u, s
           }' "$f"
    done
  } | grep -v security | head -n 1) || true
[ -n "${uri:-}" ] || skip "no Debian archive with a main component in the apt sources"

work="$dest/apt"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$dest"
echo "deb-src $uri $suite main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
          -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" -qq update >&2 || skip "cannot fetch the source index from $uri $suite"
(cd "$dest" && apt-get "${apt_opts[@]}" -qq source --download-only "strace=$version" >&2) ||
  skip "cannot fetch the source of strace $version from $uri $suite"
rm -rf "$src"
(cd "$dest" && dpkg-source --no-check -x "strace_${version#*:}.dsc" "strace-$upstream" >&2)
(cd "$src" && ./configure --enable-mpers=no --disable-gcc-Werror >"$dest/configure.log" 2>&1) || {
  echo "ci/strace_source.sh: configure failed, see $dest/configure.log" >&2
  exit 1
}
echo "$src"
