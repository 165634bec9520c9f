#!/bin/bash
# The image author never picks the verdict.  Each case is an attack by
# someone who controls the image content, against the enforcing example host
# config (policy/examples/ocigate-enforce-prod.json: enforce on prod-*
# namespaces with the deny-list manifest, on_error allow) and the example
# deny-list manifest, which denies /bin/busybox.  The hook is run as a runtime runs it (the state on stdin,
# the bundle's config.json); each verdict must be deny, by an `inspection`
# finding or by the finding the content deserves, never an error that
# on_error turns into allow, and nothing may run past the deadline.
set -u
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
HOOK=$OG_BUILD_ROOT/hook/ocigate-hook
W=$(mktemp -d /var/tmp/og-attacks.XXXXXX)
cleanup () {
  for m in "$W"/ovl/merged "$W"/ovl/lower; do mountpoint -q "$m" && umount "$m"; done
  rm -rf "$W"
}
trap cleanup EXIT
A=$W/audit.jsonl; M=$W/manifests; mkdir -p "$M"
cp "$OG_SOURCE_ROOT/policy/examples/deny-shells-pkgmgrs-compilers.json" "$M/"
# The example enforcing host config, pointed at this test's audit file and manifests.
shipped () { # shipped [DEADLINE_MS]
  jq --arg a "$A" --arg m "$M" --argjson dl "${1:-5000}" \
    '.audit = {file: $a, syslog: false} | .manifests_dir = $m | .deadline_ms = $dl' \
    "$OG_SOURCE_ROOT/policy/examples/ocigate-enforce-prod.json" > "$W/ocigate.json"
}
shipped
# rootfs DIR: a busybox root (the deny-list denies busybox), no package database.
rootfs () {
  mkdir -p "$1/bin" "$1/etc"
  cp /bin/busybox "$1/bin/busybox"
  printf 'ID=ogattack\nVERSION_ID=1\n' > "$1/etc/os-release"
}
# bundle DIR ROOT [MOUNTS-JSON]: a config.json whose root is ROOT.
bundle () {
  mkdir -p "$1"
  jq -n --arg r "$2" --argjson m "${3:-[]}" \
    '{ociVersion: "1.0.2", root: {path: $r}, process: {args: ["/bin/sh"], noNewPrivileges: true}, mounts: $m}' \
    > "$1/config.json"
}
# hook ID BUNDLE -> rc; the container is in a prod- namespace (enforce).
hook () {
  local t0=$(date +%s%N)
  printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":1,"bundle":"%s","annotations":{"io.kubernetes.pod.namespace":"prod-attack"}}' "$1" "$2" \
    | timeout 60 "$HOOK" --config "$W/ocigate.json" --audit-file "$A" > "$W/out" 2> "$W/err"
  local rc=$?
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  return $rc
}
# denied DESC JQ-FINDING-TEST: exit 1 and a "deny" record with such a finding.
denied () {
  local rc=$1 desc=$2 test=$3
  ok $(( rc == 1 ? 0 : 1 )) "$desc: the launch is denied (exit $rc)"
  check "$desc: the record says deny, with $test" \
    jq -e --arg id "$ID" ".container.id == \$id and .decision == \"deny\" and (.findings | any($test))" <(tail -n 1 "$A")
}
inspection='.rule == "inspection"'
busybox='.subject == "/bin/busybox"'

# 1a. A root with 257 nested directories.
R=$W/deep/rootfs; rootfs "$R"
d=$R; for i in $(seq 257); do d=$d/d; done; mkdir -p "$d"
bundle "$W/deep" "$R"; ID=deep; hook $ID "$W/deep"; rc=$?
denied $rc "257 nested directories" "$inspection"
check "257 nested directories: the finding names the limit and where" \
  jq -e '.findings | any(.rule == "inspection" and (.reason | test("depth|deep|nest")) and ((.subject | startswith("/d/d")) or (.reason | contains("/d/d"))))' <(tail -n 1 "$A")

# 1b. A dpkg status line over 1 MiB.
R=$W/longline/rootfs; rootfs "$R"; mkdir -p "$R/var/lib/dpkg/info"
{ printf 'Package: busybox\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nDescription: '
  head -c 1200000 /dev/zero | tr '\0' x; printf '\n\n'; } > "$R/var/lib/dpkg/status"
bundle "$W/longline" "$R"; ID=longline; hook $ID "$W/longline"; rc=$?
denied $rc "a dpkg status line over 1 MiB" "$inspection"
check "the long line: the finding names the database" \
  jq -e '.findings | any(.rule == "inspection" and (.subject == "/var/lib/dpkg/status" or (.reason | contains("/var/lib/dpkg/status"))))' <(tail -n 1 "$A")

# 1c. A one-byte rpmdb.sqlite-wal next to a valid rpmdb.sqlite (made by rpm).
FIX=${OG_FIXTURES_OUT:?}
bash "$OG_SOURCE_ROOT/tests/fixtures/make-rpm-fixtures.sh" "$FIX/rpm" > /dev/null 2>&1
R=$W/wal/rootfs; rootfs "$R"; mkdir -p "$R/var/lib/rpm"
cp "$FIX/rpm/root/var/lib/rpm/rpmdb.sqlite" "$R/var/lib/rpm/"; printf 'x' > "$R/var/lib/rpm/rpmdb.sqlite-wal"
bundle "$W/wal" "$R"; ID=wal; hook $ID "$W/wal"; rc=$?
denied $rc "a one-byte rpmdb.sqlite-wal" "$inspection"

# 1d. A 200 GB sparse executable while the manifest pins a sha256: hashing
# checks the deadline, and the verdict is deny within it.
R=$W/sparse/rootfs; rootfs "$R"; truncate -s 200G "$R/bin/huge"; chmod 755 "$R/bin/huge"
jq '.executables.allow += [{"path": "/bin/pinned", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]' \
  "$M/deny-shells-pkgmgrs-compilers.json" > "$W/pinned.json" && cp "$W/pinned.json" "$M/deny-shells-pkgmgrs-compilers.json"
shipped 2000
bundle "$W/sparse" "$R"; ID=sparse; hook $ID "$W/sparse"; rc=$?
denied $rc "a 200 GB sparse executable under a sha256-pinning manifest" "$inspection"
check "the sparse executable: no later than the deadline and a second (${ELAPSED_MS} ms)" test "$ELAPSED_MS" -lt 3500
cp "$OG_SOURCE_ROOT/policy/examples/deny-shells-pkgmgrs-compilers.json" "$M/"; shipped

# 2. Mount destinations do not hide image content: an image VOLUME at
# /opt/tools holds busybox, which podman copies into the volume it mounts there.
R=$W/vol/rootfs; rootfs "$R"; rm "$R/bin/busybox"; mkdir -p "$R/opt/tools" "$W/vol/volume"
cp /bin/busybox "$R/opt/tools/busybox"; cp /bin/busybox "$W/vol/volume/busybox"
bundle "$W/vol" "$R" "[{\"destination\": \"/opt/tools\", \"type\": \"bind\", \"source\": \"$W/vol/volume\", \"options\": [\"rbind\"]}]"
ID=volume; hook $ID "$W/vol"; rc=$?
denied $rc "busybox under a VOLUME mount destination" '.subject == "/opt/tools/busybox"'
# A destination written "//" names the root, and must not leave it out.
R=$W/slash/rootfs; rootfs "$R"; mkdir -p "$W/slash/empty"
bundle "$W/slash" "$R" "[{\"destination\": \"//\", \"type\": \"bind\", \"source\": \"$W/slash/empty\", \"options\": [\"bind\"]}]"
ID=slashslash; hook $ID "$W/slash"; rc=$?
denied $rc "a mount destination written //" "$busybox"
# The runtime's own placeholders (an empty file at a destination) are still left out.
R=$W/ph/rootfs; rootfs "$R"; : > "$R/etc/hostname"; mkdir -p "$W/ph/h"; : > "$W/ph/h/hostname"
bundle "$W/ph" "$R" "[{\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$W/ph/h/hostname\", \"options\": [\"bind\"]}]"
ID=placeholder; hook $ID "$W/ph"; rc=$?
denied $rc "a placeholder at a mount destination" "$busybox"

# 3. An overlay root whose lower layer (tmpfs) and upper layer (disk) are
# different filesystems: files report the lower's st_dev, and are walked.
mkdir -p "$W/ovl/lower" "$W/ovl/upper" "$W/ovl/work" "$W/ovl/merged"
if mount -t tmpfs -o size=64m tmpfs "$W/ovl/lower" 2> "$W/err"; then
  rootfs "$W/ovl/lower"; mkdir -p "$W/ovl/upper/etc"; printf 'ID=upper\n' > "$W/ovl/upper/etc/os-release"
  if mount -t overlay overlay -o "lowerdir=$W/ovl/lower,upperdir=$W/ovl/upper,workdir=$W/ovl/work" "$W/ovl/merged" 2>> "$W/err"; then
    bundle "$W/ovlb" "$W/ovl/merged"; ID=overlay; hook $ID "$W/ovlb"; rc=$?
    denied $rc "busybox in the tmpfs lower layer of an overlay root" "$busybox"
    "$OCIGATE" inventory --format json "$W/ovl/merged" > "$W/ovl.json" 2>> "$W/err"
    check "inventory of the overlay root lists /bin/busybox" jq -e '.executables | any(.path == "/bin/busybox")' "$W/ovl.json"
  else
    ok 1 "mount an overlay with a tmpfs lower layer: $(head -c 200 "$W/err")"
  fi
else
  ok 1 "mount a tmpfs for the overlay's lower layer: $(head -c 200 "$W/err")"
fi

# 4. A tar hardlink entry takes its own header's mode: bin/data.bin (mode
# 0644) and bin/tool, a hardlink to it with mode 04755.
L=$W/hl; mkdir -p "$L/layout/blobs/sha256"
python3 - "$L" <<'PY'
import hashlib, io, json, os, sys, tarfile
d = sys.argv[1]
data = open("/bin/busybox", "rb").read()
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for name in ("bin",):
        ti = tarfile.TarInfo(name); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
    ti = tarfile.TarInfo("bin/data.bin"); ti.size = len(data); ti.mode = 0o644; t.addfile(ti, io.BytesIO(data))
    ti = tarfile.TarInfo("bin/tool"); ti.type = tarfile.LNKTYPE; ti.linkname = "bin/data.bin"; ti.mode = 0o4755
    t.addfile(ti)
layer = buf.getvalue()
open(os.path.join(d, "layer.tar"), "wb").write(layer)
def blob(b):
    h = hashlib.sha256(b).hexdigest()
    open(os.path.join(d, "layout/blobs/sha256", h), "wb").write(b)
    return h, len(b)
lh, ls = blob(layer)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + lh]}}).encode()
ch, cs = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + ch, "size": cs},
                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + lh, "size": ls}]}).encode()
mh, ms = blob(man)
open(os.path.join(d, "layout/index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mh, "size": ms}]}))
open(os.path.join(d, "layout/oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
"$OCIGATE" files --format json "oci:$L/layout" > "$L/files.json" 2> "$W/err"
check "hardlink layer: ocigate reads it" test -s "$L/files.json"
jq -r '.files[] | select(.path == "/bin/tool" or .path == "/bin/data.bin") | "\(.path) \(.mode)"' "$L/files.json" | sort > "$L/ours"
# The oracle: what containers-storage makes of the same layer.
P=(podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs --events-backend none)
if "${P[@]}" import -q "$L/layer.tar" localhost/og-attack-hardlink:1 > /dev/null 2> "$W/err" \
   && cid=$("${P[@]}" create localhost/og-attack-hardlink:1 /bin/tool 2>> "$W/err") \
   && "${P[@]}" export "$cid" > "$L/export.tar" 2>> "$W/err"; then
  python3 - "$L/export.tar" > "$L/theirs" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        if m.name.lstrip("./") in ("bin/tool", "bin/data.bin"):
            print("/%s %04o" % (m.name.lstrip("./"), m.mode & 0o7777))
PY
  sort -o "$L/theirs" "$L/theirs"
  same "hardlink layer: each file's mode is what containers-storage gives it" "$L/theirs" "$L/ours"
  check "hardlink layer: /bin/tool is listed as a setuid executable" \
    jq -e '.files | any(.path == "/bin/tool" and .mode == "4755")' "$L/files.json"
else
  ok 1 "podman import/create/export of the hardlink layer: $(head -c 300 "$W/err")"
fi

# 5. Hostile names reach no output raw.
# Each hostile directory holds a busybox, which the deny-list's **/busybox
# must catch whatever bytes its directory's name holds.
H=$W/names; mkdir -p "$H/bin"
for n in $'line\nocigate: launch allowed' $'esc\e[31mred' $'\xff\xfe' $'over\xc0\xaflong' $'del\x7f'; do
  mkdir -p "$H/$n"; cp /bin/busybox "$H/$n/busybox"
done
long=$H/bin; for i in $(seq 15); do long=$long/$(printf 'n%.0s' $(seq 250)); done
mkdir -p "$long"; cp /bin/busybox "$long/x"
printf 'ID=hostile\nPRETTY_NAME="two\\nlines\033[2J"\n' > "$H/etc-os-release"; mkdir -p "$H/etc"; mv "$H/etc-os-release" "$H/etc/os-release"
"$OCIGATE" inventory --format json "$H" > "$W/names.json" 2> "$W/err"
check "hostile names: the inventory JSON parses in Python" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$W/names.json"
check "hostile names: the inventory JSON parses in jq" jq -e '.executables | length == 6' "$W/names.json"
python3 - "$W/names.json" "$H" > "$W/recover.out" 2>&1 <<'PY'
import base64, json, os, sys
inv = json.load(open(sys.argv[1]))
root = os.fsencode(sys.argv[2])
def raw(e):
    return base64.b64decode(e["path_bytes"]) if "path_bytes" in e else e["path"].encode()
want = set()
for d, dirs, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        if os.access(p, os.X_OK):
            want.add(p[len(root):])
got = {raw(e) for e in inv["executables"]}
print("missing:", sorted(want - got), "extra:", sorted(got - want))
sys.exit(0 if want == got else 1)
PY
ok $? "hostile names: every path's original bytes are recovered from the JSON"
sed 's/^/# /' "$W/recover.out" | head -5
"$OCIGATE" files --format json "$H" > "$W/names-files.json" 2> "$W/err"
# The documents still follow their schemas, path_bytes and target_bytes included.
check "hostile names: inventory and files JSON follow policy/ocigate.{inventory,files}.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
V = jsonschema.Draft202012Validator
for schema, doc in (sys.argv[1:3], sys.argv[3:5]):
    V(json.load(open(schema))).validate(json.load(open(doc)))
d = json.load(open(sys.argv[4]))
sys.exit(0 if any("path_bytes" in f for f in d["files"]) else 1)' \
  "$OG_SOURCE_ROOT/policy/ocigate.inventory.schema.json" "$W/names.json" \
  "$OG_SOURCE_ROOT/policy/ocigate.files.schema.json" "$W/names-files.json"
"$OCIGATE" inventory "$H" > "$W/names.txt" 2>&1
check "hostile names: the table has no raw control character" python3 -c '
import sys; b = open(sys.argv[1], "rb").read()
bad = [c for c in b if (c < 32 and c not in (9, 10)) or c == 127]
sys.exit(1 if bad else 0)' "$W/names.txt"
check "hostile names: no table line claims a launch was allowed" bash -c "! grep -q '^ocigate: launch allowed' '$W/names.txt'"
bundle "$W/nb" "$H"; ID=names; hook $ID "$W/nb"; rc=$?
denied $rc "hostile names" '.rule | startswith("executables.deny")'
check "hostile names: each hostile busybox is denied, whatever its directory's bytes" jq -e '.findings_total == 5' <(tail -n 1 "$A")
check "hostile names: the stderr paragraph has no forged line" bash -c "! grep -q '^ocigate: launch allowed' '$W/err'"
check "hostile names: the stderr paragraph has no raw ESC" bash -c "! grep -q $'\e' '$W/err'"
check "hostile names: every audit line is one valid JSON object" python3 -c '
import json, sys
for l in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    json.loads(l.decode("utf-8"))' "$A"
check "hostile names: the record follows policy/ocigate.audit.schema.json, and subject_bytes gives back the raw path" /usr/bin/python3 -c '
import base64, json, sys, jsonschema
rec = json.loads(open(sys.argv[2], "rb").read().split(b"\n")[-2])
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(rec)
raw = {base64.b64decode(f["subject_bytes"]) for f in rec["findings"] if "subject_bytes" in f}
sys.exit(0 if b"/\xff\xfe/busybox" in raw and b"/over\xc0\xaflong/busybox" in raw else 1)' \
  "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"

# 7. A FIFO in an OCI layout: a clear error at once, no hang.
F=$W/fifo; cp -r "$L/layout" "$F"; rm "$F/index.json"; mkfifo "$F/index.json"
t0=$(date +%s%N); timeout 20 "$OCIGATE" inventory "oci:$F" > /dev/null 2> "$W/err"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok $(( rc != 0 && rc != 124 && ms < 5000 ? 0 : 1 )) "a FIFO as index.json: an error at once (rc $rc, $ms ms)"
check "the FIFO error names index.json and says it is not a regular file" grep -q 'index.json.*not a regular file' "$W/err"
blob=$(ls "$F/blobs/sha256" | head -1); rm "$F/blobs/sha256/$blob"; mkfifo "$F/blobs/sha256/$blob"
cp "$L/layout/index.json" "$F/index.json.new"; rm "$F/index.json"; mv "$F/index.json.new" "$F/index.json"
t0=$(date +%s%N); timeout 20 "$OCIGATE" inventory "oci:$F" > /dev/null 2> "$W/err"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok $(( rc != 0 && rc != 124 && ms < 5000 ? 0 : 1 )) "a FIFO as a blob: an error at once (rc $rc, $ms ms)"

# 8. A host-config regex that would take gigabytes to compile: refused by lint
# with file:line:column, and by the hook at once (an operational error).
jq --arg re "a$(printf '+%.0s' $(seq 25))" '.rules[0].match.annotations = {($re): "x"}' "$W/ocigate.json" > "$W/regex.json"
# The address space is capped at 1 GiB, except under AddressSanitizer, whose
# shadow memory needs more: there the time alone shows the bomb is defused.
vlimit=1048576; ldd "$OCIGATE" 2> /dev/null | grep -q libasan && vlimit=unlimited
t0=$(date +%s%N); (ulimit -v $vlimit; timeout 20 "$OCIGATE" manifest lint "$W/regex.json" > "$W/out" 2> "$W/err"); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok $(( rc == 2 && ms < 5000 ? 0 : 1 )) "a regex bomb in the host config: lint refuses it at once (rc $rc, $ms ms)"
check "the regex refusal names file:line:column" grep -qE 'regex.json:[0-9]+:[0-9]+' "$W/err"
cp "$W/regex.json" "$W/ocigate.json"
R=$W/rx/rootfs; rootfs "$R"; bundle "$W/rx" "$R"; ID=regex
t0=$(date +%s%N); (ulimit -v $vlimit; hook $ID "$W/rx"); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok $(( ms < 5000 ? 0 : 1 )) "a regex bomb in the host config: the hook decides at once ($ms ms, rc $rc)"
# The hook reads the bomb from $W/ocigate.json (regex.json copied there).
check "... with an error record that names the file" jq -e '(.decision | startswith("error-")) and (.error | test("/ocigate.json:[0-9]+:[0-9]+: "))' <(tail -n 1 "$A")
# 9. Renames anywhere on the node (another container, a busy host) while the
# tree is read: openat2(RESOLVE_IN_ROOT) answers EAGAIN when a rename races
# with a ".." step of a path (here /etc/os-release -> ../usr/lib/os-release),
# and asks the caller to try again; an inventory must not fail for it.
T=$W/race/tree; mkdir -p "$T/etc" "$T/usr/lib" "$W/race/a" "$W/race/b"
echo 'ID=race' > "$T/usr/lib/os-release"; ln -s ../usr/lib/os-release "$T/etc/os-release"
: > "$W/race/a/f"
python3 -c '
import os, sys
os.chdir(sys.argv[1])
while os.path.exists("run"):
    os.rename("a/f", "b/f"); os.rename("b/f", "a/f")
' "$W/race" & racer=$!
: > "$W/race/run"
fails=0
for i in $(seq 200); do
  "$OCIGATE" inventory --format json "$T" > "$W/race/out" 2> "$W/race/err" || { fails=$((fails + 1)); cp "$W/race/err" "$W/race/lasterr"; }
done
rm -f "$W/race/run"; wait $racer
ok $((fails == 0 ? 0 : 1)) "200 inventories while renames race on the node: none fails ($fails; $(head -c 200 "$W/race/lasterr" 2>/dev/null))"
check "... and each reads the os-release behind the ../ link" jq -e '.os.id == "race"' "$W/race/out"
plan_end
