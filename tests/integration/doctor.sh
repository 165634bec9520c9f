#!/bin/bash
# ocigate doctor on a scratch node made in a temporary directory (the hook,
# a hooks.d directory written by `ocigate install hooks-dir`, a host config,
# its manifests, the audit directory, a syslog socket, the runtimes'
# configuration files), every place given through options so that the
# host's /etc plays no part: all green gives exit 0; then one break at a
# time gives exit 1 and a FAIL line that names the file and the reason.
set -u
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
W=$(mktemp -d); trap 'kill $sock_pid 2>/dev/null; rm -rf "$W"' EXIT
N=$W/node
mkdir -p "$N/hooks.d" "$N/manifests" "$N/log"
chmod 0700 "$N/log"
install -m 0755 "$OG_BUILD_ROOT/hook/ocigate-hook" "$N/hook"
cp "$OG_SOURCE_ROOT/policy/examples/deny-shells-pkgmgrs-compilers.json" "$N/manifests/deny.json"
"$OCIGATE" install hooks-dir --hook "$N/hook" "$N/hooks.d" > /dev/null
cat > "$N/ocigate.json" <<EOF
{ "schema": "ocigate.config/v1", "mode": "audit", "on_error": "allow", "deadline_ms": 5000,
  "audit": { "file": "$N/log/audit.jsonl", "syslog": true },
  "manifests_dir": "$N/manifests", "cache": { "dir": "$N/cache" },
  "rules": [ { "match": { "annotations": { "^io\\\\.kubernetes\\\\.pod\\\\.namespace\$": "^prod-" } },
               "manifest": "deny", "mode": "enforce" } ],
  "default": { "manifest": null, "mode": "audit" } }
EOF
printf '[engine]\nhooks_dir = [\n  "/nonexistent/hooks.d", # a comment\n  "%s",\n]\n' "$N/hooks.d" > "$N/containers.conf"
printf '[crio.runtime]\nhooks_dir = ["%s"]\n' "$N/hooks.d" > "$N/crio.conf"
printf '{"ociVersion": "1.0.2", "hooks": {"prestart": [{"path": "%s", "args": ["ocigate-hook"]}]}}\n' "$N/hook" > "$N/base-spec.json"
printf 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  base_runtime_spec = "%s"\n' "$N/base-spec.json" > "$N/containerd.toml"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(600)' "$N/log.sock" &
sock_pid=$!
for _ in $(seq 50); do [ -S "$N/log.sock" ] && break; sleep 0.1; done

doctor () {
  "$OCIGATE" doctor --hook "$N/hook" --hooks-dir "$N/hooks.d" --config "$N/ocigate.json" \
    --containers-conf "$N/containers.conf" --crio-conf "$N/crio.conf" \
    --containerd-conf "$N/containerd.toml" --syslog-socket "$N/log.sock" "$@" > "$W/out" 2> "$W/err"
}

doctor; rc=$?
ok $((rc == 0 ? 0 : 1)) "a well-made node: exit 0"
[ $rc -eq 0 ] || sed 's/^/# /' "$W/out"
check "a well-made node: no FAIL line" bash -c "! grep -q '^FAIL' '$W/out'"
check "the hook is checked" grep -qx "ok    hook $N/hook is an executable file owned by root" "$W/out"
check "the hooks.d file is checked" grep -qx "ok    hooks.d $N/hooks.d/ocigate.json runs $N/hook at prestart" "$W/out"
check "the host config and its regexes are checked" grep -q "^ok    host config $N/ocigate.json: valid (mode audit, on_error allow, 1 rule, 2 regexes compile within limits)" "$W/out"
check "the manifest the config names is checked" grep -qx "ok    manifest \`deny\` ($N/manifests/deny.json): valid" "$W/out"
check "the audit directory is checked" grep -qx "ok    audit directory $N/log is owned by root and not writable by others" "$W/out"
check "the syslog socket is checked" grep -qx "ok    syslog socket $N/log.sock accepts records" "$W/out"
check "the layer cache not made yet is said" grep -q "^ok    layer cache $N/cache: not made yet" "$W/out"
# The hook counts each use of the cache with one byte of its stats file.
mkdir -m 0700 "$N/cache" && printf 'hhhm' > "$N/cache/stats"
doctor
check "the layer cache's hit rate is its stats file's (3 hits of 4 launches)" \
  grep -q "^ok    layer cache $N/cache: 0 entries, .* 4 launches, hit rate 75% (1 miss, 0 invalid" "$W/out"
check "openat2 is checked" grep -qx "ok    kernel: openat2 with RESOLVE_IN_ROOT works" "$W/out"
check "seccomp is checked" grep -qx "ok    kernel: seccomp filters are available" "$W/out"
check "podman's hooks_dir (a multi-line array) is read" grep -qx "ok    podman ($N/containers.conf) reads hooks from $N/hooks.d, which runs the hook" "$W/out"
check "CRI-O's hooks_dir is read" grep -qx "ok    CRI-O ($N/crio.conf) reads hooks from $N/hooks.d, which runs the hook" "$W/out"
check "containerd's base_runtime_spec is read" grep -qx "ok    containerd ($N/containerd.toml): its base_runtime_spec $N/base-spec.json runs the hook" "$W/out"
: > "$N/log/audit.jsonl"; chmod 0600 "$N/log/audit.jsonl"
doctor; ok $? "with an audit file: exit 0"
check "the audit file can be appended to" grep -qx "ok    audit file $N/log/audit.jsonl can be appended to" "$W/out"
check "doctor wrote nothing into the audit file" test ! -s "$N/log/audit.jsonl"

# broken: run doctor, expect exit 1 and a FAIL line matching the pattern; then repair.
broken () { # broken WHAT GREP-PATTERN
  doctor; rc=$?
  ok $((rc == 1 ? 0 : 1)) "$1: exit 1"
  check "$1: the FAIL line names the file and the reason" grep -q "^FAIL  $2" "$W/out"
}

mv "$N/manifests/deny.json" "$W/deny.json"
broken "a missing manifest" "manifest \`deny\` (rule 1 of $N/ocigate.json): $N/manifests/deny.json: No such file or directory; create it"
mv "$W/deny.json" "$N/manifests/deny.json"

cp "$N/ocigate.json" "$W/cfg"
sed -i 's/"mode": "audit",/"mode": "audit"/' "$N/ocigate.json"
broken "a typo'd host config" "host config $N/ocigate.json:1:[0-9]*: .*; the hook cannot load it"
cp "$W/cfg" "$N/ocigate.json"

sed -i 's/"^prod-"/"^prod-(a"/' "$N/ocigate.json"
broken "a regex that does not compile" "host config $N/ocigate.json:4:[0-9]*: .*regular expression"
cp "$W/cfg" "$N/ocigate.json"
sed -i 's/"^prod-"/"^(((((((((a)))))))))"/' "$N/ocigate.json"
broken "a regex nested past the limit" "host config $N/ocigate.json:4:[0-9]*: .*"
cp "$W/cfg" "$N/ocigate.json"

chmod 0777 "$N/log"
broken "a world-writable audit directory" "audit directory $N/log is writable by everyone (mode 0777).*chmod 0700"
chmod 0700 "$N/log"

cp "$N/hooks.d/ocigate.json" "$W/hooksd"
sed -i "s|\"$N/hook\"|\"/usr/local/elsewhere/ocigate-hook\"|" "$N/hooks.d/ocigate.json"
broken "a hooks.d file pointing elsewhere" "hooks.d $N/hooks.d/ocigate.json points at /usr/local/elsewhere/ocigate-hook, not at the hook $N/hook"
check "a hooks.d file pointing elsewhere: podman is said not to run the hook" grep -q "^FAIL  podman ($N/containers.conf) reads hooks from /nonexistent/hooks.d, $N/hooks.d, and none of them" "$W/out"
cp "$W/hooksd" "$N/hooks.d/ocigate.json"

sed -i 's/^    "prestart"$/    "poststart"/' "$N/hooks.d/ocigate.json"
broken "a wrong stage" "hooks.d $N/hooks.d/ocigate.json stage \"poststart\" runs when the root filesystem can no longer be inspected"
cp "$W/hooksd" "$N/hooks.d/ocigate.json"

sed -i 's/"1.0.0"/"1.0.0",/' "$N/hooks.d/ocigate.json"
broken "a hooks.d file that is not JSON" "hooks.d $N/hooks.d/ocigate.json:[0-9]*:[0-9]*: not valid JSON"
cp "$W/hooksd" "$N/hooks.d/ocigate.json"

chmod 0644 "$N/hook"
broken "a hook that is not executable" "hook $N/hook is not an executable file"
chmod 0755 "$N/hook"

# Drop-in directories: *.conf read after the main file in lexical order,
# the later hooks_dir winning (containers.conf(5), crio.conf.d(5)).
mkdir -p "$N/empty-hooks.d" "$N/containers.conf.d" "$N/crio.conf.d" "$N/containers.conf.d/90-dir.conf"
printf '[engine]\nhooks_dir = ["%s"]\n' "$N/empty-hooks.d" > "$N/containers.conf.d/50-elsewhere.conf"
printf '[engine]\nhooks_dir = ["%s"]\n' "$N/hooks.d" > "$N/containers.conf.d/10-first.conf"
printf '[engine]\nhooks_dir = ["%s"]\n' "$N/hooks.d" > "$N/containers.conf.d/60-not-a-conf.toml"
printf '[crio.runtime]\nhooks_dir = ["%s"]\n' "$N/empty-hooks.d" > "$N/crio.conf.d/20-elsewhere.conf"
dropins=(--containers-conf-dir "$N/containers.conf.d" --crio-conf-dir "$N/crio.conf.d")
doctor "${dropins[@]}"; rc=$?
ok $((rc == 1 ? 0 : 1)) "a drop-in that moves hooks_dir to a directory without the hook: exit 1"
check "podman: the FAIL line names the drop-in that won (the last .conf in lexical order)" \
  grep -qx "FAIL  podman ($N/containers.conf.d/50-elsewhere.conf) reads hooks from $N/empty-hooks.d, and none of them has a valid file that runs $N/hook; run \`ocigate install hooks-dir --hook $N/hook DIR\` with one of them" "$W/out"
check "CRI-O: the same for crio.conf.d" \
  grep -q "^FAIL  CRI-O ($N/crio.conf.d/20-elsewhere.conf) reads hooks from $N/empty-hooks.d, and none" "$W/out"
check "a directory named *.conf and a file not named *.conf are not read" \
  bash -c "! grep -q '90-dir.conf\|60-not-a-conf' '$W/out'"
printf '[engine]\nhooks_dir = ["%s", {append=true}]\n' "$N/hooks.d" > "$N/containers.conf.d/70-append.conf"
doctor "${dropins[@]}"
check "podman: {append=true} adds to the value before it" \
  grep -qx "ok    podman ($N/containers.conf.d/70-append.conf) reads hooks from $N/hooks.d, which runs the hook" "$W/out"
rm "$N/containers.conf.d/50-elsewhere.conf" "$N/containers.conf.d/70-append.conf" "$N/crio.conf.d/20-elsewhere.conf"
printf '[crio.runtime]\nlog_level = "info"\n' > "$N/crio.conf.d/30-other.conf"
doctor "${dropins[@]}"; ok $? "drop-ins that set hooks_dir to the hook's directory, or not at all: exit 0"
check "... podman's line names the drop-in that set it" grep -qx "ok    podman ($N/containers.conf.d/10-first.conf) reads hooks from $N/hooks.d, which runs the hook" "$W/out"
check "... CRI-O's names crio.conf, whose value no drop-in replaced" grep -qx "ok    CRI-O ($N/crio.conf) reads hooks from $N/hooks.d, which runs the hook" "$W/out"
doctor --containers-conf-dir "$N/no-such.d"; rc=$?
check "a --containers-conf-dir that does not exist: exit 1, named" bash -c "test $rc -eq 1 && grep -q '^FAIL  $N/no-such.d cannot be read: No such file or directory' '$W/out'"

kill $sock_pid; wait $sock_pid 2>/dev/null
broken "no syslog daemon while the config logs to syslog" "syslog socket $N/log.sock: .*set audit.syslog false"

printf 'version = 2\n' > "$N/containerd.toml"
doctor --containerd-socket "$N/no-containerd.sock"; rc=$?
check "containerd without the hook, not running: a warning, no failure of containerd" \
  bash -c "grep -q '^warn  containerd ($N/containerd.toml) is configured but not running' '$W/out' && ! grep -q '^FAIL  containerd' '$W/out'"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1); time.sleep(600)' "$N/containerd.sock" &
ctr_pid=$!
for _ in $(seq 50); do [ -S "$N/containerd.sock" ] && break; sleep 0.1; done
doctor --containerd-socket "$N/containerd.sock"; rc=$?
ok $((rc == 1 ? 0 : 1)) "containerd without the hook, running: exit 1"
check "containerd without the hook, running: the FAIL line names its config and socket" \
  grep -q "^FAIL  containerd ($N/containerd.toml) runs ($N/containerd.sock) and will not run the hook" "$W/out"
kill $ctr_pid; wait $ctr_pid 2>/dev/null

doctor --bogus; ok $(( $? == 2 ? 0 : 1 )) "a bad option: exit 2"
check "a bad option: one message, naming it" test "$(grep -c . "$W/err")" -eq 2 -a "$(grep -c -- '--bogus' "$W/err")" -eq 1

# manifest lint of a host config resolves its manifests through manifests_dir.
"$OCIGATE" manifest lint "$N/ocigate.json" > "$W/out" 2> "$W/err"
ok $? "manifest lint: a host config whose manifests exist is ok"
check "manifest lint: says ok" grep -qx "$N/ocigate.json: ok" "$W/out"
mv "$N/manifests/deny.json" "$W/deny.json"
"$OCIGATE" manifest lint "$N/ocigate.json" > "$W/out" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "manifest lint: a host config naming a missing manifest: exit 2"
check "manifest lint: the error names the config, the manifest and the path" grep -q "^$N/ocigate.json: rule 1 names manifest \`deny\`, but $N/manifests/deny.json: No such file or directory" "$W/err"
check "manifest lint: no ok line" test ! -s "$W/out"
printf '{"schema": "ocigate.manifest/v1", "name": "x", "packages": {"unlisted": "maybe"}}\n' > "$N/manifests/deny.json"
"$OCIGATE" manifest lint "$N/ocigate.json" > "$W/out" 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "manifest lint: a host config naming an invalid manifest: exit 2"
check "manifest lint: the manifest's error is at its file:line:column" grep -q "^$N/manifests/deny.json:1:[0-9]*: " "$W/err"
plan_end
