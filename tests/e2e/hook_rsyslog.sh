#!/bin/bash
# Records shipped through a real pipeline: two private rsyslogd instances
# (Debian's rsyslog; own configs, pid files and work dirs; never the host's
# syslog): the relay reads a local socket (imuxsock on a path in the temp
# dir, named by the host config's audit.syslog_socket) and forwards over TCP
# on 127.0.0.1 (omfwd, RFC 5424, octet-counted) to the collector (imtcp),
# which writes what it receives to a file.  50 concurrent hook runs (no
# runtime: the hook with a state on stdin) must give exactly 50 intact
# records there, whose structured data equals the JSONL records' fields.
set -u
. "$OG_SOURCE_ROOT/tests/e2e/lib.sh"
if ! command -v rsyslogd > /dev/null; then
  skip "rsyslog pipeline" "rsyslogd is not installed (scripts/deps.sh test installs rsyslog)"
  plan_end; exit 0
fi
A=$E2E/audit.jsonl; M=$E2E/manifests; B=$E2E/bundle; R1=$E2E/relay; R2=$E2E/collector
mkdir -p "$M" "$R1/work" "$R2/work"
make_bundle "$B" "$E2E/unused.json"
# An image name that needs every RFC 5424 escape: '"', '\' and ']'.
IMAGE='registry.example/team/app:1"]\x'
jq --arg img "$IMAGE" '.annotations = {"io.kubernetes.cri-o.ImageName": $img}' "$B/config.json" > "$B/c" && mv "$B/c" "$B/config.json"
deny_manifest "$M/deny.json"
"$OCIGATE" manifest generate --name golden "$B/rootfs" > "$M/golden.json"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat > "$R2/rsyslog.conf" <<EOF
global(workDirectory="$R2/work")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$PORT")
action(type="omfile" file="$R2/received.log" template="RSYSLOG_SyslogProtocol23Format")
EOF
cat > "$R1/rsyslog.conf" <<EOF
global(workDirectory="$R1/work")
module(load="imuxsock" SysSock.Use="off")
# The hook's line is RFC 5424: the regular parser chain, not imuxsock's
# parser for the BSD form that syslog(3) writes.
input(type="imuxsock" Socket="$R1/log.sock" UseSpecialParser="off" ParseHostname="on")
action(type="omfwd" target="127.0.0.1" port="$PORT" protocol="tcp" TCP_Framing="octet-counted"
       template="RSYSLOG_SyslogProtocol23Format" action.resumeRetryCount="-1"
       queue.type="LinkedList" queue.size="10000")
EOF
rsyslogd -n -f "$R2/rsyslog.conf" -i "$R2/pid" > "$R2/out" 2>&1 &
collector=$!
E2E_EXTRA_CLEANUP='kill $collector $relay 2>/dev/null; wait $collector $relay 2>/dev/null'
relay=
for i in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2> /dev/null && break; sleep 0.1; done
rsyslogd -n -f "$R1/rsyslog.conf" -i "$R1/pid" > "$R1/out" 2>&1 &
relay=$!
for i in $(seq 100); do [ -S "$R1/log.sock" ] && break; sleep 0.1; done
check "the collector listens on 127.0.0.1:$PORT and the relay's socket is there" test -S "$R1/log.sock"

for man in deny golden; do
  jq -n --arg audit "$A" --arg dir "$M" --arg man "$man" --arg sock "$R1/log.sock" '
    { schema: "ocigate.config/v1", mode: "enforce", on_error: "deny", deadline_ms: 20000,
      audit: { file: $audit, syslog: true, syslog_facility: "daemon", syslog_socket: $sock },
      manifests_dir: $dir, rules: [], default: { manifest: $man, mode: "enforce" } }' > "$E2E/$man.json"
done
# 50 at once: 25 denied, 25 allowed; every fifth id needs escapes too.
hooks=()
for i in $(seq 50); do
  man=$([ $((i % 2)) = 0 ] && echo deny || echo golden)
  id="rs-$i"; [ $((i % 5)) = 0 ] && id="rs-$i-\"]\\"
  jq -nc --arg id "$id" --arg b "$B" '{ociVersion: "1.0.2", id: $id, status: "creating", pid: 1, bundle: $b}' \
    | "$HOOK" --config "$E2E/$man.json" > /dev/null 2>&1 &
  hooks+=($!)
done
wait "${hooks[@]}"
for i in $(seq 150); do [ "$(records "$R2/received.log")" -ge 50 ] && break; sleep 0.2; done
sleep 0.5
check "50 records in the audit file" test "$(records "$A")" = 50
ok $([ "$(records "$R2/received.log")" = 50 ] && echo 0 || echo 1) "exactly 50 records at the collector (got $(records "$R2/received.log"))"

python3 - "$A" "$R2/received.log" > "$E2E/compare.out" 2>&1 <<'PY'
import json, re, sys

def sd_unescape(v):  # RFC 5424 6.3.3: \" \\ \]
    return re.sub(r'\\(["\\\]])', r'\1', v)

def text_unescape(v):  # base/text.h: \\ \n \t \xHH
    return re.sub(r'\\(\\|n|t|x[0-9a-fA-F]{2})',
                  lambda m: {'\\': '\\', 'n': '\n', 't': '\t'}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), v)

HEAD = re.compile(r'^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[ocigate@32473((?: [a-z_]+="(?:[^"\\\]]|\\["\\\]])*")*)\])')
PARAM = re.compile(r' ([a-z_]+)="((?:[^"\\\]]|\\["\\\]])*)"')
ids = {"allow": "OG-ALLOW", "deny": "OG-DENY", "error-deny": "OG-ERROR-DENY", "error-allow": "OG-ERROR-ALLOW"}
jsonl = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    f = r["findings"]
    jsonl[r["container"]["id"]] = {
        "decision": r["decision"], "mode": r["mode"], "container": r["container"]["id"],
        "image": (r.get("image") or {}).get("name", "-"),
        "manifest": r["manifest"]["path"], "findings": str(r["findings_total"]),
        "first": f[0]["rule"] + ": " + f[0]["subject"] if f else None,
        "record": "written", "msgid": ids[r["decision"]], "host": r["host"]}
bad = 0
seen = set()
for n, line in enumerate(open(sys.argv[2]), 1):
    m = HEAD.match(line)
    if not m:
        print(f"line {n}: not an RFC 5424 line with ocigate structured data: {line!r}"); bad += 1; continue
    pri, ts, host, app, procid, msgid = m.group(1, 2, 3, 4, 5, 6)
    sd = {k: text_unescape(sd_unescape(v)) for k, v in PARAM.findall(m.group(8))}
    got = dict(sd, msgid=msgid, host=host)
    got.setdefault("first", None)
    want = jsonl.get(sd.get("container"))
    if want is None:
        print(f"line {n}: container {sd.get('container')!r} is not in the JSONL"); bad += 1; continue
    seen.add(sd["container"])
    # daemon (3) * 8 + warning (4) for deny, + info (6) for allow
    if app != "ocigate" or not procid.isdigit() or int(pri) != 24 + (4 if want["decision"] == "deny" else 6):
        print(f"line {n}: header {pri} {app} {procid}"); bad += 1
    for k, v in want.items():
        if got.get(k) != v:
            print(f"line {n}: {k}: syslog {got.get(k)!r} != JSONL {v!r}"); bad += 1
print(f"{len(seen)} distinct containers matched, {bad} differences")
sys.exit(1 if bad or len(seen) != len(jsonl) else 0)
PY
ok $? "every collected record parses back (RFC 5424, structured data unescaped) into the fields of its JSONL record"
sed 's/^/# /' "$E2E/compare.out" | tail -5
check "the escapes came through: an image name with '\"', ']' and '\\\\' and ids with them" \
  grep -qF 'image="registry.example/team/app:1\"\]\\\\x"' "$R2/received.log"
check "25 OG-DENY and 25 OG-ALLOW event ids" \
  test "$(grep -c ' OG-DENY \[' "$R2/received.log")/$(grep -c ' OG-ALLOW \[' "$R2/received.log")" = 25/25
plan_end
