#!/bin/bash
# Allowed-content manifests on a real Debian minbase tree made by debootstrap:
# generate -> check passes; one extra binary -> exactly one finding; another
# package version -> a finding naming the package and both versions (dpkg-query
# is the oracle); the deny-list example finds every shell and package manager
# (find + dpkg-query are the oracle) and nothing in a distroless-style tree;
# lint names file:line:column and exits 2; the examples and schemas hold.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
P=$OG_SOURCE_ROOT/policy
DENY=$P/examples/deny-shells-pkgmgrs-compilers.json

# ---- lint and examples (no tree needed) -----------------------------------
# Host configs name their manifests in /etc/ocigate/manifests, which lint
# resolves: here they are found in policy/examples.
for f in "$P"/examples/*.json "$P/ocigate.json"; do
  jq --arg d "$P/examples" 'if .schema == "ocigate.config/v1" then .manifests_dir = $d else . end' "$f" > "$W/$(basename "$f")"
  "$OCIGATE" manifest lint "$W/$(basename "$f")" > "$W/out" 2>&1; ok $? "$(basename "$f") lints clean, with its manifests"
done
[ -s "$W/out" ] && ! grep -q ': ok$' "$W/out" && sed 's/^/# /' "$W/out"
# Debian's python3-jsonschema (scripts/deps.sh installs it), by the system python.
if true; then
  /usr/bin/python3 - "$P" > "$W/out" 2>&1 <<'PY'
import json, sys, jsonschema
p = sys.argv[1]
ms = json.load(open(p + "/ocigate.manifest.schema.json")); cs = json.load(open(p + "/ocigate.config.schema.json"))
V = jsonschema.Draft202012Validator
V.check_schema(ms); V.check_schema(cs)
for f in ("deny-shells-pkgmgrs-compilers.json", "debian-12-minbase.json"):
    V(ms).validate(json.load(open(p + "/examples/" + f)))
for f in ("ocigate.json", "examples/ocigate-enforce-prod.json"):
    V(cs).validate(json.load(open(p + "/" + f)))
PY
  ok $? "the examples validate against the JSON Schemas (draft 2020-12)"
  [ -s "$W/out" ] && sed 's/^/# /' "$W/out"
fi

cat > "$W/typo.json" <<'J'
{
  "schema": "ocigate.manifest/v1",
  "packages": { "allow": ["bash"], "unlistd": "deny" },
  "executables": { "deny": ["/usr/**bin"] }
}
J
"$OCIGATE" manifest lint "$W/typo.json" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "lint: a typo'd key exits 2"
line=$(grep -n unlistd "$W/typo.json" | cut -d: -f1)
col=$(awk -v l="$line" 'NR==l {print index($0, "\"unlistd\"")}' "$W/typo.json")
check "lint: the typo is reported at file:$line:$col" grep -q "^$W/typo.json:$line:$col: unknown key \"unlistd\"" "$W/e"
line=$(grep -n 'usr/\*\*bin' "$W/typo.json" | cut -d: -f1)
col=$(awk -v l="$line" 'NR==l {print index($0, "\"/usr")}' "$W/typo.json")
check "lint: the bad glob is reported at file:$line:$col" grep -q "^$W/typo.json:$line:$col: bad glob" "$W/e"
printf '{"schema": "ocigate.manifest/v1",\n "packages": {"allow": [{"name": "openssl", "version": ">= 1:1.0.2k, << 1.1"}]}}\n' > "$W/ver.json"
"$OCIGATE" manifest lint "$W/ver.json" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "lint: a bad version constraint exits 2"
col=$(awk 'NR==2 {print index($0, "\">= 1:")}' "$W/ver.json")
check "lint: the bad constraint is reported at file:2:$col" grep -q "^$W/ver.json:2:$col: bad version constraint" "$W/e"
printf '{"schema": "ocigate.config/v1",\n "rules": [{"match": {"annotations": {"a": "(x"}}, "manifest": null}]}\n' > "$W/cfg.json"
"$OCIGATE" manifest lint "$W/cfg.json" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "lint: a host config with a bad regex exits 2"
col=$(awk 'NR==2 {print index($0, "\"(x")}' "$W/cfg.json")
check "lint: the bad regex is reported at file:2:$col" grep -q "^$W/cfg.json:2:$col: bad regular expression" "$W/e"
"$OCIGATE" check --manifest "$W/typo.json" / > /dev/null 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "check with a broken manifest exits 2 before inspecting"

# ---- a distroless-style tree: no shell, no package manager -----------------
D=$W/distroless
mkdir -p "$D/usr/local/bin" "$D/usr/lib" "$D/etc" "$D/var/lib/dpkg/status.d"
cp /usr/bin/true "$D/usr/local/bin/server"; cp /usr/bin/env "$D/usr/local/bin/healthcheck"
printf 'ID=debian\nVERSION_ID="12"\n' > "$D/etc/os-release"
printf 'Package: base-files\nVersion: 12.4\nArchitecture: amd64\n' > "$D/var/lib/dpkg/status.d/base-files"
"$OCIGATE" check --manifest "$DENY" --format json "$D" > "$W/d.json" 2> "$W/e"; rc=$?
ok $((rc == 0 ? 0 : 1)) "deny-list on a distroless-style tree: exit 0"
check "deny-list on a distroless-style tree: verdict allow, no findings" \
  test "$(jq -r '.verdict + " " + (.findings|length|tostring)' "$W/d.json")" = "allow 0"
cp /bin/busybox "$D/usr/local/bin/busybox" 2>/dev/null && {
  "$OCIGATE" check --manifest "$DENY" --format json "$D" > "$W/d.json"; rc=$?
  ok $((rc == 1 ? 0 : 1)) "deny-list with busybox added: exit 1"
  check "deny-list with busybox added: one finding, executables.deny, naming it" \
    test "$(jq -r '.findings[] | .rule + " " + .subject' "$W/d.json")" = "executables.deny[3] /usr/local/bin/busybox"
  rm -f "$D/usr/local/bin/busybox"; }

# ---- the debootstrap tree ------------------------------------------------
if ! command -v debootstrap > /dev/null; then
  echo "# debootstrap missing: the minbase checks are not run"; plan_end; exit
fi
bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$OG_FIXTURES_OUT/debootstrap" 2> "$W/mk.err"
ok $? "debootstrap minbase tree made (cached under \$OG_FIXTURES_OUT)" || true
T=$OG_FIXTURES_OUT/debootstrap/minbase
[ -d "$T/var/lib/dpkg" ] || { sed 's/^/# /' "$W/mk.err"; plan_end; exit; }

"$OCIGATE" manifest generate --level versions --name golden "$T" > "$W/golden.json"; ok $? "generate --level versions"
"$OCIGATE" manifest lint "$W/golden.json" > /dev/null; ok $? "the generated manifest lints clean"
n_pk=$(dpkg-query --admindir="$T/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Package}:${Architecture}\n' | grep -c '^.i')
check "the generated manifest pins every installed package ($n_pk, dpkg-query)" \
  test "$(jq '[.packages.allow[] | select(.version | startswith("= "))] | length' "$W/golden.json")" = "$n_pk"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$T" > "$W/c.json"; rc=$?
ok $((rc == 0 ? 0 : 1)) "check on the same tree: exit 0"
check "check on the same tree: allow with 0 findings" \
  test "$(jq -r '.verdict + " " + (.findings|length|tostring)' "$W/c.json")" = "allow 0"
check "check json names the manifest and its sha256" \
  test "$(jq -r '.schema + " " + .manifest.name + " " + .manifest.sha256' "$W/c.json")" = "ocigate.check/v1 golden $(sha256sum < "$W/golden.json" | cut -d' ' -f1)"
for lvl in names digests; do
  "$OCIGATE" manifest generate --level $lvl "$T" > "$W/g-$lvl.json"
  "$OCIGATE" check --manifest "$W/g-$lvl.json" "$T" > "$W/out"; ok $? "generate --level $lvl: check on the same tree passes"
done

# A shadow of the tree: hard links, so changing it never touches the cache.
S=$W/shadow; cp -al "$T" "$S"
cp /bin/busybox "$S/usr/local/bin/busybox"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$S" > "$W/c.json"; rc=$?
ok $((rc == 1 ? 0 : 1)) "busybox in /usr/local/bin: exit 1"
check "busybox in /usr/local/bin: exactly one finding, unlisted, naming /usr/local/bin/busybox" \
  test "$(jq -r '[.findings[] | .rule + " " + .subject] | join(";")' "$W/c.json")" = "executables.unlisted /usr/local/bin/busybox"
"$OCIGATE" check --manifest "$W/golden.json" "$S" > "$W/t.txt"
check "table output: one line for the finding and a deny verdict" \
  bash -c "grep -c '^executables.unlisted  */usr/local/bin/busybox' '$W/t.txt' | grep -qx 1 && grep -q '^verdict: deny (1 finding' '$W/t.txt'"
"$OCIGATE" check --manifest "$W/g-digests.json" --format json "$S" > "$W/c.json"
check "digests manifest, busybox added: exactly one finding naming it" \
  test "$(jq -r '[.findings[] | .subject] | join(";")' "$W/c.json")" = "/usr/local/bin/busybox"
rm -f "$S/usr/local/bin/busybox"

pkg=sed
old=$(dpkg-query --admindir="$T/var/lib/dpkg" -W -f='${Version}' $pkg)
new="$old+ocigate1"
rm "$S/var/lib/dpkg/status"
awk -v p="$pkg" -v n="$new" '/^Package: /{cur=$2} cur==p && /^Version: /{print "Version: " n; next} {print}' \
  "$T/var/lib/dpkg/status" > "$S/var/lib/dpkg/status"
check "the changed tree has $pkg at $new (dpkg-query)" \
  test "$(dpkg-query --admindir="$S/var/lib/dpkg" -W -f='${Version}' $pkg)" = "$new"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$S" > "$W/c.json"; rc=$?
ok $((rc == 1 ? 0 : 1)) "$pkg at another version: exit 1"
check "$pkg at another version: one finding naming $pkg and both versions" \
  bash -c "test \"\$(jq '.findings|length' '$W/c.json')\" = 1 && jq -r '.findings[0] | .subject + \" | \" + .reason' '$W/c.json' | grep -F '$pkg $new' | grep -F '= $old' | grep -qF 'version $new of $pkg'"

# Deny-list on the Debian tree: every shell and package manager reported.
"$OCIGATE" check --manifest "$DENY" --format json "$T" > "$W/c.json"; rc=$?
ok $((rc == 1 ? 0 : 1)) "deny-list on minbase: exit 1"
names='^(bash|dash|sh|busybox|ash|zsh|apt|apt-get|dpkg|rpm|yum|dnf|microdnf|apk|pip|pip3|gcc|cc|make)$'
(cd "$T" && find . -type f -perm /111 | sed 's|^\.||' | while read -r f; do
   b=${f##*/}; [[ $b =~ $names ]] && echo "$f"; done) | sort > "$W/want-exec"
jq -r '.findings[] | select(.kind == "executable") | .subject' "$W/c.json" | sort > "$W/got-exec"
check "minbase has shells and package managers to find (find)" test -s "$W/want-exec"
same "deny-list reports every shell and package manager executable (find)" "$W/want-exec" "$W/got-exec"
dpkg-query --admindir="$T/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 ~ /^.i/ {print $2}' \
  | grep -E '^(bash|dash|zsh|ash|mksh|busybox|busybox-.*|apt|dpkg|rpm|yum|dnf|microdnf|apk-tools|python3-pip|python.*-pip|py3-pip|gcc|gcc-[0-9].*|make)$' | sort > "$W/want-pkg"
jq -r '.findings[] | select(.kind == "package") | .subject | split(" ")[0]' "$W/c.json" | sort > "$W/got-pkg"
same "deny-list reports every shell and package manager package (dpkg-query)" "$W/want-pkg" "$W/got-pkg"

# The committed strict example: drift only in package versions, never in shape.
"$OCIGATE" check --manifest "$P/examples/debian-12-minbase.json" --format json "$T" > "$W/c.json"
check "the strict example on a fresh minbase: any finding is a package version drift" \
  test "$(jq '[.findings[] | select(.rule | startswith("packages.allow[") | not)] | length' "$W/c.json")" = 0

# Launch facts from an OCI config.json.
printf '{"schema": "ocigate.manifest/v1", "launch": {"readonly_rootfs": true, "no_new_privileges": "when-privileged", "allowed_bind_mounts": ["/srv/**"]}}\n' > "$W/launch.json"
printf '{"ociVersion": "1.0.2", "root": {"path": "rootfs", "readonly": false}, "process": {"noNewPrivileges": false}, "mounts": [{"destination": "/d", "type": "bind", "source": "/var/run/docker.sock"}]}\n' > "$W/config.json"
"$OCIGATE" check --manifest "$W/launch.json" --oci-config "$W/config.json" --format json "$T" > "$W/c.json"; rc=$?
ok $((rc == 1 ? 0 : 1)) "launch rules with --oci-config: exit 1"
check "launch rules: readonly, no_new_privileges (minbase has setuid files), the bind mount" \
  test "$(jq -r '[.findings[] | .rule] | join(",")' "$W/c.json")" = "launch.readonly_rootfs,launch.no_new_privileges,launch.allowed_bind_mounts"
"$OCIGATE" check --manifest "$W/golden.json" "$W/nonexistent" > /dev/null 2>&1; rc=$?
ok $((rc == 3 ? 0 : 1)) "a source that cannot be opened: exit 3"
# Content that cannot be inspected is a finding, never an error: exit 1.
d=$W/deep; for i in $(seq 257); do d=$d/d; done; mkdir -p "$d"
"$OCIGATE" check --manifest "$W/golden.json" --format json "$W/deep" > "$W/deep.json" 2> "$W/deep.err"; rc=$?
ok $((rc == 1 ? 0 : 1)) "257 nested directories: check exits 1 (rc=$rc)"
check "... with an inspection finding that names the depth limit" \
  jq -e '.findings | any(.rule == "inspection" and (.reason | test("depth")))' "$W/deep.json"
plan_end
