#!/bin/bash
# The syslog line of every decision (what journald picks up from /dev/log):
# the hook runs in a mount namespace whose /dev/log (the default socket) is a
# datagram socket this test listens on; the line is RFC 5424 with facility,
# severity, event id and the decision in structured data.
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
A=$E2E/audit.jsonl; M=$E2E/manifests; B=$E2E/bundle; D=$E2E/dev; mkdir -p "$M" "$D"
make_bundle "$B" "$E2E/ocigate.json"
deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name golden "$B/rootfs" > "$M/golden.json"
python3 - "$D/log" "$E2E/syslog.txt" 2 <<'PY' &
import socket, sys
path, out, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path); s.settimeout(30)
with open(out, "w") as f:
    for _ in range(want):
        try: f.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n"); f.flush()
        except socket.timeout: break
PY
listener=$!
for i in $(seq 50); do [ -S "$D/log" ] && break; sleep 0.1; done
touch "$D/null"
run_hook () { # run_hook ID MANIFEST FACILITY
  jq -n --arg audit "$A" --arg dir "$M" --arg man "$2" --arg fac "$3" '
    { schema: "ocigate.config/v1", mode: "enforce", on_error: "deny", deadline_ms: 5000,
      audit: { file: $audit, syslog: true, syslog_facility: $fac }, manifests_dir: $dir, rules: [],
      default: { manifest: $man, mode: "enforce" } }' > "$E2E/ocigate.json"
  printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":1,"bundle":"%s"}' "$1" "$B" > "$E2E/state"
  unshare -m sh -c 'mount --bind /dev/null "$1/null" && mount --bind "$1" /dev && "$2" --config "$3" < "$4"' \
    sh "$D" "$HOOK" "$E2E/ocigate.json" "$E2E/state" > /dev/null 2>&1
}
run_hook sys-deny deny daemon; ok $(( $? == 1 ? 0 : 1 )) "the denying hook exits 1"
run_hook sys-allow golden authpriv; ok $? "the allowing hook exits 0"
wait "$listener"
check "two syslog lines arrived" test "$(wc -l < "$E2E/syslog.txt")" = 2
# RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG, where
# <PRI> = facility * 8 + severity: daemon (3) warning (4) = 28; authpriv (10) info (6) = 86.
check "the deny line: RFC 5424, daemon.warning, app ocigate, event id OG-DENY, the decision in structured data" \
  grep -qE '^<28>1 [0-9T:.-]+Z [^ ]+ ocigate [0-9]+ OG-DENY \[ocigate@32473 decision="deny" mode="enforce" container="sys-deny" image="-" manifest="[^"]*/deny.json" findings="[1-9][0-9]*" first="[^"]+" record="written"\] container=sys-deny decision=deny' "$E2E/syslog.txt"
check "the allow line: authpriv.info, OG-ALLOW, no findings" \
  grep -qE '^<86>1 [0-9T:.-]+Z [^ ]+ ocigate [0-9]+ OG-ALLOW \[ocigate@32473 decision="allow" mode="enforce" container="sys-allow" image="-" manifest="[^"]*/golden.json" findings="0" record="written"\] container=sys-allow' "$E2E/syslog.txt"
check "the audit file has the same two decisions" jq -e -s 'map(.decision) == ["deny", "allow"]' "$A"
plan_end
