#!/bin/bash
# runc launches a busybox container with ocigate-hook as its prestart hook:
# denied by a manifest that forbids busybox (the command never runs, stderr
# shows the finding, a deny record), allowed by a manifest generated from the
# same root filesystem (one allow record), and audit mode (runs; the record
# says what enforce would have done).  Then integrity at launch: a
# debootstrap minbase root changed through an overlay mount (one byte
# appended to /usr/bin/tac, tac made setuid, /usr/bin/bash removed,
# /usr/local/bin/dropped added) is denied against the manifest generated
# from the untouched tree with one finding per change, on the first launch
# (the layer cache is written) and on the second (it is read).
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
. "$OG_SOURCE_ROOT/tests/lib/verify.sh"
W=$E2E # the scratch folder of tests/lib/verify.sh
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

FIX=${OG_FIXTURES_OUT:?}
if bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$FIX"; then
  G=$E2E/golden; mkdir -p "$G/up" "$G/wk" "$G/root"
  "$OCIGATE" manifest generate --name minbase-golden "$FIX/minbase" > "$M/minbase-golden.json"
  ok $? "manifest generate of the untouched minbase tree"
  mount -t overlay overlay -o "lowerdir=$FIX/minbase,upperdir=$G/up,workdir=$G/wk" "$G/root"
  ok $? "an overlay root over the minbase tree"
  E2E_EXTRA_CLEANUP="umount '$G/root'"
  change_four "$G/root"
  jq --arg r "$G/root" '.root.path = $r | .process.args = ["/bin/sh", "-c", "echo ran > /tmp/marker"]' \
    "$B/config.json" > "$G/config.json"
  host_config "$E2E/ocigate.json" "$A" "$M" minbase-golden enforce
  jq --arg c "$E2E/cache" '.cache = {enabled: true, dir: $c}' "$E2E/ocigate.json" > "$E2E/c.json" &&
    mv "$E2E/c.json" "$E2E/ocigate.json"
  for run in first second; do
    (cd "$G" && timeout 120 runc run og-e2e-golden-$run) > "$E2E/out" 2> "$E2E/err"; rc=$?
    runc delete -f og-e2e-golden-$run > /dev/null 2>&1
    ok $((rc != 0 ? 0 : 1)) "$run launch of the changed minbase root: runc run fails (rc=$rc)"
    check "$run launch: the container's command never ran" test ! -e "$G/root/tmp/marker"
    last_record "$A" > "$E2E/rec.json"
    four_findings "$run launch: the record denies with one finding per change" "$E2E/rec.json"
    check "$run launch: runc's error shows the modified and the missing file" \
      bash -c "grep -q 'executables.modified: /usr/bin/tac' '$E2E/err' && grep -q 'packages.missing_files: /usr/bin/bash' '$E2E/err'"
    last_record "$A" | jq -c '{decision, cache, inventory_sha256}' > "$E2E/rec-$run"
  done
  check "the first launch wrote the layer cache, the second read it" \
    jq -e -s '.[0].cache.state != .[1].cache.state and .[1].cache.state == "hit"' "$E2E/rec-first" "$E2E/rec-second"
  check "both launches: the same decision and inventory digest" \
    jq -e -s '.[0].decision == "deny" and .[0].decision == .[1].decision and .[0].inventory_sha256 == .[1].inventory_sha256' \
    "$E2E/rec-first" "$E2E/rec-second"
else
  ok 1 "tests/fixtures/make-debootstrap.sh"
fi
check "the deny, allow and audit records follow policy/ocigate.audit.schema.json" /usr/bin/python3 -c '
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open(sys.argv[2]): v.validate(json.loads(line))' "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$A"
plan_end
