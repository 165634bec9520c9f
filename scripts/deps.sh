#!/bin/bash
# Install exactly what ocigate needs on Debian 12, only when something is missing.
#   scripts/deps.sh build   - to build
#   scripts/deps.sh test    - to build and run the whole test suite
#   scripts/deps.sh demo    - to build and run the demo
set -euo pipefail

build_pkgs=(meson ninja-build pkg-config gcc libc6-dev
  libarchive-dev libyajl-dev libjansson-dev libseccomp-dev libcap-dev libsqlite3-dev libssl-dev
  zlib1g-dev
  libcmocka-dev)
# Real tools that make the fixtures and act as oracles in the tests (the .deb
# of tests/integration/packaging.sh needs dpkg-buildpackage, debhelper and
# lintian; bash-completion says where completions go; logrotate checks its file).
test_pkgs=(clang libclang-rt-14-dev libcap2-bin rpm db5.3-util debootstrap busybox-static python3 python3-jsonschema jq time
  runc crun podman skopeo uidmap groff-base man-db rsyslog containerd python3-yaml
  build-essential dpkg-dev debhelper lintian bash-completion logrotate)
# The CycloneDX validator of tests/integration/sbom.sh: the npm package
# @cyclonedx/cyclonedx-library and the optional peers its JSON validator loads
# (node and npm come with the machine: nodejs from Debian conflicts with them).
test_npm=(@cyclonedx/cyclonedx-library@10 'ajv@^8.12.0' 'ajv-formats@^3.0.1' 'ajv-formats-draft2019@^1.6.1')
demo_pkgs=(libcap2-bin busybox-static runc python3)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  demo) want+=("${demo_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|demo" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-build}" = test ] && ! [ -d "$(npm root -g)/@cyclonedx/cyclonedx-library" ]; then
  echo "deps: npm install -g ${test_npm[*]}"
  npm install -g --no-audit --no-fund "${test_npm[@]}" >/dev/null
fi
