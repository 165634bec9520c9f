#!/bin/bash
# A hostile tree: symlinks that point out of the root at a canary file on the
# host, loops, a FIFO where a database should be, deep nesting, long names.
# No byte of the canary may appear in any output, nothing may hang, and the
# bounds give clear errors.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
CANARY=$W/canary
secret="CANARY-$(od -An -tx8 -N8 /dev/urandom | tr -d ' ')"
printf 'ID=%s\nPRETTY_NAME=%s\nPackage: %s\nVersion: 1\nStatus: install ok installed\n' "$secret" "$secret" "$secret" > "$CANARY"
R=$W/root
mkdir -p "$R/etc" "$R/usr/lib" "$R/var/lib/dpkg" "$R/var/lib" "$R/lib/apk/db" "$R/usr/bin"
# Every name the catalog reads is a link at the host's canary, absolute or by "..".
ln -s "$CANARY" "$R/etc/os-release"
ln -s "../../../../../../../../../../..$CANARY" "$R/usr/lib/os-release"
ln -s "../../../../../../../../..$CANARY" "$R/var/lib/dpkg/status"
ln -s "$W" "$R/var/lib/rpm"                     # a database directory pointing at the host
ln -s "/proc/self/root$CANARY" "$R/lib/apk/db/installed"   # a magic-link path
ln -s "$CANARY" "$R/usr/bin/canary-exe"          # symlinks are never followed by the walk
ln -s loop1 "$R/usr/bin/loop2"; ln -s loop2 "$R/usr/bin/loop1"
ln -s . "$R/usr/bin/self"
chmod 755 "$CANARY"
cp /bin/ls "$R/usr/bin/ls"

out=$W/out; : > "$out"
timeout 60 "$OCIGATE" inventory --format json "$R" > "$W/inv.json" 2> "$W/inv.err"; rc=$?
cat "$W/inv.json" "$W/inv.err" >> "$out"
ok $((rc == 0 ? 0 : 1)) "inventory of a tree whose os-release and databases point out of the root succeeds (rc=$rc)"
check "only the real executable is listed" test "$(jq -r '.executables[].path' "$W/inv.json")" = /usr/bin/ls
check "os-release links resolve inside the root (no os found)" jq -e '.os.id == null' "$W/inv.json"
timeout 60 "$OCIGATE" inventory "$R" >> "$out" 2>&1
timeout 60 "$OCIGATE" files --format json "$R" >> "$out" 2>&1
timeout 60 "$OCIGATE" files "$R" >> "$out" 2>&1; ok $? "files of the hostile tree finishes"
# Now the links point at files that do exist inside the root under the same path as the host's.
mkdir -p "$R$W"; printf 'ID=inside\n' > "$R$CANARY"
timeout 60 "$OCIGATE" inventory --format json "$R" > "$W/inv2.json" 2>>"$out"
cat "$W/inv2.json" >> "$out"
check "an absolute os-release link reads the file inside the root, not the host's" jq -e '.os.id == "inside"' "$W/inv2.json"
if grep -q "$secret" "$out"; then ok 1 "no byte of the canary appears in any output"; else ok 0 "no byte of the canary appears in any output"; fi

# A FIFO where the dpkg status should be must not hang.
H2=$W/fifo; mkdir -p "$H2/var/lib/dpkg"; mkfifo "$H2/var/lib/dpkg/status"
timeout 20 "$OCIGATE" inventory "$H2" > /dev/null 2> "$W/fifo.err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "a FIFO as a database ends with exit 2, no hang (rc=$rc)"
check "the FIFO error names the file" grep -q 'var/lib/dpkg/status.*not a regular file' "$W/fifo.err"

# Directories nested deeper than the bound: a clear error, no stack overflow.
D=$W/deep; d=$D; for i in $(seq 1 300); do d="$d/d"; done; mkdir -p "$d"
timeout 60 "$OCIGATE" inventory "$D" > /dev/null 2> "$W/deep.err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "300 nested directories end with exit 2 (rc=$rc)"
check "the depth error says what the bound is" grep -q 'nested deeper than 256 levels' "$W/deep.err"

# Paths longer than PATH_MAX inside the root.
L=$W/long; mkdir -p "$L"; name=$(printf 'n%.0s' $(seq 1 250))
(cd "$L" && for i in $(seq 1 18); do mkdir "$name" && cd "$name" || exit 1; done)
timeout 60 "$OCIGATE" inventory "$L" > /dev/null 2> "$W/long.err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "paths longer than 4096 bytes end with exit 2 (rc=$rc)"
check "the length error names the path" grep -q 'path longer than 4096 bytes' "$W/long.err"
plan_end
