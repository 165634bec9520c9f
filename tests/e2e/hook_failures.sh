#!/bin/bash
# Failure modes: a missing host config, a broken manifest, a root that
# vanished, an audit file that cannot be written, a state that is not JSON,
# an unknown stage: operational errors,
# each follows on_error (deny: exit 1; allow: exit 0) and leaves a record.
# A deadline of 1 ms on a big tree is the content's doing, not an
# operational error: an "inspection" finding, deny in enforce mode whatever
# on_error says, allow with enforce_would deny in audit mode.
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
FIX=${OG_FIXTURES_OUT:?}
A=$E2E/audit.jsonl; M=$E2E/manifests; B=$E2E/bundle; mkdir -p "$M"
make_bundle "$B" "$E2E/ocigate.json"
deny_manifest "$M/deny.json"
printf '{ "schema": "ocigate.manifest/v1", "packages": { "unlisted": "sometimes" ' > "$M/broken.json"
state () { printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":1,"bundle":"%s","annotations":{"k":"v"}}' "$1" "$2"; }
hook () { # hook ID BUNDLE [ARGS...] -> rc; stderr in $E2E/err
  local id=$1 b=$2; shift 2
  state "$id" "$b" | "$HOOK" --config "$E2E/ocigate.json" "$@" > "$E2E/out" 2> "$E2E/err"
}
expect () { # expect DESC RC-WANTED RC-GOT DECISION ID
  ok $(( $3 == $2 ? 0 : 1 )) "$1: exit $2 (got $3)"
  check "$1: a record with decision $4" jq -e --arg d "$4" --arg id "$5" '.decision == $d and .container.id == $id and (.error | length > 0)' <(last_record "${6:-$A}")
}

# A missing host config: the hook's --on-error (default deny) and --audit-file decide.
FA=$E2E/fallback/audit.jsonl
state miss "$B" | "$HOOK" --config "$E2E/nope.json" --audit-file "$FA" > /dev/null 2> "$E2E/err"; rc=$?
expect "missing host config (default --on-error deny)" 1 $rc error-deny miss "$FA"
check "missing host config: the message names the file" grep -q "$E2E/nope.json" "$E2E/err"
state miss2 "$B" | "$HOOK" --config "$E2E/nope.json" --audit-file "$FA" --on-error allow > /dev/null 2>&1; rc=$?
expect "missing host config with --on-error allow" 0 $rc error-allow miss2 "$FA"
# Without --config the hook reads the build's SYSCONFDIR/ocigate/ocigate.json
# (/etc/... only when sysconfdir is /etc, as for the packages).
sysconf=$(sed -n 's/^#define OG_SYSCONFDIR "\(.*\)"$/\1/p' "$OG_BUILD_ROOT/og-config.h")
if [ -e "$sysconf/ocigate/ocigate.json" ]; then
  ok 0 "# SKIP $sysconf/ocigate/ocigate.json exists on this host"
else
  state dflt "$B" | "$HOOK" --audit-file "$FA" --on-error allow > /dev/null 2> "$E2E/err"; rc=$?
  expect "no --config, no host config at the default path" 0 $rc error-allow dflt "$FA"
  check "... the default path is SYSCONFDIR's ($sysconf)" \
    jq -e --arg p "$sysconf/ocigate/ocigate.json" '.error | contains($p)' <(last_record "$FA")
  check "... and --help names it" grep -q "default $sysconf/ocigate/ocigate.json" <("$HOOK" --help)
fi

for onerr in deny allow; do
  want=$([ $onerr = deny ] && echo 1 || echo 0)
  host_config "$E2E/ocigate.json" "$A" "$M" broken enforce $onerr
  hook broken-$onerr "$B"; rc=$?
  expect "broken manifest, on_error $onerr" $want $rc error-$onerr broken-$onerr
  check "broken manifest, on_error $onerr: the error names file:line:column" \
    jq -e '.error | test("broken.json:[0-9]+:[0-9]+")' <(last_record "$A")

  host_config "$E2E/ocigate.json" "$A" "$M" deny enforce $onerr
  jq '.root.path = "/nonexistent/og-vanished"' "$B/config.json" > "$E2E/vb.json"
  mkdir -p "$E2E/vanished"; cp "$E2E/vb.json" "$E2E/vanished/config.json"
  hook vanished-$onerr "$E2E/vanished"; rc=$?
  expect "root that vanished, on_error $onerr" $want $rc error-$onerr vanished-$onerr
  check "root that vanished: the error names the root" jq -e '.error | contains("/nonexistent/og-vanished")' <(last_record "$A")
done

# No launch without a record: an audit file that cannot be opened (its
# directory is a file) or written (/dev/full: ENOSPC) is an operational
# error, on_error decides; a denial stays a denial; the syslog line says so
# and stderr never names a file that was not written.
"$OCIGATE" manifest generate --name golden "$B/rootfs" > "$M/golden.json"
: > "$E2E/file"
python3 - "$E2E/rec.sock" "$E2E/rec.syslog" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(10)
with open(sys.argv[2], "w") as f:
    while True:
        try: f.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n"); f.flush()
        except socket.timeout: break
PY
listener=$!
for i in $(seq 50); do [ -S "$E2E/rec.sock" ] && break; sleep 0.1; done
for audit in "$E2E/file/audit.jsonl" /dev/full; do
  why=$([ "$audit" = /dev/full ] && echo "write audit file \`/dev/full\`: No space left on device" || echo "open audit file \`$E2E/file/audit.jsonl\`: Not a directory")
  for case in golden-deny golden-allow deny-allow; do
    man=${case%-*}; onerr=${case#*-}
    host_config "$E2E/ocigate.json" "$audit" "$M" $man enforce $onerr
    jq --arg s "$E2E/rec.sock" '.audit.syslog = true | .audit.syslog_socket = $s' "$E2E/ocigate.json" > "$E2E/c" && mv "$E2E/c" "$E2E/ocigate.json"
    id=rec-$(basename "$audit")-$case
    hook "$id" "$B"; rc=$?
    case $case in
      golden-deny) want=1 dec=error-deny msgid=OG-ERROR-DENY ;;
      golden-allow) want=0 dec=error-allow msgid=OG-ERROR-ALLOW ;;
      deny-allow) want=1 dec=deny msgid=OG-DENY ;;
    esac
    ok $(( rc == want ? 0 : 1 )) "$audit, manifest $man, on_error $onerr: exit $want, $dec (got $rc)"
    check "... stderr says no record was written and why, and never 'full record'" \
      sh -c 'grep -qF "$1" "$2" && grep -q "no record was written" "$2" && ! grep -q "full record" "$2"' sh "$why" "$E2E/err"
    check "... and that the decision went to syslog" grep -qF "syslog: the decision was sent to $E2E/rec.sock" "$E2E/err"
    sleep 0.1
    check "... the syslog line: $msgid, decision $dec, record=\"failed\"" \
      grep -qE " $msgid \\[ocigate@32473 decision=\"$dec\" .*container=\"$id\".* record=\"failed\"\\]" "$E2E/rec.syslog"
  done
done
check "error-allow for a missing record says on_error is allow" grep -q "no audit record could be written: .*; on_error is allow, the launch goes on" <(
  host_config "$E2E/ocigate.json" "$E2E/file/audit.jsonl" "$M" golden enforce allow; hook rec-last "$B"; cat "$E2E/err")
kill "$listener" 2> /dev/null; wait "$listener" 2> /dev/null
check "no audit file appeared under the file" test ! -e "$E2E/file/audit.jsonl"

# A deadline of 1 ms on a debootstrap tree (thousands of entries).
bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$FIX" || true
mkdir -p "$E2E/big"; jq --arg r "$FIX/minbase" '.root.path = $r' "$B/config.json" > "$E2E/big/config.json"
for onerr in deny allow; do
  host_config "$E2E/ocigate.json" "$A" "$M" deny enforce $onerr 1
  hook deadline-$onerr "$E2E/big"; rc=$?
  ok $(( rc == 1 ? 0 : 1 )) "deadline of 1 ms, enforce, on_error $onerr: an inspection deny, exit 1 (got $rc)"
  check "deadline, on_error $onerr: the record says deny with an inspection finding on the deadline" \
    jq -e --arg id deadline-$onerr '.decision == "deny" and .container.id == $id and .error == null and (.findings | any(.rule == "inspection" and (.reason | test("deadline"))))' <(last_record "$A")
  check "deadline, on_error $onerr: stderr lists the finding" grep -q '^  inspection: /: .*deadline' "$E2E/err"
done
host_config "$E2E/ocigate.json" "$A" "$M" deny audit allow 1
hook deadline-audit "$E2E/big"; rc=$?
ok $(( rc == 0 ? 0 : 1 )) "deadline of 1 ms, audit mode: allowed (got $rc)"
check "deadline, audit mode: the record says allow, enforce would deny, with the inspection finding" \
  jq -e '.decision == "allow" and .enforce_would == "deny" and (.findings | any(.rule == "inspection"))' <(last_record "$A")
# The same tree with a sane deadline is inspected and denied on its content.
host_config "$E2E/ocigate.json" "$A" "$M" deny enforce deny 20000
hook deadline-ok "$E2E/big"; rc=$?
ok $(( rc == 1 ? 0 : 1 )) "the debootstrap tree with a 20 s deadline is denied on content (rc=$rc)"
check "the content denial names bash and dpkg" jq -e '.decision == "deny" and .error == null and (.findings | map(.subject) | (index("/usr/bin/bash") != null) and (any(startswith("dpkg"))))' <(last_record "$A")

# A stdin that never closes: the hook's own timer ends it at deadline + 1 s.
host_config "$E2E/ocigate.json" "$A" "$M" deny enforce deny 500
start=$(date +%s%N)
("$HOOK" --config "$E2E/ocigate.json" < <(exec sleep 30) > /dev/null 2> "$E2E/err"; echo $? > "$E2E/rc") &
waiter=$!
for i in $(seq 100); do [ -s "$E2E/rc" ] && break; sleep 0.1; done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$waiter" 2> /dev/null; pkill -f 'sleep 30' 2> /dev/null
ok $([ "$(cat "$E2E/rc" 2>/dev/null)" = 1 ] && echo 0 || echo 1) "a stdin that never closes: exit 1 under on_error deny, after ${ms} ms"
check "... within deadline + grace (under 5 s)" test "$ms" -lt 5000
check "... and a record says so" jq -e '.decision == "error-deny" and (.error | test("no decision before the deadline"))' <(last_record "$A")
check "... and stderr says so" grep -q 'no decision within 500 ms; on_error is deny' "$E2E/err"

# A state that is not JSON: on_error decides, the record says why.
host_config "$E2E/ocigate.json" "$A" "$M" deny enforce deny
echo 'not json' | "$HOOK" --config "$E2E/ocigate.json" > /dev/null 2> "$E2E/err"; rc=$?
ok $(( rc == 1 ? 0 : 1 )) "a state that is not JSON: exit 1 under on_error deny"
check "a state that is not JSON: recorded" jq -e '.decision == "error-deny" and (.error | contains("OCI state"))' <(last_record "$A")
# An unknown stage is refused before anything else.
state s "$B" | "$HOOK" --config "$E2E/ocigate.json" --stage poststop > /dev/null 2> "$E2E/err"; rc=$?
ok $(( rc == 2 ? 0 : 1 )) "an unknown stage is refused with exit 2"
check "the unknown stage message says which stages work" grep -q "use prestart, createRuntime or createContainer" "$E2E/err"
# The inherited environment is ignored: a hostile OCIGATE-looking env and cwd change nothing.
host_config "$E2E/ocigate.json" "$A" "$M" deny enforce deny
(cd "$B/rootfs" && state envtest "$B" | env -i PATH=/nonexistent LD_PRELOAD=/nonexistent.so HOME=/tmp "$HOOK" --config "$E2E/ocigate.json" > /dev/null 2>&1); rc=$?
ok $(( rc == 1 ? 0 : 1 )) "a strange environment and working directory change nothing (deny on content)"
check "... and the record is a content decision" jq -e '.decision == "deny" and .container.id == "envtest"' <(last_record "$A")
# Mount destinations are normalised, and only the empty placeholder file at
# exactly one is left out (listed in the record): not a subtree, not "/".
P=$E2E/placeholders; mkdir -p "$P/rootfs/etc" "$P/rootfs/opt/tools/bin"
cp -a "$B/rootfs/." "$P/rootfs/"; : > "$P/rootfs/etc/hostname"; cp /bin/busybox "$P/rootfs/opt/tools/bin/busybox"
jq --arg r "$P/rootfs" '.root.path = $r | .mounts = [
    {destination: "/etc//./hostname/", type: "bind", source: "/etc/hostname", options: ["bind"]},
    {destination: "/opt/x/../tools/", type: "bind", source: "/tmp", options: ["rbind"]},
    {destination: "/./", type: "bind", source: "/tmp", options: ["rbind"]}]' "$B/config.json" > "$P/config.json"
host_config "$E2E/ocigate.json" "$A" "$M" deny enforce allow
hook placeholders "$P"; rc=$?
ok $(( rc == 1 ? 0 : 1 )) "mount destinations: still denied on content (rc=$rc)"
check "mount destinations: the placeholder is left out and listed, normalised" \
  jq -e '.skipped == [{"path": "/etc/hostname", "reason": "excluded"}]' <(last_record "$A")
check "mount destinations: what the image holds under a destination is inspected" \
  jq -e '.findings | any(.subject == "/opt/tools/bin/busybox")' <(last_record "$A")
check "mount destinations: a destination naming the root leaves nothing else out" \
  jq -e '.findings | any(.subject == "/bin/busybox")' <(last_record "$A")
# Every record written above, allow, deny and error alike, follows the published schema.
cat "$A" "$FA" > "$E2E/all.jsonl"
/usr/bin/python3 - "$OG_SOURCE_ROOT/policy/ocigate.audit.schema.json" "$E2E/all.jsonl" > "$E2E/schema.out" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema)
n = 0
for line in open(sys.argv[2]):
    v.validate(json.loads(line)); n += 1
print(n)
PY
ok $? "all $(cat "$E2E/schema.out" | tail -1) records validate against policy/ocigate.audit.schema.json"
[ -s "$E2E/schema.out" ] && sed 's/^/# /' "$E2E/schema.out" | head -5
plan_end
