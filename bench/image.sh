#!/bin/bash
# Benchmark: walking a docker-archive of a Debian 12 minbase image with the
# image source (every layer streamed, hashed and flattened in memory) against
# `tar -xOf IMAGE.tar LAYER | gzip -dc` (or cat for uncompressed layers) for
# every layer, the least any reader of the image must do; also against the
# same plus sha256sum, since we verify digests.  Runs are interleaved.
# Targets: ratio <= 1.2 against the plain read, peak RSS <= 128 MiB.
# Usage: bench/image.sh [ROUNDS]   (env OG_BENCH_ROOTFS=DIR reuses a debootstrap
# tree instead of making one; OG_BUILD_ROOT defaults to ./build)
set -euo pipefail
ROUNDS=${1:-5}
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${OG_BUILD_ROOT:-$SRC/build}
WD=$B/tests/walkdump
W=$(mktemp -d /var/tmp/og-bench-image.XXXXXX)
trap 'rm -rf "$W"' EXIT
PODMAN=(podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs --events-backend none)

if [ -n "${OG_BENCH_ROOTFS:-}" ]; then
  ROOT=$OG_BENCH_ROOTFS
else
  ROOT=$W/rootfs
  debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian >"$W/debootstrap.log" 2>&1
fi
tar --xattrs --numeric-owner -C "$ROOT" -cf "$W/rootfs.tar" .
"${PODMAN[@]}" import -q "$W/rootfs.tar" localhost/ogbench:1 >/dev/null
"${PODMAN[@]}" save -q --format docker-archive -o "$W/img.tar" localhost/ogbench:1
rm -f "$W/rootfs.tar"
mapfile -t LAYERS < <(tar -xOf "$W/img.tar" manifest.json | jq -r '.[0].Layers[]')
echo "# image: $(du -h "$W/img.tar" | cut -f1), ${#LAYERS[@]} layer(s), $("$WD" "$W/img.tar" | wc -l) entries"

plain () {
  for l in "${LAYERS[@]}"; do
    if tar -xOf "$W/img.tar" "$l" | head -c2 | od -An -tx1 | grep -q '1f 8b'; then
      tar -xOf "$W/img.tar" "$l" | gzip -dc >/dev/null
    else
      tar -xOf "$W/img.tar" "$l" | cat >/dev/null  # a pipe: GNU tar skips writes to /dev/null
    fi
  done
}
hashed () {
  for l in "${LAYERS[@]}"; do tar -xOf "$W/img.tar" "$l" | sha256sum >/dev/null; done
}
ours () { "$B/cli/ocigate" inventory --format json "$W/img.tar" >/dev/null; }
now () { date +%s.%N; }

t_plain=0 t_hashed=0 t_ours=0
for r in $(seq "$ROUNDS"); do
  a=$(now); plain; b=$(now); hashed; c=$(now); ours; d=$(now)
  t_plain=$(echo "$t_plain + $b - $a" | bc); t_hashed=$(echo "$t_hashed + $c - $b" | bc)
  t_ours=$(echo "$t_ours + $d - $c" | bc)
done
rss=$( { /usr/bin/time -f %M "$B/cli/ocigate" inventory --format json "$W/img.tar" >/dev/null; } 2>&1 | tail -1)
printf 'tar -xO | cat per layer:      %.3f s\n' "$(echo "$t_plain / $ROUNDS" | bc -l)"
printf 'tar -xO | sha256sum:          %.3f s\n' "$(echo "$t_hashed / $ROUNDS" | bc -l)"
printf 'ocigate inventory (json):     %.3f s\n' "$(echo "$t_ours / $ROUNDS" | bc -l)"
printf 'ratio vs tar -xO:             %.2f (target <= 1.2)\n' "$(echo "$t_ours / $t_plain" | bc -l)"
printf 'ratio vs tar -xO | sha256sum: %.2f\n' "$(echo "$t_ours / $t_hashed" | bc -l)"
printf 'peak RSS: %d KiB (target <= 131072)\n' "$rss"
