#!/bin/bash
# containerd (Debian's package) runs an imported image with ocigate-hook in the
# container's runtime spec, through containerd-shim-runc-v2 and runc: denied by
# a manifest that forbids busybox (the command never runs, ctr shows the
# finding, a deny record), allowed by a manifest generated offline from the
# same docker-archive (the command runs, an allow record); the second launch
# over the same snapshot layers hits the layer cache, with the inventory
# digest of a walk with the cache off, and denies an executable the upper
# layer gained; the records name
# the image, and `ocigate audit` finds them by it.
#
# The containerd is a private one: its own root, state, socket and config in
# the test's directory, CRI disabled; the system's containerd (if any) is
# never used.  The image is a docker-archive that podman (private storage)
# saves from `podman import` of the busybox root filesystem, imported with
# `ctr images import`.
#
# How the hook gets into the spec: ctr (1.6 and 1.7) has no flag for hooks,
# so the test writes the spec itself (`ctr oci spec`, the default containerd
# makes, plus hooks.prestart) and runs it with `ctr run --config`, whose root
# is the image's snapshot mounted by `ctr images mount`.  In that mode ctr
# sets no annotation at all (in Kubernetes the CRI plugin sets
# io.kubernetes.cri.image-name and the sandbox's namespace and name), so the
# spec carries io.kubernetes.cri.image-name with the image's name as
# containerd has it, as the CRI plugin would: this is where the record's
# image name comes from (what a pod author could also set: see
# docs/kubernetes.md on trusting annotations).
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
for t in containerd ctr containerd-shim-runc-v2 runc podman; do
  if ! command -v "$t" >/dev/null; then
    skip "containerd: deny and allow through ctr run" "$t is not installed (scripts/deps.sh test)"
    plan_end; exit
  fi
done
A=$E2E/audit.jsonl; M=$E2E/manifests; D=$E2E/ctd; mkdir -p "$M" "$D"
IMG=localhost/og-e2e-busybox:1
SOCK=$D/ctd.sock
C=(ctr -a "$SOCK" -n og-e2e)
P=(podman --root "$E2E/storage" --runroot "$E2E/run" --storage-driver vfs --events-backend none
   --cgroup-manager cgroupfs)
E2E_EXTRA_CLEANUP='stop_containerd'
stop_containerd () {
  for t in $("${C[@]}" tasks ls -q 2>/dev/null); do "${C[@]}" tasks kill -s KILL "$t" >/dev/null 2>&1; done
  for c in $("${C[@]}" containers ls -q 2>/dev/null); do "${C[@]}" containers rm "$c" >/dev/null 2>&1; done
  mountpoint -q "$E2E/mnt" && "${C[@]}" images unmount "$E2E/mnt" >/dev/null 2>&1
  mountpoint -q "$E2E/mnt" && umount "$E2E/mnt"
  if [ -n "${CTD_PID:-}" ]; then kill "$CTD_PID" 2>/dev/null; wait "$CTD_PID" 2>/dev/null; fi
  "${P[@]}" rmi -af >/dev/null 2>&1
  # overlay snapshots may still be mounted under the private root
  grep -o " $D/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount "$m"; done
}

# The private containerd.
cat > "$D/config.toml" <<EOF
version = 2
root = "$D/root"
state = "$D/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
containerd --config "$D/config.toml" > "$D/containerd.log" 2>&1 &
CTD_PID=$!
for _ in $(seq 100); do "${C[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
"${C[@]}" version > "$D/version" 2>&1; ok $? "a private containerd answers on $SOCK ($(sed -n 's/^ *Version: *//p' "$D/version" | tail -1))"

# The image: podman import of the busybox tree, saved as a docker-archive, imported into containerd.
make_rootfs "$E2E/rootfs"
tar --numeric-owner -C "$E2E/rootfs" -cf "$E2E/rootfs.tar" .
"${P[@]}" import -q "$E2E/rootfs.tar" "$IMG" > /dev/null && "${P[@]}" save -q --format docker-archive -o "$E2E/img.tar" "$IMG"
ok $? "podman import and save of the busybox image as a docker-archive"
"${C[@]}" images import "$E2E/img.tar" > "$E2E/import.out" 2>&1; ok $? "ctr images import of the docker-archive"
check "containerd lists the image as $IMG" grep -qx "$IMG" <("${C[@]}" images ls -q)
mkdir -p "$E2E/mnt"
"${C[@]}" images mount --rw "$IMG" "$E2E/mnt" > /dev/null 2>&1; ok $? "ctr images mount: the image's snapshot as the container's root"
check "the snapshot holds the image's busybox" cmp /bin/busybox "$E2E/mnt/bin/busybox"

deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name busybox-golden "docker-archive:$E2E/img.tar" > "$M/golden.json"
ok $? "manifest generate from the docker-archive, offline"

# The spec: containerd's default, the image's root, the hook in hooks.prestart.
"${C[@]}" oci spec > "$E2E/default.json"
spec () { # spec STAGE
  jq --arg hook "$HOOK" --arg cfg "$E2E/ocigate.json" --arg root "$E2E/mnt" --arg img "$IMG" --arg st "$1" '
    .root = {path: $root, readonly: false}
    | .process.args = ["/bin/sh", "-c", "echo container-ran; echo ran > /tmp/marker"] | .process.terminal = false
    | .annotations = {"io.kubernetes.cri.image-name": $img}
    | .hooks = {($st): [{path: $hook, args: ["ocigate-hook", "--config", $cfg, "--stage", $st]}]}' \
    "$E2E/default.json" > "$E2E/spec.json"
}
run () { # run ID
  timeout 120 "${C[@]}" run --rm --runtime io.containerd.runc.v2 --fifo-dir "$D/fifo" \
    --config "$E2E/spec.json" "$1" > "$E2E/out" 2> "$E2E/err"
}
names_image='(.image.name // .container.annotations["io.kubernetes.cri.image-name"]) == $img'

# The layer cache in the test's directory: the snapshot is an overlay mount
# over containerd's read-only .../snapshots/ID/fs, keyed by that ID.
config () { # config MANIFEST [CACHE-ENABLED]
  host_config "$E2E/ocigate.json.new" "$A" "$M" "$1" enforce
  jq --arg c "$E2E/cache" --argjson on "${2:-true}" '.cache = { dir: $c, enabled: $on }' \
    "$E2E/ocigate.json.new" > "$E2E/ocigate.json"
}
check "the snapshot is an overlay mount over containerd's snapshot layers" \
  sh -c "findmnt -n -o FSTYPE,OPTIONS --target '$E2E/mnt' | grep -q '^overlay .*lowerdir=[^,]*/snapshots/[0-9]*/fs'"

config deny
spec prestart
run og-e2e-ctd-deny; rc=$?
ok $((rc != 0 ? 0 : 1)) "enforce + deny: ctr run fails (rc=$rc)"
check "enforce + deny: the container's command never ran" test ! -s "$E2E/out" -a ! -e "$E2E/mnt/tmp/marker"
check "enforce + deny: ctr's error carries the hook's finding" grep -q 'executables.deny\[[0-9]*\]: /bin/busybox' "$E2E/err"
check "enforce + deny: the shim ran the hook (runc create through containerd-shim-runc-v2)" grep -q 'failed to create shim task.*error running hook' "$E2E/err"
check "enforce + deny: one record" test "$(records "$A")" = 1
check "enforce + deny: the record says deny, names the container and the image" \
  jq -e --arg img "$IMG" '.decision == "deny" and .mode == "enforce" and .container.id == "og-e2e-ctd-deny"
    and .container.root == "'"$E2E/mnt"'" and (.findings | map(.subject) | index("/bin/busybox") != null) and '"$names_image" \
  <(last_record "$A")

check "the first launch over the snapshot misses the layer cache, keyed by one snapshot layer" \
  jq -e '.cache.state == "miss" and .cache.layers >= 1 and (.cache.key | length == 64)' <(last_record "$A")
deny_key=$(last_record "$A" | jq -r .cache.key)

config golden
run og-e2e-ctd-allow; rc=$?
ok $rc "enforce + the manifest generated from the docker-archive: ctr run succeeds"
check "enforce + generated manifest: the command ran" grep -qx container-ran "$E2E/out"
check "enforce + generated manifest: an allow record that names the image" \
  jq -e --arg img "$IMG" '.decision == "allow" and .findings == [] and .manifest.name == "busybox-golden"
    and .container.id == "og-e2e-ctd-allow" and '"$names_image" <(last_record "$A")
check "the second launch over the same snapshot layers hits the cache (the same key)" \
  jq -e --arg k "$deny_key" '.cache.state == "hit" and .cache.key == $k' <(last_record "$A")
hit_digest=$(last_record "$A" | jq -r .inventory_sha256)
rm -f "$E2E/mnt/tmp/marker"
config golden false
run og-e2e-ctd-walk; rc=$?
ok $rc "with the cache off: ctr run succeeds"
check "with the cache off: a full walk (no cache member) gives the same inventory digest as the hit" \
  jq -e --arg d "$hit_digest" '(has("cache") | not) and .inventory_sha256 == $d' <(last_record "$A")
rm -f "$E2E/mnt/tmp/marker"
# An executable the container's own upper layer gained is caught over a hit.
config golden
mkdir -p "$E2E/mnt/usr/local/bin" && printf '#!/bin/sh\necho new\n' > "$E2E/mnt/usr/local/bin/new" &&
  chmod 0755 "$E2E/mnt/usr/local/bin/new"
run og-e2e-ctd-new; rc=$?
ok $((rc != 0 ? 0 : 1)) "an executable added to the snapshot's upper layer: ctr run fails (rc=$rc)"
check "... a hit that denies, naming the new executable" \
  jq -e --arg k "$deny_key" '.cache.state == "hit" and .cache.key == $k and .decision == "deny"
    and (.findings | map(.subject) | index("/usr/local/bin/new") != null)' <(last_record "$A")
rm -rf "$E2E/mnt/usr/local/bin/new" "$E2E/mnt/tmp/marker"

# createRuntime, the stage the runtime spec names for this (prestart is deprecated).
config deny
spec createRuntime
run og-e2e-ctd-cr; rc=$?
ok $((rc != 0 ? 0 : 1)) "createRuntime + deny: ctr run fails (rc=$rc)"
check "createRuntime + deny: the command never ran, the record says createRuntime" \
  jq -e '.decision == "deny" and .stage == "createRuntime" and .container.id == "og-e2e-ctd-cr"' <(last_record "$A")
check "createRuntime + deny: no output" test ! -s "$E2E/out"

# The records, queried by image.
"$OCIGATE" audit --image 'localhost/og-e2e-busybox*' --format json "$A" > "$E2E/q"; rc=$?
ok $rc "ocigate audit --image finds the records by the image's name"
check "ocigate audit --image: all five, deny, allow, allow, deny, deny" \
  test "$(jq -r .decision "$E2E/q" | tr '\n' ' ')" = "deny allow allow deny deny "
check "the records follow policy/ocigate.audit.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open(sys.argv[2]): v.validate(json.loads(line))' "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"
plan_end
