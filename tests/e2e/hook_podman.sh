#!/bin/bash
# podman runs an image made by `podman import` of the busybox root filesystem
# (whose dpkg database carries a package "busybox"), with the shipped hooks.d
# file pointed at the built hook: denied with a message that names the
# package, then allowed by a manifest generated from the same tree.  A host
# config rule on the image name matches the container's own image (found in
# containers-storage), not an image built FROM it, and the record carries
# the image ID podman reports.
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
A=$E2E/audit.jsonl; M=$E2E/manifests; H=$E2E/hooks.d; mkdir -p "$M" "$H"
P=(podman --root "$E2E/storage" --runroot "$E2E/run" --storage-driver vfs --events-backend none)
E2E_EXTRA_CLEANUP='"${P[@]}" rm -af >/dev/null 2>&1; "${P[@]}" rmi -af >/dev/null 2>&1'
make_rootfs "$E2E/rootfs"
tar --numeric-owner -C "$E2E/rootfs" -cf "$E2E/rootfs.tar" .
"${P[@]}" import -q "$E2E/rootfs.tar" localhost/og-busybox:1 > /dev/null; ok $? "podman import of the busybox root filesystem"
deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name busybox-golden "$E2E/rootfs" > "$M/golden.json"

# The shipped hooks.d file, with the hook path and the host config of this test.
SHIPPED=$OG_BUILD_ROOT/packaging/hooks.d/ocigate.json
check "the shipped hooks.d file is an oci-hooks 1.0.0 prestart hook with a fixed PATH" \
  jq -e '.version == "1.0.0" and .when.always == true and .stages == ["prestart"]
         and (.hook.env | index("PATH=/usr/sbin:/usr/bin:/sbin:/bin") != null) and (.hook.path | endswith("/ocigate-hook"))' "$SHIPPED"
check "the shipped hooks.d file says --on-error allow (the shipped config audits)" \
  jq -e '.hook.args | index("--on-error") as $i | $i != null and .[$i + 1] == "allow"' "$SHIPPED"
# This node enforces: --on-error deny, as ocigate-hook(8) says such nodes run it.
jq --arg hook "$HOOK" --arg cfg "$E2E/ocigate.json" '.hook.path = $hook
     | .hook.args |= (index("--on-error") as $i | .[$i + 1] = "deny") | .hook.args += ["--config", $cfg]' \
  "$SHIPPED" > "$H/ocigate.json"
run () { "${P[@]}" --runtime runc --hooks-dir "$H" run --rm --network=none \
           --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/og-busybox:1 /bin/echo container-ran; }

host_config "$E2E/ocigate.json" "$A" "$M" deny enforce
run > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 ? 0 : 1)) "podman run of an image with a denied package fails (rc=$rc)"
check "the container's command never ran" test ! -s "$E2E/out"
check "podman's error names the denied package" grep -q 'packages.deny\[[0-9]*\]: busybox' "$E2E/err"
check "podman shows the ocigate paragraph: the verdict, the findings and where the record is" \
  sh -c 'grep -q "ocigate: container [0-9a-f]*: launch denied (deny) by manifest" "$1" && grep -q "executables.deny\[[0-9]*\]: /bin/busybox" "$1" && grep -qF "full record: $2" "$1"' sh "$E2E/err" "$A"
check "... and podman exits 126 (its code for an OCI runtime error), not 127" test $rc = 126
check "the deny record names the package and the executable" \
  jq -e -s 'length == 1 and .[0].decision == "deny"
            and (.[0].findings | map(.rule) | any(startswith("packages.deny")))
            and (.[0].findings | map(.subject) | index("/bin/busybox") != null)' "$A"

# An operational error (a host config that is not JSON, and separately an
# audit file under a plain file) reaches the user as the same paragraph,
# not as podman's "OCI runtime attempted to invoke a command that was not
# found" (exit 127), which podman makes of any line holding "No such file or
# directory" (libpod/oci_util.go) or of any "not found" in it.
jq --arg a "$E2E/fallback.jsonl" '.hook.args += ["--audit-file", $a]' "$H/ocigate.json" > "$E2E/h" && mv "$E2E/h" "$H/ocigate.json"
printf '{ "schema": "ocigate.config/v1", ' > "$E2E/ocigate.json"
run > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 && rc != 127 ? 0 : 1)) "podman run with a broken host config fails, and not as 'command not found' (rc=$rc)"
check "the command never ran" test ! -s "$E2E/out"
check "podman shows the error-deny paragraph with the error and the record" \
  sh -c 'grep -q "ocigate: container [0-9a-f]*: launch denied (error-deny)" "$1" && grep -qF "error: host config $2:1:" "$1" && grep -qF "full record: $3" "$1" && ! grep -q "command that was not found" "$1"' sh "$E2E/err" "$E2E/ocigate.json" "$E2E/fallback.jsonl"
check "the error-deny record is in the --audit-file of the hooks.d file" jq -e -s 'length == 1 and .[0].decision == "error-deny"' "$E2E/fallback.jsonl"
host_config "$E2E/ocigate.json" "$E2E/file/audit.jsonl" "$M" golden enforce deny; : > "$E2E/file"
run > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 && rc != 127 ? 0 : 1)) "podman run with an audit file under a plain file is stopped (no launch without a record; rc=$rc)"
check "podman shows that no record was written and why" \
  sh -c 'grep -q "launch denied (error-deny)" "$1" && grep -q "no audit record could be written: open audit file .*: Not a directory" "$1" && grep -q "no record was written" "$1" && ! grep -q "full record" "$1"' sh "$E2E/err"
check "the command never ran" test ! -s "$E2E/out"
# A config that names an absent manifest: the errno text podman would turn
# into "not found" is said in other words, and the paragraph stays whole.
host_config "$E2E/ocigate.json" "$A" "$M" absent enforce deny
run > "$E2E/out" 2> "$E2E/err"; rc=$?
check "an absent manifest: podman shows the whole paragraph, not 'command not found' (rc=$rc)" \
  sh -c 'test $2 != 127 && grep -q "launch denied (error-deny)" "$1" && grep -q "absent.json.*: does not exist" "$1" && grep -q "full record:" "$1"' sh "$E2E/err" $rc

host_config "$E2E/ocigate.json" "$A" "$M" golden enforce
run > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $rc "podman run with the generated manifest succeeds"
check "the command ran" grep -qx container-ran "$E2E/out"
check "an allow record for the container podman made" \
  jq -e -s 'length == 3 and .[2].decision == "allow" and (.[2].container.id | length == 64)
            and (.[2].container.annotations | has("io.container.manager"))' "$A"

# An image built FROM the busybox one (same layers, a new config): its
# annotations name og-busybox as the base image.
printf 'FROM localhost/og-busybox:1\nLABEL og.derived=1\n' > "$E2E/Containerfile"
"${P[@]}" build -q -t localhost/og-derived:1 -f "$E2E/Containerfile" "$E2E" > /dev/null 2>"$E2E/build.err"
ok $? "podman build of an image FROM the busybox image"
# The rule on the name denies og-busybox; everything else gets the golden manifest.
jq '.rules = [{ match: { image: "*og-busybox*" }, manifest: "deny" }] | .default.manifest = "golden"' \
  "$E2E/ocigate.json" > "$E2E/rules.json" && mv "$E2E/rules.json" "$E2E/ocigate.json"
runi () { "${P[@]}" --runtime runc --hooks-dir "$H" run --name "$1" --network=none \
            --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$2" /bin/echo container-ran; }
runi og-own localhost/og-busybox:1 > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 ? 0 : 1)) "a rule on the image name denies the container of that image (rc=$rc)"
IMG=$("${P[@]}" inspect --format '{{.Image}}' og-own)
check "the record names the container's own image: its ID as podman inspect prints it, its name, from containers-storage" \
  jq -e -s --arg id "$IMG" '.[-1] | .decision == "deny" and .image.id == $id
            and .image.name == "localhost/og-busybox:1" and .image.source == "containers-storage"' "$A"
runi og-derived localhost/og-derived:1 > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $rc "the image built FROM it is not matched by the rule: allowed by the default manifest"
IMG=$("${P[@]}" inspect --format '{{.Image}}' og-derived)
check "its record names the derived image, never its base" \
  jq -e -s --arg id "$IMG" '.[-1] | .decision == "allow" and .image.id == $id
            and .image.name == "localhost/og-derived:1"
            and ((has("base_image") | not) or .base_image == "localhost/og-busybox:1")' "$A"
"${P[@]}" rm -f og-own og-derived > /dev/null 2>&1
check "the records with the image follow policy/ocigate.audit.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open(sys.argv[2]): v.validate(json.loads(line))' "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"
plan_end
