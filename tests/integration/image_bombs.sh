#!/bin/bash
# Tar bombs in an OCI layout: an entry claiming a terabyte, and more entries
# than the cap (2,000,000).  Each ends with a clear error and bounded memory.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir /var/tmp/og-bombs.XXXXXX
MK=$OG_SOURCE_ROOT/tests/fixtures/make-image-bombs.py
command -v /usr/bin/time > /dev/null || apt-get install -y -qq time > /dev/null
# (in a sanitizer build, freed memory would sit in ASan's quarantine and count as resident)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1

python3 "$MK" "$W/huge" huge
/usr/bin/time -o "$W/huge.rss" -f %M "$OCIGATE" inventory "oci:$W/huge" > /dev/null 2> "$W/huge.err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "an entry claiming a terabyte: exit 2 (rc=$rc)"
check "... the error names the layer and the entry" grep -q 'layer 0 (sha256:[0-9a-f]*): `/usr/bin/huge`: Truncated' "$W/huge.err"
check "... peak RSS under 64 MiB ($(tail -1 "$W/huge.rss") KiB)" test "$(tail -1 "$W/huge.rss")" -lt 65536

python3 "$MK" "$W/many" many 2000001
/usr/bin/time -o "$W/many.rss" -f %M "$OCIGATE" inventory "oci:$W/many" > /dev/null 2> "$W/many.err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "2,000,001 entries: exit 2 (rc=$rc)"
check "... the error says the cap" grep -q 'more than 2000000 entries in the image' "$W/many.err"
check "... peak RSS under 64 MiB ($(tail -1 "$W/many.rss") KiB)" test "$(tail -1 "$W/many.rss")" -lt 65536
check "... the blob was small ($(du -k "$W/many/blobs/sha256" | cut -f1) KiB for a 1 GB stream)" test "$(du -k "$W/many/blobs/sha256" | cut -f1)" -lt 65536
plan_end
