#!/bin/bash
# The apk reader against a database written by tests/fixtures/make-apk-fixtures.sh
# from real files (the oracle: names, versions, paths, sha1sum/md5sum, stat modes),
# and against the real-world apk databases in $OG_REAL_FIXTURES when present.
set -uo pipefail

T="$OG_BUILD_ROOT/tests/pkgdump-text"
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
# pkgdump --files output -> name \t version \t path \t digest \t mode
flatten () { awk -F'\t' -v OFS='\t' '/^[^\t]/ { name = $1; ver = $2 } /^\t/ { print name, ver, $2, $3, $4 }' "$1"; }
pkglines () { grep -v $'^\t' "$1"; }
export -f pkglines
clear_error () { local rc=$1 msg=$2 want=$3; [ "$rc" -eq 1 ] && grep -q -- "$want" <<< "$msg" && ! grep -q Sanitizer <<< "$msg"; }
# Parsed, or one clear error line naming the file (a sanitizer report also exits 1).
parsed_or_clear () { local rc=$1 msg=$2 file=$3; [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [ "$(wc -l <<< "$msg")" -eq 1 ] && grep -q "^pkgdump-text: $file:[0-9]*: " <<< "$msg"; }; }
# An independent reading of R/Z lines: path \t sha1 hex, decoded by base64(1) and xxd(1).
z_oracle () {
  awk '/^F:/ { d = substr($0, 3) } /^R:/ { r = substr($0, 3) } /^Z:Q1/ { print "/" d "/" r "\t" substr($0, 5) }' "$1" |
    while IFS=$'\t' read -r p b; do printf '%s\tsha1:%s\n' "$p" "$(printf '%s' "$b" | base64 -d | xxd -p -c 64)"; done
}

db=$(bash "$OG_SOURCE_ROOT/tests/fixtures/make-apk-fixtures.sh" "$OG_FIXTURES_OUT/apk" 2> "$W/mk.err")
if [ -z "$db" ] || [ ! -f "$db" ]; then
  ok 1 "make-apk-fixtures.sh wrote an installed database"; sed 's/^/# /' "$W/mk.err"
else
  ok 0 "make-apk-fixtures.sh wrote an installed database"
  out="$OG_FIXTURES_OUT/apk"
  "$T" apk "$db" --files > "$W/ours" 2> "$W/err"
  check "pkgdump-text reads it" test -s "$W/ours"
  check "packages (name, version, arch, license, origin, size) in order" diff <(pkglines "$W/ours") "$out/EXPECTED-packages.tsv"
  check "files, sha1/md5 digests and modes equal sha1sum/md5sum/stat" diff <(flatten "$W/ours") "$out/EXPECTED.tsv"
  check "the setuid file keeps mode 4755" grep -q $'/usr/bin/og-true\tsha1:[0-9a-f]\\{40\\}\t4755$' "$W/ours"
  check "Z: decoded by base64/xxd equals ours" \
    diff <(z_oracle "$db") <(awk -F'\t' -v OFS='\t' '/^\t/ && $3 ~ /^sha1:/ { print $2, $3 }' "$W/ours")
  sed 's/$/\r/' "$db" > "$W/crlf"
  check "a CRLF database gives the same answer" diff <("$T" apk "$W/crlf" --files) "$W/ours"
  head -c 300 "$db" > "$W/trunc"
  out=$("$T" apk "$W/trunc" 2>&1); rc=$?
  check "a database cut mid-record: parsed or a clear error, no crash" parsed_or_clear "$rc" "$out" "$W/trunc"
  { printf 'P:x\nV:1\nT:'; head -c 2000000 /dev/zero | tr '\0' a; echo; } > "$W/huge"
  o=$("$T" apk "$W/huge" 2>&1); rc=$?
  check "a 2 MB line is a clear error naming file and line" clear_error "$rc" "$o" "huge:3: line longer"
  printf 'P:x\nV:1\nR:orphan\n' > "$W/orphan"
  o=$("$T" apk "$W/orphan" 2>&1); rc=$?
  check "R: before any F: is a clear error" clear_error "$rc" "$o" "orphan:3: R: before any F:"
fi

R=${OG_REAL_FIXTURES:-}
if ! real_fixtures; then
  skip "real-world apk databases (single, base, multiple, extra attributes, corrupt)" "$NO_REAL_FIXTURES"
else
  A="$R/apk"
  "$T" apk "$A/single" --files > "$W/single"
  check "single: musl-utils 1.1.24-r2 with 5 files" \
    bash -c "diff <(pkglines '$W/single' | cut -f1,2) <(printf 'musl-utils\t1.1.24-r2\n') && test \$(grep -c \$'^\t' '$W/single') = 5"
  check "single: digests equal base64/xxd decoding" \
    diff <(z_oracle "$A/single") <(awk -F'\t' -v OFS='\t' '/^\t/ { print $2, $3 }' "$W/single")
  "$T" apk "$A/base" --files > "$W/base"
  check "base: alpine-baselayout 3.2.0-r6 with 27 files" \
    bash -c "diff <(pkglines '$W/base' | cut -f1,2) <(printf 'alpine-baselayout\t3.2.0-r6\n') && test \$(grep -c \$'^\t' '$W/base') = 27"
  check "multiple-1: bash, busybox-binsh, musl, readline" \
    diff <("$T" apk "$A/multiple-1/lib/apk/db/installed" | cut -f1,2) \
         <(printf 'bash\t5.2.21-r0\nbusybox-binsh\t1.36.1-r15\nmusl\t1.2.4_git20230717-r4\nreadline\t8.2.1-r2\n')
  "$T" apk "$A/multiple-2/lib/apk/db/installed" --files > "$W/m2"
  check "multiple-2: 14 packages, one file per R: line (105)" \
    bash -c "test \$(pkglines '$W/m2' | wc -l) = 14 && test \$(grep -c \$'^\t' '$W/m2') = \$(grep -c '^R:' '$A/multiple-2/lib/apk/db/installed') && test \$(grep -c \$'^\t' '$W/m2') = 105"
  check "multiple-2: package names equal the P: lines in order" \
    diff <(pkglines "$W/m2" | cut -f1) <(sed -n 's/^P://p' "$A/multiple-2/lib/apk/db/installed")
  check "extra-file-attributes: openjdk8-jre 8.212.04-r0, a: with a 4th field" \
    diff <("$T" apk "$A/extra-file-attributes" | cut -f1,2) <(printf 'openjdk8-jre\t8.212.04-r0\n')
  check "empty-deps-and-provides: alpine-baselayout-data 3.4.0-r0" \
    diff <("$T" apk "$A/empty-deps-and-provides" | cut -f1,2) <(printf 'alpine-baselayout-data\t3.4.0-r0\n')
  o=$("$T" apk "$A/corrupt/lib/apk/db/installed" 2>&1); rc=$?
  check "corrupt: a clear error naming file and line 1" clear_error "$rc" "$o" "corrupt/lib/apk/db/installed:1: 'this is a corrupt db'"
  o=$("$T" apk "$A/glob-paths/lib/apk/db/installed" 2>&1); rc=$?
  check "glob-paths (one bogus line): a clear error" clear_error "$rc" "$o" "installed:1: 'bogus db contents'"
fi
plan_end
