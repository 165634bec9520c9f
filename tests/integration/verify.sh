#!/bin/bash
# ocigate verify against the package tools' own verification: a debootstrap
# minbase tree (copied, then changed: one byte appended to /usr/bin/tac and to
# a conffile, tac made setuid, /usr/bin/bash removed, /usr/local/bin/dropped
# added) must give
# the same files, modified vs missing, conffiles flagged, as
# `dpkg --root=DIR --verify`; `dropped` is the one new unowned executable.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
. "$OG_SOURCE_ROOT/tests/lib/verify.sh"
minbase
workdir
T=$W/tree
cp -a "$FIX/minbase" "$T"

dpkg_view () { dpkg_verify_view "$T"; }
og_view () { # og_view JSON: the same from ocigate.verify/v1
  jq -r '.files[] | select(.integrity == "modified" or .integrity == "missing")
         | "\(.integrity) \(if .config then "c" else "-" end) \(.path)"' "$1" | sort
}

"$OCIGATE" verify --format json "$T" > "$W/clean.json"; ok $? "verify of the untouched tree exits 0"
"$OCIGATE" verify --all --format json "$T" > "$W/clean-all.json"; ok $? "verify --all of the untouched tree exits 0"
dpkg_view > "$W/dpkg-clean"
og_view "$W/clean-all.json" > "$W/og-clean"
same "untouched tree: verify --all reports what dpkg --verify reports" "$W/dpkg-clean" "$W/og-clean"
check "untouched tree: files were checked, none unverifiable" \
  jq -e '.summary.checked > 1000 and .summary.unverifiable == 0 and .summary.ok == .summary.checked' "$W/clean-all.json"
# Every file with a hash in info/*.md5sums (or a conffile hash) is checked once.
want=$(cat "$T"/var/lib/dpkg/info/*.md5sums | awk '{print $2}' | while read -r p; do dpkg_canon "$T" "/$p"; done | sort -u | wc -l)
check "verify --all checks at least every file info/*.md5sums lists ($want)" \
  jq -e --argjson w "$want" '.summary.checked >= $w' "$W/clean-all.json"

# The golden manifest, made from the tree before the changes.
"$OCIGATE" manifest generate "$T" > "$W/golden.json"; ok $? "manifest generate of the untouched tree"
check "the generated manifest denies modified executables and missing files" \
  jq -e '.executables.modified == "deny" and .packages.missing_files == "deny"' "$W/golden.json"
find "$T" -xdev -type f -perm -4000 -printf '/%P\n' | sort > "$W/setuid-find"
jq -r '.executables.setuid | if type == "array" then .[] else empty end' "$W/golden.json" | sort > "$W/setuid-golden"
check "the tree has setuid files (oracle sanity)" test -s "$W/setuid-find"
same "the generated manifest pins exactly the setuid set find -perm -4000 lists" "$W/setuid-find" "$W/setuid-golden"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$T" > "$W/check-clean.json"; rc=$?
ok $rc "check of the untouched tree against its own manifest allows (exit $rc)"

conf=$(awk '/^Conffiles:/ {getline; print $1; exit}' "$T/var/lib/dpkg/status")
change_four "$T"
printf x >> "$T$conf"

dpkg_view > "$W/dpkg-changed"
verify_all_agrees "$T" "$W/dpkg-changed" 3 "dpkg --verify sees the three changes" tree \
  "verify --all: the same files, modified vs missing, conffile flagged, as dpkg --verify"
check "the missing file names the path as dpkg lists it" \
  jq -e '[.files[] | select(.integrity == "missing") | {path, listed, package}] == [{"path":"/usr/bin/bash","listed":"/bin/bash","package":"bash"}]' "$W/all.json"
check "tac: the md5 differs, and the recorded digest is info/coreutils.md5sums's" \
  jq -e --arg md5 "$(awk '$2 == "usr/bin/tac" {print $1}' "$T/var/lib/dpkg/info/coreutils.md5sums")" \
     --arg now "$(md5sum < "$T/usr/bin/tac" | cut -d' ' -f1)" \
  '[.files[] | select(.path == "/usr/bin/tac")] | length == 1 and .[0].differs == ["digest"] and .[0].expected_digest == $md5 and .[0].actual_digest == $now' "$W/all.json"
jq -r '.unowned[]' "$W/clean.json" | sort > "$W/unowned-before"
"$OCIGATE" verify --format json "$T" > "$W/exec.json"; rc=$?
ok $((rc != 1)) "verify (executables) of the changed tree exits 1 (got $rc)"
jq -r '.unowned[]' "$W/exec.json" | sort > "$W/unowned-after"
echo /usr/local/bin/dropped > "$W/unowned-want"
comm -13 "$W/unowned-before" "$W/unowned-after" > "$W/unowned-new"
same "the one new unowned executable is /usr/local/bin/dropped" "$W/unowned-want" "$W/unowned-new"
# Without --all: dpkg's findings on executables (tac) and missing files in
# bin directories (bash); not the conffile.
grep -v " $conf\$" "$W/dpkg-changed" > "$W/dpkg-exec"
og_view "$W/exec.json" > "$W/og-exec"
same "verify (executables): dpkg --verify's findings on executables" "$W/dpkg-exec" "$W/og-exec"
"$OCIGATE" verify "$T" > "$W/table"; rc=$?
ok $((rc != 1)) "table: exit 1 (got $rc)"
check "table: tac in rpm -V's columns, as dpkg prints them" grep -qx '??5??????      /usr/bin/tac  coreutils' "$W/table"
check "table: bash missing, named as dpkg lists it" grep -qx 'missing        /usr/bin/bash  bash (listed as /bin/bash)' "$W/table"
check "table: dropped unowned" grep -q '^unowned  *  /usr/local/bin/dropped' "$W/table"
# check: one finding for each change that the manifest judges (the conffile
# is not an executable, and the manifest judges executables and missing files).
"$OCIGATE" check --manifest "$W/golden.json" --format json "$T" > "$W/check.json"; rc=$?
ok $((rc != 1)) "check of the changed tree against the golden manifest denies (exit $rc)"
four_findings "check: one finding per change (tac modified, tac setuid, bash missing, dropped unlisted)" "$W/check.json"
check "check: the modified finding says what differs" \
  jq -e '[.findings[] | select(.rule == "executables.modified")][0].reason | test("digest \\(md5 [0-9a-f]{32}, now [0-9a-f]{32}\\)")' "$W/check.json"
# A manifest that does not judge integrity pays nothing and finds nothing of it.
jq '.executables.modified = "allow" | .packages.missing_files = "allow"' "$W/golden.json" > "$W/lax.json"
"$OCIGATE" check --manifest "$W/lax.json" --format json "$T" > "$W/check-lax.json"
check "check with modified/missing_files allow: only the new setuid file and the unlisted executable" \
  jq -e '[.findings[] | .rule] | sort == ["executables.setuid", "executables.unlisted"]' "$W/check-lax.json"

# Every document validates against its schema (Debian's python3-jsonschema).
validate () { # validate SCHEMA JSON...
  python3 - "$OG_SOURCE_ROOT/policy/$1" "${@:2}" <<'PY'
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for f in sys.argv[2:]:
    v.validate(json.load(open(f)))
PY
}
check "verify --format json validates against ocigate.verify.schema.json" \
  validate ocigate.verify.schema.json "$W/clean.json" "$W/clean-all.json" "$W/all.json" "$W/exec.json"
"$OCIGATE" inventory --format json "$T" > "$W/inv.json"
check "the inventory still validates against ocigate.inventory.schema.json" validate ocigate.inventory.schema.json "$W/inv.json"

# A diversion: /usr/bin/yes moved to yes.distrib by dpkg-divert, then changed.
# The file is checked where the diversion put it, against coreutils' md5sums
# (as debsums does; dpkg --verify looks the hash up under the new name, finds
# none, and skips the file).
dpkg-divert --root="$T" --local --rename --divert /usr/bin/yes.distrib --add /usr/bin/yes > /dev/null 2>&1
ok $? "dpkg-divert --local --rename /usr/bin/yes to /usr/bin/yes.distrib"
printf x >> "$T/usr/bin/yes.distrib"
"$OCIGATE" verify --format json "$T" > "$W/divert.json"
check "the diverted file is checked at its new place, against its package's md5sums" \
  jq -e --arg md5 "$(awk '$2 == "usr/bin/yes" {print $1}' "$T/var/lib/dpkg/info/coreutils.md5sums")" \
  '[.files[] | select(.listed == "/usr/bin/yes")] | length == 1 and .[0].path == "/usr/bin/yes.distrib"
   and .[0].differs == ["digest"] and .[0].expected_digest == $md5' "$W/divert.json"

"$OCIGATE" verify "$W/nonexistent" > /dev/null 2>&1; rc=$?
ok $((rc != 2)) "a source that does not exist: exit 2 (got $rc)"
plan_end
