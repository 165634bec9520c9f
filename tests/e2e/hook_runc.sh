#!/bin/bash
# runc launches a busybox container with ocigate-hook as its prestart hook:
# denied by a manifest that forbids busybox (the command never runs, stderr
# shows the finding, a deny record), allowed by a manifest generated from the
# same root filesystem (one allow record), and audit mode (runs; the record
# says what enforce would have done).
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
B=$E2E/bundle; A=$E2E/audit/audit.jsonl; M=$E2E/manifests; mkdir -p "$M"
make_bundle "$B" "$E2E/ocigate.json"
deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name busybox-golden "$B/rootfs" > "$M/golden.json"; ok $? "manifest generate from the root filesystem"

host_config "$E2E/ocigate.json" "$A" "$M" deny enforce
(cd "$B" && timeout 120 runc run og-e2e-deny) > "$E2E/out" 2> "$E2E/err"; rc=$?
runc delete -f og-e2e-deny >/dev/null 2>&1
ok $((rc != 0 ? 0 : 1)) "enforce + deny: runc run fails (rc=$rc)"
check "enforce + deny: the container's command never ran" test ! -e "$B/rootfs/tmp/marker"
check "enforce + deny: no container output" test ! -s "$E2E/out"
check "enforce + deny: runc's error shows the finding" grep -q 'executables.deny\[[0-9]*\]: /bin/busybox' "$E2E/err"
check "enforce + deny: runc's error names the container and the record" grep -q 'container og-e2e-deny: launch denied.*full record: '"$A" <(tr -d '\n' < "$E2E/err" | sed 's/\\n/ /g')
check "enforce + deny: exactly one record" test "$(records "$A")" = 1
check "enforce + deny: the record says deny, with the manifest and the finding" \
  jq -e '.schema == "ocigate.audit/v1" and .decision == "deny" and .mode == "enforce" and .stage == "prestart"
         and .container.id == "og-e2e-deny" and .manifest.name == "no-shells-no-package-managers-no-compilers"
         and (.manifest.sha256 | length == 64) and (.findings | map(.subject) | index("/bin/busybox") != null)
         and (.inventory_sha256 | length == 64) and .inventory.executables == 1' <(last_record "$A")
check "the audit file is created 0600" test "$(stat -c %a "$A")" = 600

host_config "$E2E/ocigate.json" "$A" "$M" golden enforce
(cd "$B" && timeout 120 runc run og-e2e-allow) > "$E2E/out" 2> "$E2E/err"; rc=$?
runc delete -f og-e2e-allow >/dev/null 2>&1
ok $rc "enforce + generated manifest: runc run succeeds"
check "enforce + generated manifest: the command ran" grep -qx container-ran "$E2E/out"
check "enforce + generated manifest: one more record, an allow" test "$(records "$A")" = 2
check "enforce + generated manifest: the record says allow with no findings" \
  jq -e '.decision == "allow" and .findings == [] and .manifest.name == "busybox-golden" and .container.id == "og-e2e-allow"' <(last_record "$A")
rm -f "$B/rootfs/tmp/marker"

host_config "$E2E/ocigate.json" "$A" "$M" deny audit
(cd "$B" && timeout 120 runc run og-e2e-audit) > "$E2E/out" 2> "$E2E/err"; rc=$?
runc delete -f og-e2e-audit >/dev/null 2>&1
ok $rc "audit + deny manifest: runc run succeeds"
check "audit + deny manifest: the command ran" test -e "$B/rootfs/tmp/marker"
check "audit + deny manifest: the record allows and says enforce would deny" \
  jq -e '.decision == "allow" and .mode == "audit" and .enforce_would == "deny" and (.findings | length >= 1)' <(last_record "$A")
check "every record is one well-formed JSON line" jq -e -s 'length == 3' "$A"
check "the deny, allow and audit records follow policy/ocigate.audit.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open(sys.argv[2]): v.validate(json.loads(line))' "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"
plan_end
