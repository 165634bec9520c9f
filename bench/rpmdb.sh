#!/bin/bash
# Benchmark: list every file (path, mode, digest) of an rpmdb of ~400 packages
# and ~40,000 files, with libocigate (tests/tools/pkgdump) and with rpm itself.
#
#   bench/rpmdb.sh [BUILD_DIR] [ROUNDS]
#
# The database is made once by bench/rpmtree.sh (rpmbuild of one spec with 400
# subpackages of 100 files each, rpm --justdb) under BUILD_DIR/bench-rpmdb.
# Rounds are interleaved; prints the medians, the ratio and the peak RSS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=$(cd "${1:-build}" && pwd)
rounds=${2:-5}
pkgdump=$build/tests/pkgdump
work=$build/bench-rpmdb
root=$work/rpm400-sqlite
db=$root/var/lib/rpm/rpmdb.sqlite

[ -x "$pkgdump" ] || { echo "build first: $pkgdump missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

bash "$(dirname "$0")/rpmtree.sh" "$work"

cpu_ms() { awk '{ printf "%d", ($2 + $3) * 1000 }' "$work/rss"; }
declare -a t_og t_rpm c_og c_rpm
rss_og=0
rss_rpm=0
for r in $(seq 1 "$rounds"); do
  a=$(now_ns)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$pkgdump" rpmdb --files "$db" >/dev/null
  b=$(now_ns)
  t_og+=($(((b - a) / 1000000)))
  c_og+=($(cpu_ms))
  m=$(cut -d' ' -f1 "$work/rss"); [ "$m" -gt "$rss_og" ] && rss_og=$m
  a=$(now_ns)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" rpm --root "$root" --dbpath /var/lib/rpm \
    --define '_db_backend sqlite' -qa \
    --qf '[%{FILENAMES} %{FILEMODES} %{FILEDIGESTS}\n]' >/dev/null
  b=$(now_ns)
  t_rpm+=($(((b - a) / 1000000)))
  c_rpm+=($(cpu_ms))
  m=$(cut -d' ' -f1 "$work/rss"); [ "$m" -gt "$rss_rpm" ] && rss_rpm=$m
done

mo=$(median "${t_og[@]}")
mr=$(median "${t_rpm[@]}")
files=$("$pkgdump" rpmdb --files "$db" | wc -l)
pkgs=$("$pkgdump" rpmdb "$db" | wc -l)
echo "rpmdb: $pkgs packages, $files files, $(du -k "$db" | cut -f1) KiB ($rounds rounds, interleaved)"
co=$(median "${c_og[@]}")
cr=$(median "${c_rpm[@]}")
echo "ocigate pkgdump: wall median ${mo} ms, cpu median ${co} ms, peak RSS $((rss_og / 1024)) MiB  (wall: ${t_og[*]})"
echo "rpm -qa --qf:    wall median ${mr} ms, cpu median ${cr} ms, peak RSS $((rss_rpm / 1024)) MiB  (wall: ${t_rpm[*]})"
echo "ratio ocigate/rpm: wall $(ratio "$mo" "$mr")x, cpu $(ratio "$co" "$cr")x (target <= 0.5x, RSS <= 64 MiB)"
