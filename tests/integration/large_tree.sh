#!/bin/bash
# The acceptance of issues 11, 12 and 13 on a Debian 12 tree of about 380
# packages (tests/fixtures/make-debian-large.sh), against the real tools:
# - diff of the minbase tree and the large one: the package rows are exactly
#   `comm -3` of the two dpkg-query listings, each on its side;
# - required_by of every package equals what the independent script
#   deps_oracle_dpkg.py computes from the tree's own dpkg-query output;
#   `why` of an essential executable and of a library;
# - verify --all of the untouched tree reports what `dpkg --root --verify`
#   reports; then, through an overlay mount over the tree (the tree itself
#   stays untouched), one byte appended to /usr/bin/tac, tac made setuid,
#   /usr/bin/bash removed and /usr/local/bin/dropped added: the same files
#   as dpkg --verify plus dropped unowned, and `check` with the manifest
#   generated before the changes gives one finding per change;
# - a docker-archive of the changed tree (podman import + save) gives the
#   same verify, graph and slim answers as the tree, and no diff rows;
# - its SPDX and CycloneDX documents validate against the official schemas
#   and list exactly the inventory's packages.
set -u
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
. "$OG_SOURCE_ROOT/tests/lib/verify.sh"
. "$OG_SOURCE_ROOT/tests/lib/diff.sh"
S=$OG_SOURCE_ROOT
FIX=${OG_FIXTURES_OUT:?}
depdump=$OG_BUILD_ROOT/tests/depdump
oracle=$S/tests/integration/deps_oracle_dpkg.py
W=$(mktemp -d /var/tmp/og-large.XXXXXX)
. "$OG_SOURCE_ROOT/tests/lib/podman.sh"
cleanup () {
  mountpoint -q "$W/m" && umount "$W/m"
  "${P[@]}" rmi -af >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT

if ! bash "$S/tests/fixtures/make-debootstrap.sh" "$FIX" || ! bash "$S/tests/fixtures/make-debian-large.sh" "$FIX"; then
  ok 1 "the debootstrap minbase and large trees (tests/fixtures/)"; plan_end; exit
fi
A=$FIX/minbase
L=$FIX/debian380
n=$(dpkg-query --admindir="$L/var/lib/dpkg" -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')
check "the large tree holds about 380 installed packages ($n)" test "$n" -ge 340 -a "$n" -le 420

# 12: the diff of minbase and the large tree against dpkg-query.
listing () { dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Package}:${Architecture} ${Version}\n' | LC_ALL=C sort; }
listing "$A" >"$W/a.list"; listing "$L" >"$W/l.list"
"$OCIGATE" diff --format json "$A" "$L" >"$W/al.json"; rc=$?
ok $((rc != 1)) "diff of minbase and the large tree exits 1 (different)"
diff_rows_agree "minbase against the large tree, dpkg-query listings" "$W/a.list" "$W/l.list" "$W/al.json" \
  '"\(.name):\(.arch) \(.evr)"'
check "the large tree has more than 250 packages minbase lacks" test "$(wc -l <"$W/want-b")" -gt 250
"$OCIGATE" diff "$A" "$L" >"$W/al.table"
check "the table ends with the summary, counting every comm -3 line" \
  bash -c "tail -1 '$W/al.table' | grep -Eq '^[0-9]+ package differences: $(jq .summary.only_a "$W/al.json") only in minbase, $(jq .summary.only_b "$W/al.json") only in debian380, ' &&
           test $(jq '.summary | .only_a + .only_b + 2 * .changed' "$W/al.json") -eq $(cat "$W/want-a" "$W/want-b" | wc -l)"

# 13: the dependency graph against dpkg-query's relations.
graph () { # graph LABEL ROOT: the oracle's and ocigate's required_by of every package
  dpkg-query --admindir="$2/var/lib/dpkg" -W \
    -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Depends}\t${Pre-Depends}\t${Provides}\n' |
    python3 "$oracle" >"$W/$1.oracle"
  "$depdump" "$2" | cut -f1,2 | sort >"$W/$1.og"
}
graph large "$L"
same "required_by of all $(wc -l <"$W/large.og") packages equals dpkg-query's Depends/Pre-Depends/Provides resolved" \
  "$W/large.oracle" "$W/large.og"
check "the graph is not empty ($(awk -F'\t' '$2 != ""' "$W/large.og" | wc -l) packages are required by another)" \
  test "$(awk -F'\t' '$2 != ""' "$W/large.og" | wc -l)" -gt 100
"$OCIGATE" why "$L" /usr/bin/chmod >"$W/why-chmod"
check "why /usr/bin/chmod names coreutils and its chain to (essential)" \
  grep -qx '  /usr/bin/chmod <- coreutils <- (essential)' "$W/why-chmod"
"$OCIGATE" why --format json "$L" libssl3 >"$W/why-ssl.json"
awk -F'\t' '$1 == "libssl3" {print $2}' "$W/large.oracle" | tr ' ' '\n' | sed '/^$/d' >"$W/ssl-oracle"
jq -r '.required_by[]' "$W/why-ssl.json" | sort >"$W/ssl-why"
same "why libssl3: required_by is what dpkg-query's relations say ($(wc -l <"$W/ssl-oracle") packages)" "$W/ssl-oracle" "$W/ssl-why"
check "why libssl3: the chains start at libssl3, shortest first" \
  jq -e '(.chains | length) > 0 and all(.chains[]; .[0] == "libssl3") and ([.chains[] | length] == ([.chains[] | length] | sort))' "$W/why-ssl.json"
"$OCIGATE" slim --format json "$L" >"$W/slim.json"; ok $? "slim --format json of the large tree exits 0"
awk -F'\t' '$2 == "" {print $1}' "$W/large.oracle" | sort >"$W/leaves-oracle"
jq -r '.leaves[].name' "$W/slim.json" | sort >"$W/leaves-og"
same "slim: the leaves are the packages that, by dpkg-query's relations, nothing depends on ($(wc -l <"$W/leaves-og"))" \
  "$W/leaves-oracle" "$W/leaves-og"

# 11: verify of the untouched tree, then of a changed view of it.
dpkg_verify_view "$L" >"$W/dpkg-clean"
"$OCIGATE" verify --all --format json "$L" >"$W/clean-all.json"
og_view () {
  jq -r '.files[] | select(.integrity == "modified" or .integrity == "missing")
         | "\(.integrity) \(if .config then "c" else "-" end) \(.path)"' "$1" | sort
}
og_view "$W/clean-all.json" >"$W/og-clean"
same "untouched tree: verify --all reports what dpkg --verify reports ($(wc -l <"$W/dpkg-clean") lines)" \
  "$W/dpkg-clean" "$W/og-clean"
want=$(cat "$L"/var/lib/dpkg/info/*.md5sums | awk '{print $2}' | sort -u | wc -l)
check "untouched tree: at least every path the info/*.md5sums list was checked ($want)" \
  jq -e --argjson w "$want" '.summary.checked >= $w and $w > 20000 and .summary.unverifiable == 0' "$W/clean-all.json"
"$OCIGATE" manifest generate "$L" >"$W/golden.json"; ok $? "manifest generate of the untouched tree"
"$OCIGATE" verify --format json "$L" >"$W/clean.json"

mkdir -p "$W/up" "$W/wk" "$W/m"
mount -t overlay overlay -o "lowerdir=$L,upperdir=$W/up,workdir=$W/wk" "$W/m"
ok $? "an overlay mount over the large tree (the tree stays untouched)"
T=$W/m
change_four "$T"
dpkg_verify_view "$T" >"$W/dpkg-changed"
check "dpkg --verify sees the two changes of packaged files (oracle sanity)" \
  test "$(comm -13 "$W/dpkg-clean" "$W/dpkg-changed" | wc -l)" -eq 2
verify_all_agrees "$T" "$W/dpkg-changed" "$(wc -l <"$W/dpkg-changed")" "dpkg --verify of the changed view" tree \
  "verify --all of the changed view: the same files, modified vs missing, as dpkg --verify"
"$OCIGATE" verify --format json "$T" >"$W/exec.json"
comm -13 <(jq -r '.unowned[]' "$W/clean.json" | sort) <(jq -r '.unowned[]' "$W/exec.json" | sort) >"$W/unowned-new"
same "the one new unowned executable is /usr/local/bin/dropped" <(echo /usr/local/bin/dropped) "$W/unowned-new"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$T" >"$W/check.json"; rc=$?
ok $((rc != 1)) "check of the changed view against the manifest of the untouched tree denies (exit $rc)"
four_findings "check: one finding per change (tac modified, tac setuid, bash missing, dropped unlisted)" "$W/check.json"

# The docker-archive of the changed view answers as the view.
if docker_archive large "$T"; then
  ok 0 "podman import + save of the changed view as a docker-archive"
  "${P[@]}" rmi -af >/dev/null 2>&1
  I=docker-archive:$W/large.docker.tar
  "$OCIGATE" verify --all --format json "$I" >"$W/img-all.json"
  same "verify --all of the docker-archive: the same files as of the view" <(og_view "$W/all.json") <(og_view "$W/img-all.json")
  "$OCIGATE" check --manifest "$W/golden.json" --format json "$I" >"$W/img-check.json"
  four_findings "check of the docker-archive: the same four findings" "$W/img-check.json"
  "$depdump" "$I" | cut -f1,2 | sort >"$W/img.og"
  same "the docker-archive gives the same dependency graph as the tree" "$W/large.og" "$W/img.og"
  "$OCIGATE" slim --format json "$I" | jq -S 'del(.source)' >"$W/img-slim.json"
  "$OCIGATE" slim --format json "$T" | jq -S 'del(.source)' >"$W/dir-slim.json"
  same "slim of the docker-archive answers as the view" "$W/dir-slim.json" "$W/img-slim.json"
  "$OCIGATE" diff "$I" "$T" >"$W/img-diff"; rc=$?
  ok "$rc" "diff of the docker-archive and the view it was exported from: exit 0"
  check "... and no rows" grep -qx '0 package differences: 0 only in .*, 0 only in .*, 0 with different versions' "$W/img-diff"
else
  ok 1 "podman import + save of the changed view as a docker-archive"
fi

# 12: the SBOMs of the large tree against the official schemas.
D=$S/tests/data/sbom
V="python3 $S/tests/tools/validate-json.py"
export SOURCE_DATE_EPOCH=1767225600
"$OCIGATE" inventory --format cyclonedx "$L" >"$W/cdx.json"; ok $? "inventory --format cyclonedx of the large tree"
"$OCIGATE" inventory --format spdx "$L" >"$W/spdx.json"; ok $? "inventory --format spdx of the large tree"
check "CycloneDX 1.6 validates against bom-1.6.schema.json" \
  $V "$D/cyclonedx/bom-1.6.SNAPSHOT.schema.json" --with "$D/cyclonedx/spdx.SNAPSHOT.schema.json" \
  --with "$D/cyclonedx/jsf-0.82.SNAPSHOT.schema.json" "$W/cdx.json"
check "SPDX validates against the SPDX 2.3 schema" $V "$D/spdx/spdx-2.3.schema.json" "$W/spdx.json"
"$OCIGATE" inventory --format json "$L" | jq -r '.packages[].purl' | LC_ALL=C sort >"$W/inv-purls"
jq -r '.components[] | select(.type == "library") | .purl' "$W/cdx.json" | LC_ALL=C sort >"$W/cdx-purls"
jq -r '.packages[] | .externalRefs[]? | select(.referenceType == "purl") | .referenceLocator' "$W/spdx.json" | LC_ALL=C sort >"$W/spdx-purls"
check "the inventory lists every installed package ($n)" test "$(wc -l <"$W/inv-purls")" -eq "$n"
same "CycloneDX: the inventory's packages, with the same purls" "$W/inv-purls" "$W/cdx-purls"
same "SPDX: the inventory's packages, with the same purls" "$W/inv-purls" "$W/spdx-purls"
plan_end
