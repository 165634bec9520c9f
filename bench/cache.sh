#!/bin/bash
# The layer cache's hit through real podman launches (issue 16): the hook's
# own duration_ms of a repeated launch of the same image with the cache on
# and off, interleaved (on off on off ...), medians, on the debootstrap
# minbase tree and the ~380-package Debian tree, with the machine's load,
# and the entry's size against the inventory JSON's (target <= 15%).
#
#   bench/cache.sh [ROUNDS]      (default 9; OG_BENCH_ONLY="minbase" for one tree)
#
# Builds the release configuration (bench/out/build-release) and reads the
# trees from bench/out (OG_BENCH_TREES=DIR reads them from another bench/out,
# unchanged; made there when missing).  Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
R=${1:-9}
SRC=$PWD OUT=$PWD/bench/out
TREES=${OG_BENCH_TREES:-$OUT}
BUILD=$OUT/build-release
mkdir -p "$OUT"
log () { echo "bench: $*" >&2; }
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release -Dtests=false >/dev/null
ninja -C "$BUILD" >/dev/null
OG=$BUILD/cli/ocigate HOOK=$BUILD/hook/ocigate-hook
[ -e "$TREES/minbase.done" ] || bash tests/fixtures/make-debootstrap.sh "$TREES"
[ -e "$TREES/debian380.done" ] || bash bench/debtree.sh "$TREES"

W=$(mktemp -d /var/tmp/og-bench-cache.XXXXXX)
PODMAN=(podman --root "$W/storage" --runroot "/tmp/og-bench-cache-${W##*.}" --storage-driver overlay
        --events-backend none)
cleanup () {
  "${PODMAN[@]}" rm -af >/dev/null 2>&1 || true
  "${PODMAN[@]}" rmi -af >/dev/null 2>&1 || true
  rm -rf "$W" "/tmp/og-bench-cache-${W##*.}"
}
trap cleanup EXIT
mkdir -p "$W/manifests" "$W/hooks.d"
host_config () { # FILE MANIFEST AUDIT CACHE_ON
  cat >"$1" <<J
{ "schema": "ocigate.config/v1", "mode": "enforce", "on_error": "deny", "deadline_ms": 120000,
  "audit": { "file": "$3", "syslog": false }, "manifests_dir": "$W/manifests",
  "cache": { "dir": "$W/cache", "enabled": $4 },
  "rules": [], "default": { "manifest": "$2", "mode": "enforce" } }
J
}
launch () { # IMAGE
  "${PODMAN[@]}" --runtime runc --hooks-dir "$W/hooks.d" run --rm --network=none \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$1" /bin/true >/dev/null 2>&1 || true
}
last () { tail -1 "$W/audit.jsonl" | jq -r "$1"; }
ROWS=() SIZES=()
for t in ${OG_BENCH_ONLY:-minbase debian380}; do
  d=$TREES/$t
  log "$t: podman import, manifest"
  tar --xattrs --numeric-owner -C "$d" -cf - . | "${PODMAN[@]}" import -q - "localhost/ogbench-$t:1" >/dev/null
  "$OG" manifest generate --level versions --name "$t" "$d" \
    | jq 'del(.executables.modified) | del(.packages.missing_files)' >"$W/manifests/$t.json"
  host_config "$W/hc-on.json" "$t" "$W/audit.jsonl" true
  host_config "$W/hc-off.json" "$t" "$W/audit.jsonl" false
  hooks () { jq --arg hook "$HOOK" --arg cfg "$W/hc-$1.json" \
    '.hook.path = $hook | .hook.args = ["ocigate-hook", "--stage", "prestart", "--config", $cfg]' \
    "$SRC/packaging/hooks.d/ocigate.json.in" >"$W/hooks.d/ocigate.json"; }
  hooks on; launch "localhost/ogbench-$t:1"; first=$(last .duration_ms) # the miss
  on=() off=() memo=0
  log "$t: $R rounds of a repeated launch, cache on and off"
  for ((i = 0; i < R; i++)); do
    hooks on; launch "localhost/ogbench-$t:1"; on+=("$(last .duration_ms)"); state=$(last .cache.state) packages=$(last .cache.packages)
    result=$(last .cache.result) entry=$(last .cache.entry_bytes)
    [ "$result" != memo ] || memo=$((memo + 1))
    decision=$(last .decision)
    hooks off; launch "localhost/ogbench-$t:1"; off+=("$(last .duration_ms)")
  done
  json=$("$OG" inventory --format json "$d" | wc -c)
  SIZES+=("| $t | $entry | $json | $(awk -v e="$entry" -v j="$json" 'BEGIN { printf "%.1f%%", 100 * e / j }') |")
  ROWS+=("| $t ($(ls "$d/var/lib/dpkg/info/"*.list | wc -l) pkgs) | $(median "${on[@]}") | $(median "${off[@]}") | $first | $state, $memo of $R from the memo, packages from the $packages, $decision | ${on[*]} / ${off[*]} |")
done
echo "machine: $(machine); $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$R interleaved rounds, the hook's duration_ms medians; build: meson buildtype=release"
echo
echo "| tree | cache on, repeated launch | cache off | first launch (miss) | cache state, hit memo, packages, decision | samples on / off |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "| tree | cache entry bytes | inventory JSON bytes | entry / JSON |"
echo "|---|---|---|---|"
printf '%s\n' "${SIZES[@]}"
