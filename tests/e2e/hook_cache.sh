#!/bin/bash
# The layer cache through real podman launches on containers-storage's
# overlay driver (a private root and runroot, as hook_podman.sh): the first
# launch of an image misses and keeps an entry, the second hits it with the
# same inventory digest as a walk without the cache, and a hit with the
# inputs of the hit before it is answered by the hit memo; a stopped container
# whose upper layer gained an executable is caught at `podman start`; an
# entry that does not verify is noted and replaced; another image misses; a
# hit without verification takes the packages from the entry unless the
# upper layer changed a package database; the miss keeps a memo too, and a
# memo of a verifying inspection does not answer for a container that
# rewrote a packaged executable in its upper layer (the same size and head:
# no walk sees it, verification does).
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
A=$E2E/audit.jsonl; M=$E2E/manifests; H=$E2E/hooks.d; C=$E2E/cache; mkdir -p "$M" "$H"
P=(podman --root "$E2E/storage" --runroot "$E2E/run" --storage-driver overlay --events-backend none)
E2E_EXTRA_CLEANUP='"${P[@]}" rm -af >/dev/null 2>&1; "${P[@]}" rmi -af >/dev/null 2>&1'
make_rootfs "$E2E/rootfs"
mkdir -p "$E2E/rootfs/usr/local/bin"
(cd "$E2E/rootfs" && md5sum bin/busybox > var/lib/dpkg/info/busybox.md5sums)
tar --numeric-owner -C "$E2E/rootfs" -cf "$E2E/rootfs.tar" .
"${P[@]}" import -q "$E2E/rootfs.tar" localhost/og-cache:1 > /dev/null; ok $? "podman import of the busybox root filesystem"
cp -a "$E2E/rootfs" "$E2E/rootfs2"
printf '#!/bin/sh\necho two\n' > "$E2E/rootfs2/bin/two"; chmod 755 "$E2E/rootfs2/bin/two"
tar --numeric-owner -C "$E2E/rootfs2" -cf "$E2E/rootfs2.tar" .
"${P[@]}" import -q "$E2E/rootfs2.tar" localhost/og-cache:2 > /dev/null; ok $? "podman import of a second image"

# The manifest made from the image forbids any executable it does not list.
"$OCIGATE" manifest generate --name cache-golden "$E2E/rootfs" \
  | jq '.executables.unlisted = "deny"' > "$M/golden.json"
# The same without verification: a hit then reads no package database.
jq 'del(.executables.modified) | del(.packages.missing_files)' "$M/golden.json" > "$M/noverify.json"
jq --arg hook "$HOOK" --arg cfg "$E2E/ocigate.json" '.hook.path = $hook | .hook.args += ["--config", $cfg]' \
  "$OG_BUILD_ROOT/packaging/hooks.d/ocigate.json" > "$H/ocigate.json"
config () { # config ENABLED [MANIFEST]
  host_config "$E2E/ocigate.json.new" "$A" "$M" "${2:-golden}" enforce
  jq --arg c "$C" --argjson on "$1" '.cache = { dir: $c, enabled: $on, max_bytes: 67108864 }' \
    "$E2E/ocigate.json.new" > "$E2E/ocigate.json"
}
podman_ () { "${P[@]}" --runtime runc --hooks-dir "$H" "$@"; }
run () { podman_ run --rm --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"; }
rec () { sed -n "${1}p" "$A"; }
# recjq N FILTER: record N exists and FILTER holds on it.
recjq () { local r; r=$(rec "$1"); [ -n "$r" ] && printf '%s\n' "$r" | jq -e "$2" > /dev/null; }
eq () { [ "$2" = "$3" ] && [ -n "$2" ]; ok $? "$1 ($2)"; }
diag () { echo "# $*"; }

config true
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"; ok $? "the first launch is allowed"
check "the first launch's overlay root misses the cache" recjq 1 '.cache.state == "miss" and .cache.layers >= 1 and (.cache.key | length == 64)'
check "the cache directory is 0700 and holds one entry" \
  bash -c '[ "$(stat -c %a "$1")" = 700 ] && [ "$(ls "$1"/*.oglc | wc -l)" = 1 ]' _ "$C"
check "the miss kept a hit memo beside its entry" bash -c '[ "$(ls "$1"/*.oglr | wc -l)" = 1 ]' _ "$C"
rm -f "$C"/*.oglr # so that this hit replays the entry
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"; ok $? "the second launch is allowed"
check "the second launch of the same image hits the cache" recjq 2 '.cache.state == "hit" and .cache.replayed > 0 and .cache.result == "evaluated"'
check "a hit whose manifest verifies reads the package databases" recjq 2 '.cache.packages == "databases"'
eq "the hit's inventory digest is the first launch's" "$(rec 1 | jq -r .inventory_sha256)" "$(rec 2 | jq -r .inventory_sha256)"
config false
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"; ok $? "a launch with the cache disabled"
check "with the cache disabled the record has no cache" recjq 3 'has("cache") | not'
eq "the hit's inventory digest is a full walk's" "$(rec 3 | jq -r .inventory_sha256)" "$(rec 2 | jq -r .inventory_sha256)"
config true

# The entry's size against the inventory JSON's.
ENTRY=$(ls "$C"/*.oglc); "$OCIGATE" inventory --format json "$E2E/rootfs" > "$E2E/inv.json"
diag "entry $(stat -c %s "$ENTRY") bytes, inventory JSON $(stat -c %s "$E2E/inv.json") bytes"

# A container that writes an executable into its upper layer, then starts again.
podman_ run --name c --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/og-cache:1 \
  /bin/sh -c 'cp /bin/busybox /usr/local/bin/new; chmod +x /usr/local/bin/new' > "$E2E/out" 2> "$E2E/err"
ok $? "a container writes an executable"
check "its first start hit the cache" recjq 4 '.cache.state == "hit" and .decision == "allow"'
podman_ start -a c > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 ? 0 : 1)) "podman start of the container with the new executable is denied (rc=$rc)"
check "the deny names the new executable, found with the cache" \
  recjq 5 '.decision == "deny" and .cache.state == "hit" and (.findings | map(.subject) | index("/usr/local/bin/new") != null)'

# An entry that does not verify: noted, walked, replaced.
printf 'X' | dd of="$ENTRY" bs=1 seek=$(( $(stat -c %s "$ENTRY") - 2 )) conv=notrunc status=none
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"; ok $? "a launch over a damaged entry is allowed"
check "the damaged entry is noted as invalid" recjq 6 '.cache.state == "invalid" and (.cache.note | test("checksum"))'
eq "the invalid launch's inventory digest is the full walk's" "$(rec 6 | jq -r .inventory_sha256)" "$(rec 3 | jq -r .inventory_sha256)"
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "the replaced entry hits again" recjq 7 '.cache.state == "hit"'

# Another image: other lower layers, another key.
run localhost/og-cache:2 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "a different image misses" recjq 8 '.cache.state == "miss"'
check "with another key" test "$(rec 8 | jq -r .cache.key)" != "$(rec 1 | jq -r .cache.key)"
# An image of two layers (podman commit adds one): the kernel merges the
# lower layers for the hook, mounted alone and detached before its sandbox.
podman_ run --name c2 --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/og-cache:1 \
  /bin/sh -c 'echo more > /etc/extra; cp /bin/busybox /usr/local/bin/two; chmod 755 /usr/local/bin/two' \
  > "$E2E/out" 2> "$E2E/err"
"${P[@]}" commit -q c2 localhost/og-cache:3 > /dev/null; ok $? "podman commit makes an image of two layers"
run localhost/og-cache:3 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "its first launch misses over two lower layers, and denies the executable the second added" \
  recjq 10 '.cache.state == "miss" and .cache.layers == 2 and .decision == "deny"
            and (.findings | map(.subject) | index("/usr/local/bin/two") != null)'
run localhost/og-cache:3 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "its second launch hits, and denies the same" \
  recjq 11 '.cache.state == "hit" and .decision == "deny"
            and (.findings | map(.subject) | index("/usr/local/bin/two") != null)'
config false
run localhost/og-cache:3 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
config true
eq "the two-layer hit's inventory digest is a full walk's" "$(rec 11 | jq -r .inventory_sha256)" "$(rec 12 | jq -r .inventory_sha256)"
eq "the two-layer miss's inventory digest is a full walk's" "$(rec 10 | jq -r .inventory_sha256)" "$(rec 12 | jq -r .inventory_sha256)"

# Without verification a hit takes the packages from the entry (made by the
# first launch, which verified), with a full walk's inventory.  A container
# whose upper layer changes the package database (a package added to dpkg's
# status) reads the databases again, with a full walk's inventory still.
config true noverify
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "a hit that does not verify takes the packages from the entry" \
  recjq 13 '.cache.state == "hit" and .cache.packages == "entry"'
PKG='Package: extra\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n'
podman_ run --name c3 --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/og-cache:1 \
  /bin/sh -c "grep -q '^Package: extra' /var/lib/dpkg/status || printf '$PKG' >> /var/lib/dpkg/status" \
  > "$E2E/out" 2> "$E2E/err"
check "a container that will change the package database starts from the entry's packages" \
  recjq 14 '.cache.state == "hit" and .cache.packages == "entry"'
podman_ start -a c3 > "$E2E/out" 2> "$E2E/err"
check "once its upper layer holds the changed database, the hit reads the databases" \
  recjq 15 '.cache.state == "hit" and .cache.packages == "databases"'
config false noverify
podman_ start -a c3 > "$E2E/out" 2> "$E2E/err"
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
config true
eq "the hit from the entry's packages has a full walk's inventory digest" "$(rec 13 | jq -r .inventory_sha256)" "$(rec 17 | jq -r .inventory_sha256)"
eq "the hit over a changed database has a full walk's inventory digest" "$(rec 15 | jq -r .inventory_sha256)" "$(rec 16 | jq -r .inventory_sha256)"
check "which is not the unchanged image's (the added package is in it)" \
  test "$(rec 15 | jq -r .inventory_sha256)" != "$(rec 17 | jq -r .inventory_sha256)"
# A hit without verification keeps a memo under all its inputs; the next
# hit with the same inputs takes the verdict, digest and summary from it.
config true noverify
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
# (the memo kept by record 13 or 14 may answer it: record 15, over a changed
# database, takes no memo and keeps none)
check "a hit without verification, once more" recjq 18 '.cache.state == "hit" and .decision == "allow"'
run localhost/og-cache:1 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "the next hit with the same inputs is answered by the hit memo" recjq 19 '.cache.state == "hit" and .cache.result == "memo"'
eq "the memo's inventory digest is a full walk's" "$(rec 19 | jq -r .inventory_sha256)" "$(rec 17 | jq -r .inventory_sha256)"
check "the memo's record is the evaluated hit's" bash -c 'f () { sed -n "$1p" "$2" | jq -S "del(.time,.duration_ms,.cache,.container)"; }
  diff <(f 18 "$1") <(f 19 "$1")' _ "$A"
check "the memo is beside the entry" bash -c '[ "$(ls "$1"/*.oglr | wc -l)" -ge 1 ]' _ "$C"
# A miss without verification keeps a memo beside the entry it makes: the
# second launch of an image is answered by it, as a third would be.
cp -a "$E2E/rootfs" "$E2E/rootfs4"
printf '#!/bin/sh\necho four\n' > "$E2E/rootfs4/bin/four"; chmod 755 "$E2E/rootfs4/bin/four"
tar --numeric-owner -C "$E2E/rootfs4" -cf "$E2E/rootfs4.tar" .
"${P[@]}" import -q "$E2E/rootfs4.tar" localhost/og-cache:4 > /dev/null; ok $? "podman import of a fourth image"
config true noverify
run localhost/og-cache:4 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "a new image without verification misses" recjq 20 '.cache.state == "miss" and .cache.result != "memo"'
run localhost/og-cache:4 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
check "its second launch is answered by the memo its miss kept" recjq 21 '.cache.state == "hit" and .cache.result == "memo"'
check "the memo's record is the miss's" bash -c 'f () { sed -n "$1p" "$2" | jq -S "del(.time,.duration_ms,.cache,.container)"; }
  diff <(f 20 "$1") <(f 21 "$1")' _ "$A"
config false noverify
run localhost/og-cache:4 /bin/echo container-ran > "$E2E/out" 2> "$E2E/err"
config true
eq "the miss's memo has a full walk's inventory digest" "$(rec 21 | jq -r .inventory_sha256)" "$(rec 22 | jq -r .inventory_sha256)"
check "and denies as the full walk does (bin/four is not in the manifest)" \
  bash -c '[ "$(sed -n 21p "$1" | jq -r .decision)" = deny ] && [ "$(sed -n 22p "$1" | jq -r .decision)" = deny ]' _ "$A"
# A verifying inspection's memo holds the identity of the upper layer's
# files.  A container copies its packaged executable into its upper layer
# (unchanged), then, at its next start, rewrites it there: one byte near
# the end, the same size, mode and head, and a state file of the same size,
# so that no walk of the upper layer tells the two starts apart.  The third
# start is denied all the same.
config true
podman_ run --name c4 --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/og-cache:1 \
  /bin/sh -c 'busybox cp /bin/busybox /tmp/bb || exit 1
    if [ -e /etc/step ]; then
      n=$(busybox stat -c %s /tmp/bb); printf X | busybox dd of=/tmp/bb bs=1 seek=$((n - 64)) conv=notrunc 2>/dev/null
    fi
    busybox chmod 755 /tmp/bb && busybox mv /tmp/bb /bin/busybox && { [ -e /etc/step ] && echo 2 > /etc/step || echo 1 > /etc/step; }' \
  > "$E2E/out" 2> "$E2E/err"
ok $? "a container copies its packaged executable into its upper layer"
podman_ start -a c4 > "$E2E/out" 2> "$E2E/err"
ok $? "at its second start, with the unchanged copy, it is allowed and rewrites the copy"
check "that start was inspected, and kept a memo of a verifying inspection" recjq 24 '.cache.result == "evaluated" and .decision == "allow"'
podman_ start -a c4 > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 ? 0 : 1)) "its third start, over the rewritten executable, is denied (rc=$rc)"
check "the memo did not answer; the deny names the modified executable" \
  recjq 25 '.decision == "deny" and .cache.result == "evaluated"
            and (.findings | map(select(.subject == "/bin/busybox" and .rule == "executables.modified")) | length == 1)'
podman_ start -a c4 > "$E2E/out" 2> "$E2E/err"
check "started again, it is denied again, now by the memo of that deny" \
  recjq 26 '.decision == "deny" and .cache.result == "memo"
            and (.findings | map(.subject) | index("/bin/busybox") != null)'
check "the records, with their cache, follow policy/ocigate.audit.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open(sys.argv[2]): v.validate(json.loads(line))' "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"
diag "hook duration_ms: first launch $(rec 1 | jq .duration_ms), repeated $(rec 2 | jq .duration_ms), $(rec 7 | jq .duration_ms), from the memo $(rec 19 | jq .duration_ms), a second launch from the miss's memo $(rec 21 | jq .duration_ms); without the cache $(rec 3 | jq .duration_ms)"
plan_end
