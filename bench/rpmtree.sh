#!/bin/bash
# Two rpm roots of 400 generated packages (100 files each, 40,000 in all) for
# the benchmarks: rpmbuild builds one spec with 400 subpackages, rpm --justdb
# installs them into OUTDIR/rpm400-sqlite (var/lib/rpm/rpmdb.sqlite); the
# same headers, exported with python3's sqlite3, are loaded by db5.3_load
# into a Berkeley DB hash Packages file, as rpm's bdb backend kept it (key =
# the instance number in host byte order, key 0 the next instance number),
# in OUTDIR/rpm400-bdb (var/lib/rpm/Packages), which rpm reads with bdb_ro.
# Usage: bench/rpmtree.sh OUTDIR   (reused when OUTDIR/rpm400.done exists)
set -euo pipefail
out=$(mkdir -p "${1:?usage: bench/rpmtree.sh OUTDIR}" && cd "$1" && pwd)
[ -e "$out/rpm400.done" ] && exit 0
for t in rpmbuild rpm db5.3_load python3; do
  command -v "$t" >/dev/null || { echo "bench/rpmtree.sh: $t not found" >&2; exit 1; }
done
npkgs=400
nfiles=100
work=$(mktemp -d "$out/rpm400-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$out/rpm400-sqlite" "$out/rpm400-bdb"
mkdir -p "$work/rpmbuild" "$out/rpm400-sqlite" "$out/rpm400-bdb/var/lib/rpm"
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
echo "bench: building $npkgs rpm packages ..." >&2
rpmbuild --quiet -bb --define "_topdir $work/rpmbuild" --define "_rpmdir $work/rpms" \
  --define '_build_id_links none' "$spec" >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; exit 1; }
rpm --root "$out/rpm400-sqlite" --dbpath /var/lib/rpm --define '_db_backend sqlite' --justdb \
  --nodeps --noscripts -i "$work"/rpms/noarch/ogbench-p*.rpm 2>/dev/null
python3 - "$out/rpm400-sqlite/var/lib/rpm/rpmdb.sqlite" "$work/kv" <<'PY'
import sqlite3, struct, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
rows = db.execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
esc = lambda b: "".join("\\%02x" % c for c in b)
with open(sys.argv[2], "w") as out:
    out.write(esc(struct.pack("=I", 0)) + "\n" + esc(struct.pack("=I", rows[-1][0] + 1)) + "\n")
    for hnum, blob in rows:
        out.write(esc(struct.pack("=I", hnum)) + "\n" + esc(blob) + "\n")
PY
db5.3_load -T -t hash -f "$work/kv" "$out/rpm400-bdb/var/lib/rpm/Packages"
n=$(rpm --root "$out/rpm400-bdb" --dbpath /var/lib/rpm --define '_db_backend bdb_ro' -qa | wc -l)
[ "$n" = "$npkgs" ] || { echo "bench/rpmtree.sh: rpm reads $n packages from the bdb Packages" >&2; exit 1; }
touch "$out/rpm400.done"
