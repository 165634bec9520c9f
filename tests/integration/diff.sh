#!/bin/bash
# ocigate diff against the real tools' answers: between the debootstrap
# minbase tree and trees made from it by dpkg (packages upgraded, purged,
# added, one for two architectures) the package rows are exactly `comm -3`
# of the two dpkg-query listings, each on its side; executables and files
# agree with find; an image against the filesystem it was exported to has no
# differences; two rpm trees agree with rpm -qa.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
. "$OG_SOURCE_ROOT/tests/lib/diff.sh"
S=$OG_SOURCE_ROOT
minbase
workdir /var/tmp/og-diff.XXXXXX

A=$FIX/minbase
bash "$S/tests/fixtures/make-minbase-variants.sh" "$A" "$W/v" > "$W/variants.log" 2>&1
ok $? "make-minbase-variants.sh made the upgraded and changed trees with dpkg" || sed 's/^/# /' "$W/variants.log"
U=$W/v/upgraded
C=$W/v/changed

listing () { dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Package}:${Architecture} ${Version}\n' | LC_ALL=C sort; }
listing "$A" > "$W/a.list"
listing "$C" > "$W/c.list"
"$OCIGATE" diff --format json "$A" "$C" > "$W/ac.json"; rc=$?
ok $((rc != 1)) "diff of minbase and the changed tree exits 1 (different)"
diff_rows_agree "dpkg-query listings" "$W/a.list" "$W/c.list" "$W/ac.json" '"\(.name):\(.arch) \(.evr)"'
check "the listings really differ in every way (only A, only B, versions, two arches)" \
  test "$(wc -l < "$W/want-a")" -ge 3 -a "$(wc -l < "$W/want-b")" -ge 5
check "the json validates against policy/ocigate.diff.schema.json" \
  python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
  "$S/policy/ocigate.diff.schema.json" "$W/ac.json"
# A name on both sides with one arch each is one row; a side with two arches gives rows per arch.
both=$(join <(cut -d' ' -f1 "$W/want-a" | sort -u) <(cut -d' ' -f1 "$W/want-b" | sort -u) | wc -l)
check "a package on both sides with another version is one row with both records ($both)" \
  jq -e --argjson n "$both" '[.packages[] | select(.a and .b)] | length == $n and $n > 0' "$W/ac.json"
check "the package of two architectures has one row per arch, keyed by arch" \
  jq -e '[.packages[] | select(.name == "og-diff-ma") | .arch] | sort == (["amd64", "i386"] | sort)' "$W/ac.json"
na=$(wc -l < "$W/want-a"); nb=$(wc -l < "$W/want-b")
check "summary counts: only_a + changed = comm -23 lines, only_b + changed = comm -13 lines" \
  jq -e --argjson na "$na" --argjson nb "$nb" \
  '.summary | (.only_a + .changed == $na) and (.only_b + .changed == $nb) and .differences == .only_a + .only_b + .changed' "$W/ac.json"
check "rows are sorted by name" jq -e '[.packages[].name] == ([.packages[].name] | sort)' "$W/ac.json"

"$OCIGATE" diff "$A" "$C" > "$W/ac.table"
sum=$(jq -r '.summary | "\(.differences) package differences: \(.only_a) only in minbase, \(.only_b) only in changed, \(.changed) with different versions"' "$W/ac.json")
check "the table ends with the summary line" test "$(tail -1 "$W/ac.table")" = "$sum"
check "the table says Not Installed for the missing side" grep -Eq '^logsave +[^ ]+ +Not Installed$' "$W/ac.table"
check "table: header plus one line per row plus the summary" \
  test "$(wc -l < "$W/ac.table")" -eq $(( $(jq '.packages | length' "$W/ac.json") + 2 ))
"$OCIGATE" diff --label-a base --label-b slim --format markdown "$A" "$C" > "$W/ac.md"
check "markdown: a pipe table with the labels, a separator line, one line per row" \
  bash -c "head -2 '$W/ac.md' | diff - <(printf '| Package | base | slim |\n| --- | --- | --- |\n') && test \$(grep -c '^| ' '$W/ac.md') -eq \$(( $(jq '.packages | length' "$W/ac.json") + 2 ))"
check "markdown ends with the summary line naming the labels" grep -q 'only in base, .* only in slim' "$W/ac.md"

# --ignore-versions: the rows whose name:arch is not on the other side at all.
cut -d' ' -f1 "$W/a.list" > "$W/a.keys"; cut -d' ' -f1 "$W/c.list" > "$W/c.keys"
grep -vxFf "$W/c.keys" <(cut -d' ' -f1 "$W/want-a") > "$W/want-ia" || true
grep -vxFf "$W/a.keys" <(cut -d' ' -f1 "$W/want-b") > "$W/want-ib" || true
"$OCIGATE" diff --ignore-versions --format json "$A" "$C" > "$W/aci.json"
jq -r '.packages[] | select(.a) | "\(.a.name):\(.a.arch)"' "$W/aci.json" | LC_ALL=C sort > "$W/got-ia"
jq -r '.packages[] | select(.b) | "\(.b.name):\(.b.arch)"' "$W/aci.json" | LC_ALL=C sort > "$W/got-ib"
same "--ignore-versions: side A rows are the packages that B does not have" "$W/want-ia" "$W/got-ia"
same "--ignore-versions: side B rows are the packages that A does not have" "$W/want-ib" "$W/got-ib"
check "--ignore-versions says how many version-only rows it left out" \
  jq -e --argjson n "$both" '.ignore_versions and .summary.ignored_version_only == $n and .summary.changed == 0' "$W/aci.json"
"$OCIGATE" diff --ignore-versions "$A" "$U" > "$W/au.table"; rc=$?
ok "$rc" "the same packages at other versions with --ignore-versions: exit 0"
check "... no rows, and the summary says versions were ignored" \
  bash -c "test \$(wc -l < '$W/au.table') -eq 1 && grep -q '^0 package differences: .*versions ignored: 2 version-only' '$W/au.table'"
"$OCIGATE" diff "$A" "$U" > /dev/null; ok $(( $? != 1 )) "... and without it: exit 1"
"$OCIGATE" diff "$A" "$A" > "$W/aa"; rc=$?
ok "$rc" "a tree against itself: exit 0"

# Executables and files against find.
execs () { find "$1" -xdev -type f \( -perm /111 -o -perm /6000 \) -printf '/%P\n' | LC_ALL=C sort; }
execs "$A" > "$W/xa"; execs "$C" > "$W/xc"
"$OCIGATE" diff --what executables --format json "$A" "$C" > "$W/x.json"; rc=$?
ok $((rc != 1)) "diff --what executables exits 1"
LC_ALL=C comm -3 "$W/xa" "$W/xc" | sed 's/^\t/+/; t; s/^/-/' > "$W/want-x"
jq -r '.executables[] | select(.change != "changed") | "\(if .change == "added" then "+" else "-" end)\(.path)"' "$W/x.json" > "$W/got-x"
same "executables only on one side are comm -3 of find's lists" "$W/want-x" "$W/got-x"
check "no executable changed between the trees" jq -e '[.executables[] | select(.change == "changed")] == []' "$W/x.json"
files () { find "$1" -xdev -mindepth 1 -printf '/%P\n' | LC_ALL=C sort; }
files "$A" > "$W/fa"; files "$C" > "$W/fc"
"$OCIGATE" diff --what files --format json "$A" "$C" > "$W/f.json"
LC_ALL=C comm -3 "$W/fa" "$W/fc" | sed 's/^\t/+/; t; s/^/-/' > "$W/want-f"
jq -r '.files[] | select(.change != "changed") | "\(if .change == "added" then "+" else "-" end)\(.path)"' "$W/f.json" > "$W/got-f"
same "files only on one side are comm -3 of find's lists" "$W/want-f" "$W/got-f"
check "the dpkg status file changed in size" \
  jq -e '[.files[] | select(.path == "/var/lib/dpkg/status") | .changed] == [["size"]]' "$W/f.json"
# Changed files: every one that cmp or stat says differs, and no other.
jq -r '.files[] | select(.change == "changed") | .path' "$W/f.json" > "$W/got-fc"
LC_ALL=C comm -12 "$W/fa" "$W/fc" | while read -r p; do
  sa=$(stat -c '%F %a %u %g' "$A$p"); sc=$(stat -c '%F %a %u %g' "$C$p")
  [ -d "$A$p" ] || { sa="$sa $(stat -c %s "$A$p")"; sc="$sc $(stat -c %s "$C$p")"; }
  [ -L "$A$p" ] && sa="$sa $(readlink "$A$p")" && sc="$sc $(readlink "$C$p" 2>/dev/null)"
  [ "$sa" = "$sc" ] || echo "$p"
done > "$W/want-fc"
same "changed files are those whose type, mode, owner, size or target stat sees differ" "$W/want-fc" "$W/got-fc"

# An image against the directory it was exported to.
IMG=$FIX/images
if command -v podman > /dev/null && bash "$S/tests/fixtures/make-image-fixtures.sh" "$IMG" > "$W/img.log" 2>&1; then
  for what in packages executables files; do
    "$OCIGATE" diff --what $what --digests "docker-archive:$IMG/img.docker.tar" "$IMG/export" > "$W/img.$what"; rc=$?
    ok "$rc" "image against its exported tree, --what $what: exit 0"
    check "... the only line is the summary: 0 differences" \
      bash -c "test \$(wc -l < '$W/img.$what') -eq 1 && grep -q '^0 [a-z]* differences: 0 only in localhost/ogtest:1, 0 only in export, 0 ' '$W/img.$what'"
  done
  "$OCIGATE" diff --what executables --digests "oci:$IMG/img.oci-gzip:v1" "docker-archive:$IMG/img.docker.tar" > /dev/null
  ok $? "an OCI layout against a docker-archive of the same image: exit 0"
else
  sed 's/^/# /' "$W/img.log" | tail -5
  for i in 1 2 3 4 5 6 7; do skip "image against its exported tree ($i)" "no podman fixtures"; done
fi

# Two rpm trees: the fixture root, and one with og-meta left out, og-caret
# at another version, and a package of its own.
R=$FIX/rpm
bash "$S/tests/fixtures/make-rpm-fixtures.sh" "$R" > "$W/rpm.log" 2>&1
ok $? "make-rpm-fixtures.sh" || sed 's/^/# /' "$W/rpm.log"
mkdir -p "$W/spec" "$W/rpms" "$W/r2"
sed 's/^Version:.*/Version:        2.1/' "$S/tests/fixtures/rpm/og-caret.spec" > "$W/spec/og-caret.spec"
cat > "$W/spec/og-diff.spec" <<'SPEC'
Name:           og-diff
Epoch:          1
Version:        0.5
Release:        1
Summary:        ocigate diff fixture
License:        MIT
BuildArch:      noarch
%description
Only in the second rpm tree.
%files
SPEC
for s in "$W"/spec/*.spec; do
  rpmbuild --quiet -bb --define "_topdir $W/rpmbuild" --define "_rpmdir $W/rpms" "$s" >> "$W/rpmbuild.log" 2>&1
done
rpmq () { rpm --root "$1" --dbpath /var/lib/rpm "${@:2}"; }
rpm --root "$W/r2" --dbpath /var/lib/rpm --define '_db_backend sqlite' --nodeps --noscripts --ignorearch \
  -i "$W"/rpms/noarch/*.rpm $(ls "$R"/rpms/*/*.rpm | grep -Ev '/og-(meta|caret)-') > "$W/rpm2.log" 2>&1
ok $? "rpm -i of the second tree" || sed 's/^/# /' "$W/rpm2.log" "$W/rpmbuild.log"
q='%{NAME} %|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\n'
rpmq "$R/root" -qa --qf "$q" | LC_ALL=C sort > "$W/r1.list"
rpmq "$W/r2" -qa --qf "$q" | LC_ALL=C sort > "$W/r2.list"
"$OCIGATE" diff --format json "$R/root" "$W/r2" > "$W/r.json"; rc=$?
ok $((rc != 1)) "diff of the two rpm trees exits 1"
diff_rows_agree "rpm -qa listings" "$W/r1.list" "$W/r2.list" "$W/r.json" '"\(.name) \(.evr)"'
check "rpm: og-caret is one row with both versions, og-diff has its epoch" \
  jq -e '([.packages[] | select(.name == "og-caret" and .a and .b)] | length == 1) and ([.packages[] | select(.name == "og-diff") | .b.evr] == ["1:0.5-1"])' "$W/r.json"

# --output, and errors.
"$OCIGATE" diff -o "$W/out.json" --format json "$A" "$C" > "$W/out.stdout"; rc=$?
ok $((rc != 1)) "--output: exit status as without it"
check "--output writes the document, nothing on stdout" bash -c "cmp '$W/out.json' '$W/ac.json' && test ! -s '$W/out.stdout'"
check "--output leaves no temporary file" bash -c "test \$(ls -A '$W' | grep -c '^out\\.json') -eq 1"
# --output on the other verbs that write a document: the same bytes as stdout.
APK=$FIX/apk/root
bash "$S/tests/fixtures/make-apk-fixtures.sh" "$FIX/apk" > /dev/null 2>&1
echo '{"schema": "ocigate.manifest/v1", "packages": {"deny": ["og-*"]}}' > "$W/deny.json"
for v in "inventory --format json" "files --format json" "manifest generate" "check -m $W/deny.json --format json"; do
  "$OCIGATE" $v "$APK" > "$W/v.stdout"; rc1=$?
  "$OCIGATE" $v --output "$W/v.out" "$APK" > "$W/v.none"; rc2=$?
  check "$v --output FILE: the same document and exit status ($rc1) as on stdout" \
    bash -c "test $rc1 -eq $rc2 && test -s '$W/v.stdout' && cmp '$W/v.stdout' '$W/v.out' && test ! -s '$W/v.none'"
  rm -f "$W/v.out"
done
"$OCIGATE" inventory -o "$W/no/such/dir/x.json" "$APK" 2> "$W/err"; rc=$?
check "--output into a missing directory: exit 2, the message names the file" bash -c "test $rc -eq 2 && grep -q 'no/such/dir' '$W/err'"
"$OCIGATE" diff "$A" "$W/missing" 2> "$W/err"; rc=$?
check "a missing source: exit 2, the message names it" bash -c "test $rc -eq 2 && grep -q '$W/missing' '$W/err'"
"$OCIGATE" diff --what everything "$A" "$C" 2> "$W/err"; rc=$?
check "--what everything: exit 2 and what it takes" bash -c "test $rc -eq 2 && grep -q 'packages, executables or files' '$W/err'"
"$OCIGATE" diff "$A" 2> "$W/err"; rc=$?
check "one source: exit 2" bash -c "test $rc -eq 2 && grep -q 'two sources' '$W/err'"
"$OCIGATE" diff --format cyclonedx "$A" "$C" 2> "$W/err"; rc=$?
check "--format cyclonedx is not a diff format: exit 2" bash -c "test $rc -eq 2 && grep -q 'json, table or markdown' '$W/err'"
plan_end
