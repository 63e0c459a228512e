#!/usr/bin/env bash
# Installs the Debian packages syspect needs to build and test.
set -euo pipefail

packages=(
  build-essential cmake ninja-build g++ clang python3 pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libseccomp-dev
  libre2-dev      # users' regexes: RE2 matches in time linear in the text
  libdw-dev       # stack traces (-k): elfutils' unwinder and symbol tables
  libgtest-dev libgmock-dev
  strace          # the reference the differential tests compare against
  dpkg-dev        # dpkg-shlibdeps: the Debian package's Depends (cpack -G DEB)
  libxml2-utils   # xmllint: the JUnit report test validates against a schema
  # The everyday commands the differential test traces beside strace
  procps iproute2 xz-utils bzip2 zstd file bsdextrautils sqlite3 openssl git
)

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "ci/setup.sh: run as root (or install sudo) to install: ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "ci/setup.sh: packages installed"
