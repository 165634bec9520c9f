#!/bin/bash
# Make the seed corpus of every fuzz target from what the fixture scripts
# made (tests/fixtures/*.sh, under OG_FIXTURES_OUT) and from the repository's
# own documents.  Usage: seeds.sh FIXTURES_DIR OUT_DIR
set -euo pipefail
fix=${1:?fixtures dir}; out=${2:?output dir}
src=$(cd "$(dirname "$0")/../.." && pwd)
for t in rpm_header rpmdb_bdb rpmdb_ndb rpmdb_sqlite dpkg_status dpkg_statusd dpkg_md5sums \
         apk_installed osrelease copyright elf oci_state audit_record oci_config manifest hostconfig layer_tar image_index; do
  mkdir -p "$out/$t"
done
n=0
seed () { # seed TARGET FILE...: copy each regular file of at most 1 MiB
  local t=$1; shift
  for f in "$@"; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 1048576 ] || continue
    cp "$f" "$out/$t/$(sha256sum "$f" | cut -c1-16)"; n=$((n + 1))
  done
}
seed rpm_header "$fix"/rpm/blobs/*.hdr "$fix"/rpmdb/blobs/*.bin
seed rpmdb_sqlite $(find "$fix" -name rpmdb.sqlite 2>/dev/null | head -4)
seed rpmdb_bdb $(find "$fix" -name Packages 2>/dev/null | head -4)
seed rpmdb_ndb $(find "$fix" -name Packages.db 2>/dev/null | head -4)
seed dpkg_status $(find "$fix" -path '*var/lib/dpkg/status' 2>/dev/null | head -4)
seed dpkg_statusd $(find "$fix" -path '*status.d/*' ! -name '*.md5sums' 2>/dev/null | head -8)
seed dpkg_md5sums $(find "$fix" \( -name '*.md5sums' -o -name '*.list' \) 2>/dev/null | head -16)
seed apk_installed $(find "$fix" -path '*lib/apk/db/installed' 2>/dev/null | head -4)
seed osrelease $(find "$fix" -name os-release -type f 2>/dev/null | head -4)
seed copyright $(find "$fix" -path '*usr/share/doc/*/copyright' -type f 2>/dev/null | head -24)
for f in $(find "$fix" -type f -perm /111 -size +1k 2>/dev/null | head -24); do
  head -c 4096 "$f" > "$out/elf/$(sha256sum "$f" | cut -c1-16)"; n=$((n + 1))
done
printf '#!/bin/sh\necho hi\n' > "$out/elf/shebang"
printf '{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":42,"bundle":"/run/b","annotations":{"io.kubernetes.pod.namespace":"prod-a"}}' \
  > "$out/oci_state/state.json"
python3 "$src/tests/tools/gen-audit-log.py" 40 "$out/audit_record/all.jsonl"
split -l 1 -a 2 "$out/audit_record/all.jsonl" "$out/audit_record/line." && rm "$out/audit_record/all.jsonl"
if command -v runc > /dev/null; then (cd "$(mktemp -d)" && runc spec && cp config.json "$out/oci_config/runc-spec.json"); fi
seed manifest "$src"/policy/examples/*.json
seed hostconfig "$src/policy/ocigate.json" "$src/policy/examples/ocigate-enforce-prod.json"
for d in $(find "$fix" -maxdepth 3 -type d -name src 2>/dev/null | head -2); do
  for p in "$d"/*; do
    [ -d "$p" ] || continue
    tar -C "$d" -cf "$out/layer_tar/$(basename "$p").tar" "$(basename "$p")"; n=$((n + 1))
  done
done
seed image_index $(find "$fix" -name index.json 2>/dev/null | head -8)
# Inputs that once crashed or hung a target stay in the corpus for good.
for d in "$src"/tests/fuzz/regressions/*/; do
  [ -d "$d" ] || continue
  cp "$d"* "$out/$(basename "$d")/" 2>/dev/null || true
done
echo "seeds: $n files in $out"
