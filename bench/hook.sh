#!/bin/bash
# Time the hook adds to a container start: `runc run` of the same bundle (a
# Debian minbase root) with ocigate-hook in enforce mode and a versions-level
# manifest generated from that root, against without the hook, interleaved.
# The added time is compared with `find ROOT -xdev -type f -perm /111` (the
# cost of walking the tree once); peak RSS of the hook by GNU time.
# Usage: bench/hook.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
rounds=${1:-11}
bash scripts/build.sh
bash tests/fixtures/make-debootstrap.sh bench/out
ROOT=$PWD/bench/out/minbase
W=$(mktemp -d /var/tmp/og-bench-hook.XXXXXX); trap 'rm -rf "$W"' EXIT
HOOK=$PWD/build/hook/ocigate-hook
mkdir -p "$W/manifests" "$W/with" "$W/without"
build/cli/ocigate manifest generate --level versions --name minbase "$ROOT" > "$W/manifests/minbase.json"
cat > "$W/ocigate.json" <<J
{ "schema": "ocigate.config/v1", "mode": "enforce", "on_error": "deny", "deadline_ms": 60000,
  "audit": { "file": "$W/audit.jsonl", "syslog": false }, "manifests_dir": "$W/manifests",
  "rules": [], "default": { "manifest": "minbase", "mode": "enforce" } }
J
for b in with without; do
  (cd "$W/$b" && runc spec)
  jq --arg root "$ROOT" --arg hook "$HOOK" --arg cfg "$W/ocigate.json" --arg b "$b" '
    .process.terminal = false | .process.args = ["/bin/true"] | .root.path = $root | .root.readonly = true
    | if $b == "with" then .hooks = {prestart: [{path: $hook, args: ["ocigate-hook", "--config", $cfg]}]} else . end' \
    "$W/$b/config.json" > "$W/$b/c" && mv "$W/$b/c" "$W/$b/config.json"
done
n=0
runit () { n=$((n + 1)); (cd "$W/$1" && runc run "og-bench-$1-$n" >/dev/null 2>&1); }
runit with; runit without
a=(); b=(); f=()
for i in $(seq "$rounds"); do
  a+=("$(time_once runit with)")
  b+=("$(time_once runit without)")
  f+=("$(time_once find "$ROOT" -xdev -type f -perm /111)")
done
ma=$(printf '%s\n' "${a[@]}" | median); mb=$(printf '%s\n' "${b[@]}" | median); mf=$(printf '%s\n' "${f[@]}" | median)
state=$(printf '{"ociVersion":"1.0.2","id":"bench","status":"creating","pid":1,"bundle":"%s"}' "$W/with")
rss=$(echo "$state" | /usr/bin/time -f %M "$HOOK" --config "$W/ocigate.json" 2>&1 >/dev/null | tail -1)
decision=$(tail -1 "$W/audit.jsonl" | jq -r .decision)
echo "machine: $(machine)"
echo "root: $ROOT ($(find "$ROOT" -xdev -type f -perm /111 | wc -l) executables), manifest: versions level, decision: $decision"
echo "runc run with the hook:    median ${ma} ms over $rounds rounds"
echo "runc run without the hook: median ${mb} ms"
echo "find -xdev -type f -perm /111: median ${mf} ms"
awk -v a="$ma" -v b="$mb" -v f="$mf" 'BEGIN { d = a - b; printf "the hook adds %.0f ms = %.2fx find (target <= 1.0x)\n", d, (f > 0 ? d / f : 0) }'
echo "hook peak RSS: $((rss / 1024)) MiB (target <= 32 MiB)"
