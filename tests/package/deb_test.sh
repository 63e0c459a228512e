#!/usr/bin/env bash
# deb_test.sh BUILD_DIR WORK_DIR CONSUMER_DIR
#
# Builds the Debian package from a built tree (cpack -G DEB), reads its
# control fields and files, unpacks it into a scratch root (dpkg -x) and
# runs `syspect trace -- /bin/true` from there; then configures the
# consumer project against the unpacked CMake package.
set -euo pipefail
build=$1 work=$2 consumer=$3

fail() { echo "deb_test.sh: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || fail "$tool is missing (Debian package dpkg-dev or cmake; ci/setup.sh installs them)"
done

rm -rf "$work"
mkdir -p "$work"
# The tree is packaged as it is, as package.install installs it (ctest runs
# after the build).
if ! (cd "$build" && cpack -G DEB -B "$work") >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
deb="$work/syspect_${version}_amd64.deb"
[ -f "$deb" ] || { ls -l "$work" >&2; fail "no $deb"; }

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = syspect ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
# Computed from the binaries by dpkg-shlibdeps: what /usr/bin/syspect links.
for lib in libc6 libstdc++6 libgcc-s1 libseccomp2 libfmt libre2 libtomlplusplus; do
  [[ ",$depends" == *[\ ,]"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
echo "Depends: $depends"

root="$work/root"
dpkg -x "$deb" "$root"
for f in usr/bin/syspect usr/include/syspect/gtest.hpp usr/include/syspect/tracer.hpp \
         usr/include/syspect/checker.hpp usr/lib/libsyspect_tracer.a usr/lib/libsyspect_expectations.a \
         usr/lib/libsyspect_gtest.a usr/lib/cmake/syspect/syspectConfig.cmake \
         usr/lib/cmake/syspect/syspectTargets.cmake usr/lib/cmake/syspect/syspectCheck.cmake \
         usr/share/bash-completion/completions/syspect; do
  [ -e "$root/$f" ] || { (cd "$root" && find . -type f) >&2; fail "the package has no /$f"; }
done

# The packaged completion offers the packaged command's verbs.
bash -c 'source "$1"; COMP_WORDS=("$2" rec); COMP_CWORD=1; _syspect; [ "${COMPREPLY[*]}" = record ]' _ \
  "$root/usr/share/bash-completion/completions/syspect" "$root/usr/bin/syspect" ||
  fail "the packaged bash completion does not complete 'rec' to 'record'"

# The command from the package, nothing from the build tree.
status=0
"$root/usr/bin/syspect" trace -- /bin/true 2>"$work/trace.txt" || status=$?
[ "$status" -eq 0 ] || { cat "$work/trace.txt" >&2; fail "syspect trace -- /bin/true exited $status"; }
grep -q '^execve("/bin/true", \["/bin/true"\]' "$work/trace.txt" || { cat "$work/trace.txt" >&2; fail "no execve line"; }
grep -q '^+++ exited with 0 +++$' "$work/trace.txt" || { cat "$work/trace.txt" >&2; fail "no exit line"; }

# The CMake package works from where it was unpacked: its imported targets,
# the command among them, are found relative to it.
if ! cmake -S "$consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$root/usr" >"$work/consumer.log" 2>&1; then
  cat "$work/consumer.log" >&2
  fail "a consumer cannot configure against the unpacked package"
fi
grep -q "$root/usr/bin/syspect" "$work/consumer/CTestTestfile.cmake" ||
  fail "the consumer's checks do not run the packaged syspect"
echo "deb_test.sh: $deb builds, unpacks and traces"
