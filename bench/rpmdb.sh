#!/bin/bash
# Benchmark: list every file (path, mode, digest) of an rpmdb of ~400 packages
# and ~40,000 files, with libocigate (tests/tools/pkgdump) and with rpm itself.
#
#   bench/rpmdb.sh [BUILD_DIR] [ROUNDS]
#
# The database is made once, by rpmbuild (one spec, 400 subpackages of 100
# files each) and rpm --justdb, under BUILD_DIR/bench-rpmdb, and reused.
# Rounds are interleaved; prints the medians, the ratio and the peak RSS.
set -euo pipefail

build=$(cd "${1:-build}" && pwd)
rounds=${2:-5}
pkgdump=$build/tests/pkgdump
work=$build/bench-rpmdb
root=$work/root
db=$root/var/lib/rpm/rpmdb.sqlite
npkgs=400
nfiles=100

[ -x "$pkgdump" ] || { echo "build first: $pkgdump missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

if [ ! -f "$work/.done" ]; then
  rm -rf "$work"
  mkdir -p "$work/rpmbuild" "$root"
  spec=$work/bench.spec
  {
    cat <<HEAD
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _binary_payload w.ufdio
Name: ogbench
Version: 1.0
Release: 1
Summary: ocigate benchmark
License: MIT
BuildArch: noarch
%description
Benchmark packages.
%install
for p in \$(seq 1 $npkgs); do
  for d in 1 2 3 4; do mkdir -p %{buildroot}/usr/share/ogbench/p\$p/d\$d; done
  for f in \$(seq 1 $nfiles); do
    echo "\$p \$f" > %{buildroot}/usr/share/ogbench/p\$p/d\$((f % 4 + 1))/file-\$f.txt
  done
done
%files
HEAD
    for p in $(seq 1 $npkgs); do
      printf '%%package -n ogbench-p%d\nSummary: bench %d\n%%description -n ogbench-p%d\nbench\n' "$p" "$p" "$p"
      printf '%%files -n ogbench-p%d\n/usr/share/ogbench/p%d/d*/*\n' "$p" "$p"
    done
  } >"$spec"
  echo "bench: building $npkgs packages ..." >&2
  rpmbuild --quiet -bb --define "_topdir $work/rpmbuild" --define "_rpmdir $work/rpms" \
    --define '_build_id_links none' "$spec" >"$work/build.log" 2>&1
  rpm --root "$root" --dbpath /var/lib/rpm --define '_db_backend sqlite' --justdb \
    --nodeps --noscripts -i "$work"/rpms/noarch/ogbench-p*.rpm 2>/dev/null
  rm -rf "$work/rpmbuild" "$work/rpms"
  touch "$work/.done"
fi

now() { date +%s%N; }
cpu_ms() { awk '{ printf "%d", ($2 + $3) * 1000 }' "$work/rss"; }
declare -a t_og t_rpm c_og c_rpm
rss_og=0
rss_rpm=0
for r in $(seq 1 "$rounds"); do
  a=$(now)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$pkgdump" rpmdb --files "$db" >/dev/null
  b=$(now)
  t_og+=($(((b - a) / 1000000)))
  c_og+=($(cpu_ms))
  m=$(cut -d' ' -f1 "$work/rss"); [ "$m" -gt "$rss_og" ] && rss_og=$m
  a=$(now)
  /usr/bin/time -f '%M %U %S' -o "$work/rss" rpm --root "$root" --dbpath /var/lib/rpm \
    --define '_db_backend sqlite' -qa \
    --qf '[%{FILENAMES} %{FILEMODES} %{FILEDIGESTS}\n]' >/dev/null
  b=$(now)
  t_rpm+=($(((b - a) / 1000000)))
  c_rpm+=($(cpu_ms))
  m=$(cut -d' ' -f1 "$work/rss"); [ "$m" -gt "$rss_rpm" ] && rss_rpm=$m
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mo=$(median "${t_og[@]}")
mr=$(median "${t_rpm[@]}")
files=$("$pkgdump" rpmdb --files "$db" | wc -l)
pkgs=$("$pkgdump" rpmdb "$db" | wc -l)
echo "rpmdb: $pkgs packages, $files files, $(du -k "$db" | cut -f1) KiB ($rounds rounds, interleaved)"
co=$(median "${c_og[@]}")
cr=$(median "${c_rpm[@]}")
echo "ocigate pkgdump: wall median ${mo} ms, cpu median ${co} ms, peak RSS $((rss_og / 1024)) MiB  (wall: ${t_og[*]})"
echo "rpm -qa --qf:    wall median ${mr} ms, cpu median ${cr} ms, peak RSS $((rss_rpm / 1024)) MiB  (wall: ${t_rpm[*]})"
awk -v a="$mo" -v b="$mr" -v c="$co" -v d="$cr" 'BEGIN {
  printf "ratio ocigate/rpm: wall %.2fx, cpu %.2fx (target <= 0.5x, RSS <= 64 MiB)\n", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }'
