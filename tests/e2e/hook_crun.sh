#!/bin/bash
# crun launches the same busybox bundle with ocigate-hook as its prestart hook:
# denied (the command never runs, a deny record: crun discards hook output, so
# the audit file is the trail) and allowed by a generated manifest.
# crun refuses cgroup "hybrid" hosts; there it runs in a mount namespace with
# the cgroup2 mount at /sys/fs/cgroup/unified unmounted (DESIGN.md).
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
B=$E2E/bundle; A=$E2E/audit.jsonl; M=$E2E/manifests; mkdir -p "$M"
make_bundle "$B" "$E2E/ocigate.json"
deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name busybox-golden "$B/rootfs" > "$M/golden.json"
E2E_EXTRA_CLEANUP='for id in og-e2e-crun-deny og-e2e-crun-allow; do crun delete -f $id >/dev/null 2>&1; done'
crun_run () {
  if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    (cd "$B" && timeout 120 unshare -m sh -c "umount /sys/fs/cgroup/unified; crun run $1")
  else
    (cd "$B" && timeout 120 crun run "$1")
  fi
}

host_config "$E2E/ocigate.json" "$A" "$M" deny enforce
crun_run og-e2e-crun-deny > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $((rc != 0 ? 0 : 1)) "crun + deny: the launch fails (rc=$rc)"
check "crun + deny: the container's command never ran" test ! -e "$B/rootfs/tmp/marker"
check "crun + deny: crun says the hook failed" grep -q 'error executing hook' "$E2E/err"
check "crun + deny: one deny record naming the container and /bin/busybox" \
  jq -e -s 'length == 1 and .[0].decision == "deny" and .[0].container.id == "og-e2e-crun-deny"
            and (.[0].findings | map(.subject) | index("/bin/busybox") != null)' "$A"

host_config "$E2E/ocigate.json" "$A" "$M" golden enforce
crun_run og-e2e-crun-allow > "$E2E/out" 2> "$E2E/err"; rc=$?
ok $rc "crun + generated manifest: the launch succeeds"
check "crun + generated manifest: the command ran" grep -qx container-ran "$E2E/out"
check "crun + generated manifest: an allow record" \
  jq -e -s 'length == 2 and .[1].decision == "allow" and .[1].container.id == "og-e2e-crun-allow" and .[1].findings == []' "$A"
plan_end
