#!/bin/bash
# Time the hook adds to a container start: `runc run` of the same bundle (a
# Debian minbase root) with ocigate-hook in enforce mode and a versions-level
# manifest generated from that root, against without the hook, interleaved;
# once with the manifest as `manifest generate` writes it (modified: deny and
# missing_files: deny: every packaged executable verified against dpkg's
# md5sums) and once without verification.  The added time is compared with
# `find ROOT -xdev -type f -perm /111` (the cost of walking the tree once);
# peak RSS of the hook by GNU time.
#
# With OG_BENCH_BEFORE=PATH (another build's ocigate-hook), that hook runs
# interleaved too, and the inventory_sha256 of both records must be equal:
# the check that a change kept the results identical.
# Usage: bench/hook.sh [ROUNDS]   (env OG_BENCH_ROOT=DIR: another root)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
rounds=${1:-11}
bash scripts/build.sh
if [ -n "${OG_BENCH_ROOT:-}" ]; then
  ROOT=$(cd "$OG_BENCH_ROOT" && pwd)
else
  ROOT=$PWD/$(minbase_tree)
fi
W=$(mktemp -d /var/tmp/og-bench-hook.XXXXXX); trap 'rm -rf "$W"' EXIT
HOOK=$PWD/build/hook/ocigate-hook
BEFORE=${OG_BENCH_BEFORE:-}
hooks=(after); [ -n "$BEFORE" ] && hooks+=(before)
mkdir -p "$W/manifests"
build/cli/ocigate manifest generate --level versions --name verify "$ROOT" > "$W/manifests/verify.json"
jq 'del(.executables.modified) | del(.packages.missing_files) | .name = "noverify"' \
  "$W/manifests/verify.json" > "$W/manifests/noverify.json"
bundle () { # DIR HOOK|"" CONFIG
  mkdir -p "$1"
  (cd "$1" && runc spec)
  jq --arg root "$ROOT" --arg hook "$2" --arg cfg "$3" '
    .process.terminal = false | .process.args = ["/bin/true"] | .root.path = $root | .root.readonly = true
    | if $hook != "" then .hooks = {prestart: [{path: $hook, args: ["ocigate-hook", "--config", $cfg]}]} else . end' \
    "$1/config.json" > "$1/c" && mv "$1/c" "$1/config.json"
}
bundle "$W/without" "" ""
n=0
runit () { n=$((n + 1)); (cd "$W/$1" && runc run "og-bench-$n-$$" >/dev/null 2>&1) || true; }
echo "machine: $(machine); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "root: $ROOT ($(executables "$ROOT") executables), $rounds rounds"
for m in noverify verify; do
  for h in "${hooks[@]}"; do
    path=$HOOK; [ "$h" = before ] && path=$BEFORE
    cat > "$W/$m-$h.json" <<J
{ "schema": "ocigate.config/v1", "mode": "enforce", "on_error": "deny", "deadline_ms": 60000,
  "audit": { "file": "$W/audit-$m-$h.jsonl", "syslog": false }, "manifests_dir": "$W/manifests",
  "rules": [], "default": { "manifest": "$m", "mode": "enforce" } }
J
    bundle "$W/$m-$h" "$path" "$W/$m-$h.json"
    runit "$m-$h"
  done
  runit without
  declare -A t=()
  b=(); f=()
  for i in $(seq "$rounds"); do
    for h in "${hooks[@]}"; do t[$h]+="$(time_once runit "$m-$h") "; done
    b+=("$(time_once runit without)")
    f+=("$(time_once find "$ROOT" -xdev -type f -perm /111)")
  done
  mb=$(median "${b[@]}"); mf=$(median "${f[@]}")
  echo "manifest $m: runc run without the hook median $mb ms, find -xdev -type f -perm /111 median $mf ms"
  for h in "${hooks[@]}"; do
    ma=$(median ${t[$h]})
    rec=$(tail -1 "$W/audit-$m-$h.jsonl")
    state=$(printf '{"ociVersion":"1.0.2","id":"bench","status":"creating","pid":1,"bundle":"%s"}' "$W/$m-$h")
    path=$HOOK; [ "$h" = before ] && path=$BEFORE
    rss=$(echo "$state" | /usr/bin/time -f %M "$path" --config "$W/$m-$h.json" 2>&1 >/dev/null | tail -1)
    awk -v h="$h" -v a="$ma" -v b="$mb" -v f="$mf" -v r="$rss" -v d="$(jq -r .decision <<<"$rec")" \
      -v s="$(jq -r .inventory_sha256 <<<"$rec")" -v dm="$(jq -s 'map(.duration_ms) | sort | .[length / 2 | floor]' "$W/audit-$m-$h.jsonl")" \
      'BEGIN { printf "  %-6s with the hook median %s ms: adds %.0f ms = %.2fx find (target <= 1.0x); hook duration_ms median %s; peak RSS %d MiB; %s, inventory_sha256 %s\n",
               h, a, a - b, (f > 0 ? (a - b) / f : 0), dm, r / 1024, d, s }'
  done
  if [ -n "$BEFORE" ]; then
    sa=$(tail -1 "$W/audit-$m-after.jsonl" | jq -r .inventory_sha256)
    sb=$(tail -1 "$W/audit-$m-before.jsonl" | jq -r .inventory_sha256)
    if [ "$sa" = "$sb" ]; then echo "  inventory_sha256: the same before and after"
    else echo "  inventory_sha256 DIFFERS: before $sb, after $sa"; exit 1; fi
  fi
  unset t
done
