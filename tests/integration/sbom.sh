#!/bin/bash
# inventory --format cyclonedx|spdx: the documents of a Debian tree
# (debootstrap minbase), an rpm tree (rpmbuild + rpm) and an apk fixture
# validate against the official JSON schemas (CycloneDX 1.6 and 1.5, SPDX
# 2.3, kept in tests/data/sbom/) with python3-jsonschema, and the CycloneDX
# ones with the validator of the @cyclonedx/cyclonedx-library npm package;
# they list exactly the inventory's packages with the same purls, versions
# and licenses, the OS, and the executables with their sha256 under their
# owning package; two runs give the same bytes with SOURCE_DATE_EPOCH.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
S=$OG_SOURCE_ROOT
FIX=${OG_FIXTURES_OUT:?}
D=$S/tests/data/sbom
V="python3 $S/tests/tools/validate-json.py"
CDX_REFS=(--with "$D/cyclonedx/spdx.SNAPSHOT.schema.json" --with "$D/cyclonedx/jsf-0.82.SNAPSHOT.schema.json")
workdir
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01T00:00:00Z

bash "$S/tests/fixtures/make-debootstrap.sh" "$FIX" > /dev/null 2>&1; ok $? "debootstrap minbase tree"
bash "$S/tests/fixtures/make-rpm-fixtures.sh" "$FIX/rpm" > /dev/null 2>&1; ok $? "rpm fixture tree"
bash "$S/tests/fixtures/make-apk-fixtures.sh" "$FIX/apk" > /dev/null 2>&1; ok $? "apk fixture tree"
NODE_MODULES=$(npm root -g 2>/dev/null)
have_node=false
[ -n "$NODE_MODULES" ] && [ -d "$NODE_MODULES/@cyclonedx/cyclonedx-library" ] && have_node=true
cdx_node () { NODE_PATH=$NODE_MODULES node "$S/tests/tools/cdx-validate.cjs" "$@"; }

# The inventory's package rows: name, version as the ecosystem writes it, purl.
inv_rows () {
  jq -r '.packages[] | [.name,
    ((if .epoch != null and (.type == "rpm" or .epoch != 0) then "\(.epoch):" else "" end)
     + .version + (if .release then "-" + .release else "" end)),
    .purl, (.license // "")] | @tsv' "$1" | LC_ALL=C sort
}
for t in minbase:"$FIX/minbase" rpm:"$FIX/rpm/root" apk:"$FIX/apk/root"; do
  n=${t%%:*}; R=${t#*:}
  "$OCIGATE" inventory --format json --digests "$R" > "$W/$n.inv.json"
  "$OCIGATE" inventory --format cyclonedx --digests "$R" > "$W/$n.cdx.json"; ok $? "$n: inventory --format cyclonedx exits 0"
  "$OCIGATE" inventory --format cyclonedx --cyclonedx-version 1.5 --digests "$R" > "$W/$n.cdx15.json"
  "$OCIGATE" inventory --format spdx --digests "$R" > "$W/$n.spdx.json"; ok $? "$n: inventory --format spdx exits 0"
  check "$n: CycloneDX 1.6 validates against bom-1.6.schema.json (python3-jsonschema)" \
    $V "$D/cyclonedx/bom-1.6.SNAPSHOT.schema.json" "${CDX_REFS[@]}" "$W/$n.cdx.json"
  check "$n: CycloneDX 1.5 validates against bom-1.5.schema.json (python3-jsonschema)" \
    $V "$D/cyclonedx/bom-1.5.SNAPSHOT.schema.json" "${CDX_REFS[@]}" "$W/$n.cdx15.json"
  check "$n: SPDX validates against the SPDX 2.3 schema (python3-jsonschema)" \
    $V "$D/spdx/spdx-2.3.schema.json" "$W/$n.spdx.json"
  if $have_node; then
    check "$n: CycloneDX 1.6 and 1.5 pass @cyclonedx/cyclonedx-library's JsonStrictValidator" \
      bash -c "NODE_PATH='$NODE_MODULES' node '$S/tests/tools/cdx-validate.cjs' 1.6 '$W/$n.cdx.json' && NODE_PATH='$NODE_MODULES' node '$S/tests/tools/cdx-validate.cjs' 1.5 '$W/$n.cdx15.json'"
  else
    skip "$n: CycloneDX passes @cyclonedx/cyclonedx-library's validator" "the npm package is not installed (scripts/deps.sh test)"
  fi
  inv_rows "$W/$n.inv.json" > "$W/$n.want"
  check "$n: the inventory has packages and executables with their sha256 to compare" \
    jq -e '(.packages | length > 0) and (.executables | length > 0) and ([.executables[] | select(.sha256 == null)] == [])' "$W/$n.inv.json"
  jq -r '.components[] | select(.type == "library") | [.name, .version, .purl, (.licenses[0].license.name // .licenses[0].expression // "")] | @tsv' \
    "$W/$n.cdx.json" | LC_ALL=C sort > "$W/$n.cdx.rows"
  same "$n: CycloneDX libraries are the inventory's packages (name, version, purl, license)" "$W/$n.want" "$W/$n.cdx.rows"
  jq -r '.packages[] | select(.primaryPackagePurpose == "LIBRARY") | [.name, .versionInfo,
         (.externalRefs[] | select(.referenceType == "purl") | .referenceLocator)] | @tsv' "$W/$n.spdx.json" | LC_ALL=C sort > "$W/$n.spdx.rows"
  same "$n: SPDX packages are the inventory's packages (name, version, purl)" <(cut -f1-3 "$W/$n.want") "$W/$n.spdx.rows"
  # Executables: file components with their sha256, nested in the owning package.
  jq -r '.executables[] | [.path, .sha256, (.package // "-")] | @tsv' "$W/$n.inv.json" | LC_ALL=C sort > "$W/$n.x.want"
  jq -r '(.components[] | select(.type == "file") | [.name, .hashes[0].content, "-"]),
         (.components[] | select(.type == "library") | .name as $p | (.components // [])[] | [.name, .hashes[0].content, $p])
         | @tsv' "$W/$n.cdx.json" | LC_ALL=C sort > "$W/$n.x.cdx"
  same "$n: CycloneDX files are the executables, sha256 and owning package" "$W/$n.x.want" "$W/$n.x.cdx"
  jq -r '. as $d | ($d.packages | map({key: .SPDXID, value: .name}) | from_entries) as $names
         | $d.files[] | .SPDXID as $f | [(.fileName | ltrimstr(".")), .checksums[0].checksumValue,
           ([$d.relationships[] | select(.relatedSpdxElement == $f and .relationshipType == "CONTAINS") | .spdxElementId][0]
            | if . == "SPDXRef-Subject" then "-" else $names[.] end)] | @tsv' "$W/$n.spdx.json" | LC_ALL=C sort > "$W/$n.x.spdx"
  same "$n: SPDX files are the executables, sha256, and CONTAINS from the owning package" "$W/$n.x.want" "$W/$n.x.spdx"
  "$OCIGATE" inventory --format cyclonedx --digests "$R" > "$W/$n.cdx2.json"
  "$OCIGATE" inventory --format spdx --digests "$R" > "$W/$n.spdx2.json"
  check "$n: two runs give the same bytes (SOURCE_DATE_EPOCH set)" \
    bash -c "cmp '$W/$n.cdx.json' '$W/$n.cdx2.json' && cmp '$W/$n.spdx.json' '$W/$n.spdx2.json'"
done

# The OS, the time, the subject.
# The supplier of a deb package is its Maintainer, as dpkg-query gives it.
dpkg-query --admindir="$FIX/minbase/var/lib/dpkg" -W -f='${Package}\t${Maintainer}\n' |
  sed -E 's/^([^\t]*)\t(.*[^ ]) *<([^>]*)>$/\1\t\2\t\3/' | sort -u > "$W/maint-dpkg"
jq -r '.components[] | select(.type == "library") | "\(.name)\t\(.supplier.name)\t\(.supplier.contact[0].email)"' \
  "$W/minbase.cdx.json" | sort -u > "$W/maint-cdx"
check "minbase: dpkg-query lists maintainers (oracle sanity)" test "$(wc -l < "$W/maint-dpkg")" -gt 50
same "minbase: each CycloneDX component's supplier is its dpkg Maintainer (name, email)" "$W/maint-dpkg" "$W/maint-cdx"
check "minbase: SPDX suppliers are 'Organization: NAME (EMAIL)' of the Maintainer" \
  jq -e --arg m "$(dpkg-query --admindir="$FIX/minbase/var/lib/dpkg" -W -f='${Maintainer}' bash)" \
  '[.packages[] | select(.name == "bash") | .supplier] == ["Organization: " + ($m | sub(" *<(?<e>[^>]*)>$"; " (\(.e))"))]' "$W/minbase.spdx.json"
check "minbase: the OS is an operating-system component with os-release's ID and VERSION_ID" \
  jq -e --arg id "$(. "$FIX/minbase/etc/os-release"; echo "$ID")" --arg v "$(. "$FIX/minbase/etc/os-release"; echo "$VERSION_ID")" \
  '[.components[] | select(.type == "operating-system") | [.name, .version]] == [[$id, $v]]' "$W/minbase.cdx.json"
check "minbase: SPDX has the OS as a package of purpose OPERATING_SYSTEM that the subject CONTAINS" \
  jq -e '([.packages[] | select(.primaryPackagePurpose == "OPERATING_SYSTEM") | .name] == ["debian"])
         and ([.relationships[] | select(.spdxElementId == "SPDXRef-Subject" and .relatedSpdxElement == "SPDXRef-OperatingSystem")] | length == 1)' "$W/minbase.spdx.json"
want_time=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
check "the document time is SOURCE_DATE_EPOCH ($want_time)" \
  bash -c "jq -e --arg t '$want_time' '.metadata.timestamp == \$t' '$W/minbase.cdx.json' && jq -e --arg t '$want_time' '.creationInfo.created == \$t' '$W/minbase.spdx.json'"
SOURCE_DATE_EPOCH=1767225601 "$OCIGATE" inventory --format cyclonedx --digests "$FIX/minbase" > "$W/later.json"
check "another SOURCE_DATE_EPOCH changes only the time" \
  bash -c "diff <(jq 'del(.metadata.timestamp)' '$W/minbase.cdx.json') <(jq 'del(.metadata.timestamp)' '$W/later.json')"
check "two trees get two serial numbers and namespaces" \
  bash -c "test \"\$(jq -r .serialNumber '$W/rpm.cdx.json')\" != \"\$(jq -r .serialNumber '$W/apk.cdx.json')\" && test \"\$(jq -r .documentNamespace '$W/rpm.spdx.json')\" != \"\$(jq -r .documentNamespace '$W/minbase.spdx.json')\""
SOURCE_DATE_EPOCH=yesterday "$OCIGATE" inventory --format spdx "$FIX/apk/root" > /dev/null 2> "$W/err"; rc=$?
check "a SOURCE_DATE_EPOCH that is not a number: exit 2, named" bash -c "test $rc -eq 2 && grep -q SOURCE_DATE_EPOCH '$W/err'"

# Licenses as the databases hold them: rpm's LICENSE tag, apk's L: lines.
rpm --root "$FIX/rpm/root" --dbpath /var/lib/rpm -qa --qf '%{NAME}\t%{LICENSE}\n' | LC_ALL=C sort > "$W/rpm.lic"
same "rpm: CycloneDX licenses equal rpm -q --qf %{LICENSE}" "$W/rpm.lic" <(cut -f1,4 "$W/rpm.cdx.rows")
awk '/^P:/ { p = substr($0, 3) } /^L:/ { print p "\t" substr($0, 3) }' "$FIX/apk/root/lib/apk/db/installed" | LC_ALL=C sort > "$W/apk.lic"
same "apk: CycloneDX licenses equal the database's L: lines" "$W/apk.lic" <(cut -f1,4 "$W/apk.cdx.rows")
check "rpm: SPDX declares a license that is no SPDX expression as a LicenseRef- with its text" \
  jq -e '[.packages[] | select(.name == "og-caret") | .licenseDeclared][0] as $r
         | ($r | startswith("LicenseRef-")) and ([.hasExtractedLicensingInfos[] | select(.licenseId == $r) | .extractedText] == ["ASL 2.0 and (GPLv2+ or MIT)"])' "$W/rpm.spdx.json"
check "rpm: a license that is an SPDX expression is declared as it is" \
  jq -e '[.packages[] | select(.name == "og-epoch") | .licenseDeclared] == ["MIT"]' "$W/rpm.spdx.json"

# Licenses of the minbase tree from its machine-readable (DEP-5) copyright
# files: every such package has them, no other package has any, and each
# single-name License: line of a file is one AND-operand of the package's
# expression, mapped as documented (the SPDX license list of
# tests/data/sbom/cyclonedx/spdx.SNAPSHOT.schema.json without regard to case,
# Debian's GNU names GPL-2+ -> GPL-2.0-or-later, Expat -> MIT, else
# LicenseRef-NAME); every identifier of every SPDX licenseDeclared is on the
# SPDX list and every LicenseRef- is declared.
python3 - "$FIX/minbase" "$W/minbase.inv.json" "$W/minbase.spdx.json" "$D/cyclonedx/spdx.SNAPSHOT.schema.json" > "$W/lic.txt" 2>&1 <<'PY'
import json, os, re, sys
root, inv, spdx, ids = sys.argv[1:]
official = {i.lower(): i for i in json.load(open(ids))["enum"]}
aliases = {"expat": "MIT", "apache-2": "Apache-2.0", "artistic": "Artistic-1.0", "cc0": "CC0-1.0"}
def gnu(name):
    m = re.fullmatch(r"(GFDL-NIV|AGPL|LGPL|GFDL|GPL)(?:[-v]([0-9]+(?:\.[0-9]+)?))?(\+?)", name, re.I)
    if not m: return None
    fam, ver, plus = m.group(1).upper(), m.group(2), m.group(3)
    if ver is None:
        ver, plus = {"GPL": "1.0", "LGPL": "2.0", "AGPL": "1.0"}.get(fam, "1.1"), "+"
    if "." not in ver: ver += ".0"
    base = "GFDL" if fam == "GFDL-NIV" else fam
    return "%s-%s%s-%s" % (base, ver, "-no-invariants" if fam == "GFDL-NIV" else "", "or-later" if plus else "only")
def mapped(name):
    return gnu(name) or aliases.get(name.lower()) or official.get(name.lower()) or "LicenseRef-" + re.sub(r"[^A-Za-z0-9.-]", "-", name)
def operands(expr):
    out, depth, cur = [], 0, ""
    for tok in re.split(r"( AND )", expr):
        if tok == " AND " and depth == 0: out.append(cur); cur = ""; continue
        depth += tok.count("(") - tok.count(")"); cur += tok
    out.append(cur)
    return {o[1:-1] if o.startswith("(") and o.endswith(")") else o for o in out}
lic = {p["name"]: p["license"] for p in json.load(open(inv))["packages"]}
bad = dep5 = checked = 0
for name, got in sorted(lic.items()):
    f = os.path.join(root, "usr/share/doc", name, "copyright")
    try: text = open(f, encoding="utf-8", errors="replace").read()
    except OSError: text = ""
    paras = [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    is_dep5 = bool(paras) and re.search(r"^Format(-Specification)?:.*(copyright-format|dep5)", paras[0], re.I | re.M)
    if not is_dep5:
        if got is not None: print("# %s: no DEP-5 file but license %r" % (name, got)); bad += 1
        continue
    dep5 += 1
    if got is None: print("# %s: DEP-5 but no license" % name); bad += 1; continue
    ops = operands(got)
    for i, p in enumerate(paras):
        if i > 0 and not re.search(r"^Files:", p, re.M): continue
        m = re.search(r"^License:[ \t]*(\S+)[ \t]*$", p, re.M)
        if not m: continue
        checked += 1
        if mapped(m.group(1)) not in ops:
            print("# %s: License: %s -> %s not in %r" % (name, m.group(1), mapped(m.group(1)), got)); bad += 1
doc = json.load(open(spdx))
declared = {e["licenseId"] for e in doc.get("hasExtractedLicensingInfos", [])}
for p in doc["packages"]:
    for tok in re.findall(r"[A-Za-z0-9.+-]+", p.get("licenseDeclared", "NOASSERTION")):
        t = tok.rstrip("+")
        if tok in ("AND", "OR", "WITH", "NOASSERTION"): continue
        if t.startswith("LicenseRef-"):
            if t not in declared: print("# %s: %s not declared" % (p["name"], t)); bad += 1
        elif t not in official.values(): print("# %s: %s is not on the SPDX list" % (p["name"], t)); bad += 1
print("dep5 %d checked %d bad %d" % (dep5, checked, bad))
PY
grep '^#' "$W/lic.txt" | head -20
check "minbase: DEP-5 licenses match the copyright files' License: lines, ids on the SPDX list" \
  grep -qE '^dep5 [1-9][0-9] checked [1-9][0-9]+ bad 0$' "$W/lic.txt"
grep -v '^#' "$W/lic.txt" | sed 's/^/# /'
check "minbase: the CycloneDX licenses of deb packages are SPDX expressions" \
  jq -e '[.components[] | select(.type == "library" and .licenses) | .licenses[0] | keys[0]] | unique == ["expression"]' "$W/minbase.cdx.json"

# The validators can fail: the same documents with one wrong field.
jq '.components[1].type = "no-such-type"' "$W/minbase.cdx.json" > "$W/bad.cdx.json"
jq 'del(.packages[2].SPDXID)' "$W/minbase.spdx.json" > "$W/bad.spdx.json"
check "negative control: python3-jsonschema rejects a wrong component type and a package without SPDXID" \
  bash -c "! $V '$D/cyclonedx/bom-1.6.SNAPSHOT.schema.json' ${CDX_REFS[*]} '$W/bad.cdx.json' && ! $V '$D/spdx/spdx-2.3.schema.json' '$W/bad.spdx.json'"
if $have_node; then
  check "negative control: the npm validator rejects the wrong component type" bash -c "! NODE_PATH='$NODE_MODULES' node '$S/tests/tools/cdx-validate.cjs' 1.6 '$W/bad.cdx.json'"
else
  skip "negative control: the npm validator" "the npm package is not installed (scripts/deps.sh test)"
fi

# An image: the subject is the image, named by its tag, with its config digest.
IMG=$FIX/images
if command -v podman > /dev/null && bash "$S/tests/fixtures/make-image-fixtures.sh" "$IMG" > "$W/img.log" 2>&1; then
  "$OCIGATE" inventory --format json "docker-archive:$IMG/img.docker.tar" > "$W/img.inv.json"
  "$OCIGATE" inventory --format cyclonedx "docker-archive:$IMG/img.docker.tar" > "$W/img.cdx.json"
  "$OCIGATE" inventory --format spdx -o "$W/img.spdx.json" "docker-archive:$IMG/img.docker.tar"
  check "image: CycloneDX validates, its subject is the tag with the config digest as SHA-256" \
    bash -c "$V '$D/cyclonedx/bom-1.6.SNAPSHOT.schema.json' ${CDX_REFS[*]} '$W/img.cdx.json' && jq -e --slurpfile i '$W/img.inv.json' \
      '.metadata.component.name == \$i[0].source.tags[0] and .metadata.component.hashes[0].content == (\$i[0].source.config_digest | ltrimstr(\"sha256:\"))' '$W/img.cdx.json'"
  check "image: SPDX (written with -o) validates, the subject CONTAINER carries the config digest" \
    bash -c "$V '$D/spdx/spdx-2.3.schema.json' '$W/img.spdx.json' && jq -e --slurpfile i '$W/img.inv.json' \
      '[.packages[] | select(.SPDXID == \"SPDXRef-Subject\") | .primaryPackagePurpose, .checksums[0].checksumValue] == [\"CONTAINER\", (\$i[0].source.config_digest | ltrimstr(\"sha256:\"))]' '$W/img.spdx.json'"
  check "image without --digests: CycloneDX lists every executable, SPDX only those with a sha256 (none)" \
    bash -c "jq -e --slurpfile i '$W/img.inv.json' '[.components[] | select(.type == \"file\")] | length == (\$i[0].executables | length)' '$W/img.cdx.json' && jq -e '.files == []' '$W/img.spdx.json'"
else
  for i in 1 2 3; do skip "image SBOM check $i" "no podman fixtures"; done
fi
plan_end
