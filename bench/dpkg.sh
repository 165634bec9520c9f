#!/bin/bash
# How long the dpkg reader takes to read a Debian tree's status and every
# info/*.list (and .md5sums) file, against what a user would otherwise run:
# dpkg-query -S, which also reads the status and every .list file.
# Interleaved rounds; prints the medians and the ratio (ours / dpkg-query).
#   usage: bench/dpkg.sh [ROOT] [ROUNDS]   (default /work/cache/minbase, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root=${1:-/work/cache/minbase}
rounds=${2:-5}
admin="$root/var/lib/dpkg"
tool=build/tests/pkgdump-text
[ -x "$tool" ] || bash scripts/build.sh
npkg=$("$tool" dpkg-status "$admin/status" | wc -l)
nfiles=$("$tool" dpkg-status "$admin/status" --files | grep -c $'^\t')
echo "tree: $root ($npkg installed packages, $nfiles file entries)"

now () { local t=${EPOCHREALTIME/[.,]/}; echo "${t}000"; }  # ns, without forking date
ours=() theirs=()
for ((i = 0; i < rounds; i++)); do
  t0=$(now); "$tool" dpkg-status "$admin/status" --files > /dev/null; t1=$(now)
  dpkg-query --admindir="$admin" -S /bin/ls > /dev/null 2>&1 || true; t2=$(now)
  ours+=($(( (t1 - t0) / 1000 ))) theirs+=($(( (t2 - t1) / 1000 )))
done
mo=$(median "${ours[@]}"); mt=$(median "${theirs[@]}")
echo "pkgdump-text dpkg-status --files: median ${mo} us (${ours[*]})"
echo "dpkg-query -S /bin/ls:            median ${mt} us (${theirs[*]})"
echo "ratio ours/dpkg-query: $(ratio "$mo" "$mt")x (target <= 1.0x)"
