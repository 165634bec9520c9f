#!/bin/bash
# ocigate verify against rpm -Va: a root made by the real rpm
# (tests/fixtures/make-rpm-fixtures.sh, rpmbuild + rpm --root), copied and
# changed (a packaged executable appended to, another removed, a %config
# file appended to, a file's and a directory's mode changed, a file given to
# another user and group), read through
# its SQLite database and through a Berkeley DB Packages made from the same
# header blobs by db5.3_load: the same files, modified vs missing, the same
# S/M/5 columns and %config flag as `rpm --root R -Va`.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
. "$OG_SOURCE_ROOT/tests/lib/verify.sh"
FIX=${OG_FIXTURES_OUT:?}/rpm
for t in rpmbuild rpm; do
  command -v $t >/dev/null || { skip "verify against rpm -Va" "$t is not installed"; plan_end; exit; }
done
bash "$OG_SOURCE_ROOT/tests/fixtures/make-rpm-fixtures.sh" "$FIX" > /dev/null 2>&1
ok $? "make-rpm-fixtures.sh built and installed the packages"
workdir

# rpm -Va lines ("S.5....T.  c /etc/x", "missing     /p") as
# "STATE CONFIG COLUMNS PATH": only the columns ocigate compares (S M 5 U G).
rpm_view () { # rpm_view ROOT BACKEND
  rpm --root "$1" --dbpath /var/lib/rpm --define "_db_backend $2" --nodeps -Va 2>/dev/null |
    awk '{ if ($1 == "missing") { st = "missing"; cols = "-" } else { st = "modified"; cols = substr($1, 1, 3) substr($1, 6, 2) }
           cf = (NF == 3) ? $2 : "-"; if (cf != "c" && NF == 3) cf = "-"
           print st, cf, cols, $NF }' | sort
}
og_view () { # og_view JSON: the same from ocigate.verify/v1
  jq -r '.files[] | select(.integrity == "modified" or .integrity == "missing")
    | "\(.integrity) \(if .config then "c" else "-" end) \(if .integrity == "missing" then "-" else
        ((if (.differs | index("size")) then "S" else "." end) + (if (.differs | index("mode")) then "M" else "." end)
         + (if (.differs | index("digest")) then "5" else "." end) + (if (.differs | index("user")) then "U" else "." end)
         + (if (.differs | index("group")) then "G" else "." end)) end) \(.path)"' "$1" | sort
}
exec_paths () { # the executables of a tree, and what rpm lists as executables that are gone
  find "$1" -xdev -type f \( -perm /111 -o -perm /6000 \) | sed "s|^$1||"
  rpm --root "$1" --dbpath /var/lib/rpm --define "_db_backend $2" -qa --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' 2>/dev/null |
    awk '$1 ~ /^-/ && $1 ~ /[xsS]/ {print $2}'
}

R=$W/root
cp -a "$FIX/root" "$R"
"$OCIGATE" verify --all --format json "$R" > "$W/clean.json"; ok $? "verify --all of the untouched root exits 0"
check "untouched root: every file checked, all ok, digests in sha256 and sha512 (og-many)" \
  jq -e '.summary.checked > 600 and .summary.ok == .summary.checked' "$W/clean.json"
check "the %ghost file (listed, never installed) is not reported" \
  jq -e '[.files[] | select(.path == "/var/log/og-epoch.log")] == []' "$W/clean.json"
check "the %ghost file is in the database (oracle sanity)" \
  sh -c "rpm --root '$R' --dbpath /var/lib/rpm --define '_db_backend sqlite' -q --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' og-epoch 2>/dev/null | grep -qx 'g /var/log/og-epoch.log'"
rpm_view "$R" sqlite > "$W/rpm-clean"
check "untouched root: rpm -Va finds nothing either (oracle sanity)" test ! -s "$W/rpm-clean"

printf x >> "$R/usr/bin/og-deps-tool"
rm "$R/usr/bin/og-deps-leaf"
printf y >> "$R/etc/og/og.conf"
chmod 600 "$R/usr/share/og-epoch/data.txt"
chmod g+w "$R/usr/lib/og-many/d3"
printf z >> "$R/usr/lib/og-many/d2/f2.txt" # an executable in og-many (sha512)
chown 1:1 "$R/usr/share/og-caret/one"          # rpm records "root" "root"

rpm_view "$R" sqlite > "$W/rpm-all"
verify_all_agrees "$R" "$W/rpm-all" 7 "rpm -Va sees the seven changes" root \
  "sqlite: verify --all agrees with rpm -Va (files, modified vs missing, S M 5 U G, %config)"
check "the sha512 of og-many's executable is compared in sha512" \
  jq -e '[.files[] | select(.path == "/usr/lib/og-many/d2/f2.txt")][0] | .algorithm == "sha512" and (.expected_digest | length) == 128' "$W/all.json"

exec_paths "$R" sqlite | sort -u > "$W/execs"
awk 'NR == FNR { x[$0] = 1; next } x[$NF]' "$W/execs" "$W/rpm-all" > "$W/rpm-exec"
"$OCIGATE" verify --format json "$R" > "$W/exec.json"; rc=$?
ok $((rc != 1)) "verify (executables) of the changed root exits 1 (got $rc)"
og_view "$W/exec.json" > "$W/og-exec"
check "rpm -Va's findings on executables are three (oracle sanity)" test "$(wc -l < "$W/rpm-exec")" -eq 3
same "sqlite: verify agrees with rpm -Va on the executables" "$W/rpm-exec" "$W/og-exec"

# The same tree as a docker-archive (podman import + save): an image hashes
# its executables' sha256 while its layers stream, and reads again from the
# layers what the other digests (md5, sha512, ...) need, so it reports the
# same files, modified vs missing, as the directory.
if command -v podman >/dev/null; then
  . "$OG_SOURCE_ROOT/tests/lib/podman.sh"
  docker_archive verify "$R"
  ok $? "podman import and save of the changed root"
  "$OCIGATE" verify --format json "docker-archive:$W/verify.docker.tar" > "$W/img-exec.json"
  og_view "$W/img-exec.json" > "$W/og-img-exec"
  same "image: the executables' findings are the directory's" "$W/og-exec" "$W/og-img-exec"
  "$OCIGATE" verify --all --format json "docker-archive:$W/verify.docker.tar" > "$W/img-all.json"
  og_view "$W/all.json" > "$W/og-dir-all"
  og_view "$W/img-all.json" > "$W/og-img-all"
  same "image --all: the same files, modified vs missing, as the directory" "$W/og-dir-all" "$W/og-img-all"
  check "image --all: nothing unverifiable that the directory could verify" \
    jq -e --slurpfile d "$W/all.json" '.summary.unverifiable == $d[0].summary.unverifiable' "$W/img-all.json"
  "${P[@]}" rmi -af > /dev/null 2>&1
else
  skip "verify on a docker-archive of the changed root" "podman is not installed"
fi

check "verify --format json (rpm, with user, group, modes and sizes) validates against its schema" \
  python3 -c 'import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
[v.validate(json.load(open(f))) for f in sys.argv[2:]]' "$OG_SOURCE_ROOT/policy/ocigate.verify.schema.json" "$W/all.json" "$W/exec.json"

# Berkeley DB: the same headers in a hash Packages file, as RHEL 7/8 keep them.
if command -v db5.3_load >/dev/null && command -v python3 >/dev/null; then
  python3 - "$FIX/blobs" "$W/kv" <<'PY'
import os, struct, sys
src, out = sys.argv[1], sys.argv[2]
hnums = sorted(int(f[:-4]) for f in os.listdir(src) if f.endswith(".hdr"))
esc = lambda b: "".join("\\%02x" % c for c in b)
with open(out, "w") as o:
    o.write(esc(struct.pack("<I", 0)) + "\n" + esc(struct.pack("<I", max(hnums) + 1)) + "\n")
    for h in hnums:
        o.write(esc(struct.pack("<I", h)) + "\n" + esc(open("%s/%d.hdr" % (src, h), "rb").read()) + "\n")
PY
  rm -f "$R"/var/lib/rpm/rpmdb.sqlite*
  db5.3_load -T -t hash -c db_lorder=1234 -f "$W/kv" "$R/var/lib/rpm/Packages"
  rpm_view "$R" bdb_ro > "$W/rpm-bdb"
  same "rpm -Va through bdb_ro sees what it saw through sqlite (oracle sanity)" "$W/rpm-all" "$W/rpm-bdb"
  "$OCIGATE" verify --all --format json "$R" > "$W/bdb.json"
  "$OCIGATE" inventory --format json "$R" > "$W/bdb-inv.json"
  check "the Berkeley DB backend is the one read" \
    jq -e '.package_dbs == [{"type":"rpm","path":"/var/lib/rpm/Packages","backend":"bdb"}]' "$W/bdb-inv.json"
  og_view "$W/bdb.json" > "$W/og-bdb"
  same "bdb: verify --all agrees with rpm -Va" "$W/rpm-bdb" "$W/og-bdb"
else
  skip "bdb: verify --all agrees with rpm -Va" "db5.3_load or python3 is not installed"
fi
plan_end
