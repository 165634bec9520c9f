#!/bin/bash
# ocigate verify on an apk database whose Z: checksums (Q1 base64 SHA-1, and
# plain MD5) and a: modes are those of real files (tests/fixtures/make-apk-fixtures.sh,
# written with sha1sum, md5sum, base64 and stat).  The oracle is those tools
# again on the changed tree: a file whose checksum or mode no longer matches
# EXPECTED.tsv is modified, a file that is gone is missing.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
. "$OG_SOURCE_ROOT/tests/lib/verify.sh"
workdir
bash "$OG_SOURCE_ROOT/tests/fixtures/make-apk-fixtures.sh" "$W/fx" > /dev/null
ok $? "make-apk-fixtures.sh wrote the database"
R=$W/root
cp -a "$W/fx/root" "$R"

oracle () { # the state of every file EXPECTED.tsv lists (first listing wins), from the tools
  awk -F'\t' '!seen[$3]++' "$W/fx/EXPECTED.tsv" | while IFS=$'\t' read -r _ _ p sum mode; do
    algo=${sum%%:*}; want=${sum#*:}
    if [ ! -e "$R$p" ]; then echo "missing $p"; continue; fi
    have=$(${algo}sum < "$R$p" | cut -d' ' -f1)
    now=$(printf '%04o' "0$(stat -c %a "$R$p")")
    if [ "$have" != "$want" ] || [ "$now" != "$mode" ]; then echo "modified $p"; fi
  done | sort
}
og_view () {
  jq -r '.files[] | select(.integrity == "modified" or .integrity == "missing") | "\(.integrity) \(.path)"' "$1" | sort
}

"$OCIGATE" verify --all --format json "$R" > "$W/clean.json"; ok $? "verify --all of the untouched tree exits 0"
check "every listed file checked once, all ok" \
  jq -e --argjson n "$(cut -f3 "$W/fx/EXPECTED.tsv" | sort -u | wc -l)" '.summary.checked == $n and .summary.ok == $n' "$W/clean.json"

printf x >> "$R/usr/bin/og-tool"
chmod 0755 "$R/usr/lib/libog.so.1"
rm "$R/usr/share/og doc/README"
oracle > "$W/want"
verify_all_agrees "$R" "$W/want" 3 "the tools see three changes" tree \
  "verify --all: what sha1sum/md5sum and stat say against the Z: and a: records"
check "og-tool: the Q1 checksum differs (as sha1), not its mode" \
  jq -e '[.files[] | select(.path == "/usr/bin/og-tool")][0] | .differs == ["digest"] and .algorithm == "sha1"' "$W/all.json"
check "libog.so.1: the mode differs, not its content" \
  jq -e '[.files[] | select(.path == "/usr/lib/libog.so.1")][0] | .differs == ["mode"] and .expected_mode == "0644" and .actual_mode == "0755"' "$W/all.json"
"$OCIGATE" verify --format json "$R" > "$W/exec.json"; rc=$?
ok $((rc != 1)) "verify (executables) exits 1 (got $rc)"
check "verify (executables): og-tool modified; libog.so.1 (now executable) modified too" \
  jq -e '[.files[] | "\(.integrity) \(.path)"] | sort == ["modified /usr/bin/og-tool", "modified /usr/lib/libog.so.1"]' "$W/exec.json"
plan_end
