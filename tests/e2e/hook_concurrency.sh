#!/bin/bash
# 50 hooks at once append to the same audit file: exactly 50 well-formed
# lines, one per container id, none lost or interleaved.
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
A=$E2E/audit.jsonl; M=$E2E/manifests; B=$E2E/bundle; mkdir -p "$M"
make_bundle "$B" "$E2E/ocigate.json"
deny_manifest "$M/deny.json"
host_config "$E2E/ocigate.json" "$A" "$M" deny audit
pids=()
for i in $(seq 1 50); do
  printf '{"ociVersion":"1.0.2","id":"c%02d","status":"creating","pid":1,"bundle":"%s"}' "$i" "$B" \
    | "$HOOK" --config "$E2E/ocigate.json" > /dev/null 2>&1 &
  pids+=($!)
done
fails=0; for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
ok $fails "50 concurrent hooks all exit 0 in audit mode"
check "exactly 50 lines" test "$(wc -l < "$A")" = 50
check "every line is a well-formed ocigate.audit/v1 record" jq -e -s 'length == 50 and all(.schema == "ocigate.audit/v1")' "$A"
check "one record per container id, none lost" test "$(jq -r .container.id "$A" | sort -u | wc -l)" = 50
plan_end
