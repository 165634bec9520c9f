#!/bin/bash
# Messages a person can act on, and no silent empty roots: each message is
# reproduced, then asserted in its new one-line wording.  Images are made by
# skopeo (tarball: -> docker-archive:, oci-archive:), accounts by groupadd
# and useradd --root, the dpkg database by tests/fixtures/make-deb-fixtures.sh.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
HOOK=$OG_BUILD_ROOT/hook/ocigate-hook
workdir
one_line () { # one_line FILE: exactly one line
  test "$(wc -l < "$1")" -eq 1
}

# ---- no silent empty roots ------------------------------------------------
E=$W/empty; mkdir -p "$E/usr/bin"; cp /bin/true "$E/usr/bin/"
warning="ocigate: warning: $E holds no package database and no os-release, so no package can be known; give the container's root filesystem (the directory that holds etc/ and usr/) or an image"
warned () { # warned FILE: the one line of FILE is the warning
  one_line "$1" && grep -qF "$warning" "$1"
}
for verb in inventory files; do
  "$OCIGATE" $verb "$E" > "$W/out" 2> "$W/err"; ok $? "empty root: $verb still exits 0"
  check "empty root: $verb says so on stderr, in one line naming the root" warned "$W/err"
done
printf '{"schema": "ocigate.manifest/v1", "name": "any"}\n' > "$W/any.json"
"$OCIGATE" check --manifest "$W/any.json" "$E" > "$W/out" 2> "$W/err"; ok $? "empty root: check against a manifest that asks nothing: allowed"
check "empty root: check says so on stderr, in one line naming the root" warned "$W/err"
O=$W/osrel; mkdir -p "$O/etc"; printf 'ID=og\n' > "$O/etc/os-release"
"$OCIGATE" inventory "$O" > /dev/null 2> "$W/err"
check "a root with an os-release and no database: no warning" test ! -s "$W/err"

if admin=$(bash "$OG_SOURCE_ROOT/tests/fixtures/make-deb-fixtures.sh" "$W/deb" 2> "$W/mk.err"); then
  D=$W/deb/root
  "$OCIGATE" inventory "$D" > /dev/null 2> "$W/err"
  check "a root with a dpkg database: no warning" test ! -s "$W/err"
  "$OCIGATE" manifest generate "$D" > "$W/gen.json" 2> /dev/null
  check "manifest generate: a golden image with a database requires one" jq -e '.packages.database == "required"' "$W/gen.json"
  "$OCIGATE" manifest generate "$O" > "$W/gen-none.json" 2> /dev/null
  check "manifest generate: a golden image without one does not" jq -e '.packages | has("database") | not' "$W/gen-none.json"
  "$OCIGATE" manifest lint "$W/gen.json" > /dev/null; ok $? "the generated manifest lints"
  /usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
    "$OG_SOURCE_ROOT/policy/ocigate.manifest.schema.json" "$W/gen.json" 2> "$W/err"
  ok $? "the generated manifest validates against the schema"
  "$OCIGATE" check --manifest "$W/gen.json" "$D" > /dev/null 2>&1; ok $? "check: the golden root itself is allowed"
  rm -rf "$W/nodb"; cp -a "$D" "$W/nodb"; rm -rf "$W/nodb/var/lib/dpkg"
  "$OCIGATE" check --manifest "$W/gen.json" --format json "$W/nodb" > "$W/chk.json" 2> "$W/err"; rc=$?
  ok $((rc == 1 ? 0 : 1)) "check: the root with its database removed is denied (exit $rc)"
  check "check: the finding is packages.database, and says what to do" jq -e '[.findings[] | select(.rule == "packages.database" and (.reason | test("no package database .* was found, and the manifest requires one.*use an image that keeps its package database")))] | length == 1' "$W/chk.json"
  # The hook evaluates through the same code.
  mkdir -p "$W/bundle"
  jq -n --arg r "$W/nodb" '{ociVersion: "1.0.2", root: {path: $r}, process: {args: ["/bin/true"]}}' > "$W/bundle/config.json"
  jq -n --arg a "$W/audit.jsonl" --arg m "$W/gen.json" \
    '{schema: "ocigate.config/v1", mode: "enforce", on_error: "deny", deadline_ms: 20000,
      audit: {file: $a, syslog: false}, manifests_dir: "/nonexistent", rules: [],
      default: {manifest: $m, mode: "enforce"}}' > "$W/hook.json"
  printf '{"ociVersion":"1.0.2","id":"og-nodb","status":"creating","pid":1,"bundle":"%s","annotations":{}}' "$W/bundle" \
    | timeout 60 "$HOOK" --config "$W/hook.json" > "$W/out" 2> "$W/err"; rc=$?
  ok $((rc == 1 ? 0 : 1)) "hook: a root without the database its manifest requires is denied (exit $rc)"
  check "hook: the audit record has the packages.database finding" jq -e '.decision == "deny" and (.findings | any(.rule == "packages.database"))' <(tail -n 1 "$W/audit.jsonl")
else
  sed 's/^/# /' "$W/mk.err"
  ok 1 "make-deb-fixtures.sh built a dpkg database"
fi
printf '{"schema": "ocigate.manifest/v1", "packages": {"database": "always"}}\n' > "$W/bad-db.json"
"$OCIGATE" manifest lint "$W/bad-db.json" > /dev/null 2> "$W/err"; rc=$?
check "lint: packages.database takes required or optional, at file:line:column" bash -c "test $rc -eq 2 && grep -q '^$W/bad-db.json:1:[0-9]*: \"database\" must be \"required\" or \"optional\"' '$W/err'"

# ---- archives ---------------------------------------------------------------
"$OCIGATE" inventory "docker-archive:$W/x.tar" > /dev/null 2> "$W/err"
check "a missing archive: one line, the path and the reason once" bash -c "test \"\$(cat '$W/err')\" = 'ocigate: open \`$W/x.tar\`: No such file or directory'"
head -c 4096 /dev/urandom > "$W/junk.tar"
"$OCIGATE" inventory "docker-archive:$W/junk.tar" > /dev/null 2> "$W/err"
not_archive () {
  one_line "$1" && grep -q "^ocigate: \`$W/junk.tar\`: Unrecognized archive format (not a tar archive, .*); give the file that docker save" "$1" \
    && ! grep -q multibyte "$1"
}
check "not an archive: libarchive's reason without a stale errno, and what to give" not_archive "$W/err"
if command -v skopeo > /dev/null; then
  mkdir -p "$W/r/usr/bin"; cp /bin/true "$W/r/usr/bin/"; tar -C "$W/r" -cf "$W/root.tar" .
  skopeo copy -q "tarball:$W/root.tar" "oci-archive:$W/img.oci.tar:t1" \
    && skopeo copy -q "tarball:$W/root.tar" "docker-archive:$W/img.docker.tar:debmod:latest"
  ok $? "skopeo made an OCI archive and a docker-archive"
  "$OCIGATE" inventory "docker-archive:$W/img.oci.tar" > /dev/null 2> "$W/err"
  check "an OCI archive given as docker-archive: says what it looks like and the prefix to use" grep -qx "ocigate: \`$W/img.oci.tar\` has no manifest.json, so it is not a docker-archive; it looks like an OCI archive (oci-layout and index.json): use oci-archive:$W/img.oci.tar" "$W/err"
  "$OCIGATE" inventory "oci-archive:$W/img.docker.tar" > /dev/null 2> "$W/err"
  check "a docker-archive given as oci-archive: the same the other way" grep -qx "ocigate: \`$W/img.docker.tar\` has no index.json, so it is not an OCI archive; it looks like a docker-archive (manifest.json): use docker-archive:$W/img.docker.tar" "$W/err"
  "$OCIGATE" inventory --image t "$W/img.oci.tar" > /dev/null 2> "$W/err"
  check "--image that names no image: the choices, no bogus errno" grep -qx "ocigate: $W/img.oci.tar: no image \`t\`; choose one with --image NAME|INDEX: 0: t1" "$W/err"
  "$OCIGATE" inventory --image t "$W/img.docker.tar" > /dev/null 2> "$W/err"
  check "--image on a docker-archive: the same" grep -qx "ocigate: $W/img.docker.tar: no image \`t\`; choose one with --image NAME|INDEX: 0: docker.io/library/debmod:latest" "$W/err"
  # Progress: an archive of 300 MB (zeros after the tar's end, sparse: no
  # disk) read with stderr on a terminal (script(1) gives it a pty).
  cp "$W/img.docker.tar" "$W/big.tar"; truncate -s +300M "$W/big.tar"
  if command -v script > /dev/null; then
    script -qec "'$OCIGATE' inventory '$W/big.tar' > /dev/null" /dev/null > "$W/tty" 2>&1
    check "a large image, stderr a terminal: a progress line" grep -q "ocigate: reading $W/big.tar: [0-9]* of 300 MB ([0-9]*%)" "$W/tty"
    script -qec "'$OCIGATE' inventory --quiet '$W/big.tar' > /dev/null" /dev/null > "$W/tty" 2>&1
    check "... --quiet: none" bash -c "! grep -q 'ocigate: reading' '$W/tty'"
    script -qec "'$OCIGATE' inventory '$W/img.docker.tar' > /dev/null" /dev/null > "$W/tty" 2>&1
    check "... a small image: none" bash -c "! grep -q 'ocigate: reading' '$W/tty'"
    # An OCI layout of 300 MB: skopeo keeps the layer uncompressed (its
    # zeros then made holes, so no disk), and the total is the blobs' sizes.
    mkdir -p "$W/bigroot/usr/bin"; cp /bin/true "$W/bigroot/usr/bin/"; truncate -s 300M "$W/bigroot/zeros"
    tar -C "$W/bigroot" -cf "$W/bigroot.tar" . && rm -rf "$W/bigroot" \
      && skopeo copy -q --dest-oci-accept-uncompressed-layers "tarball:$W/bigroot.tar" "oci:$W/biglayout:big" \
      && rm "$W/bigroot.tar" && for b in "$W"/biglayout/blobs/sha256/*; do fallocate --dig-holes "$b"; done
    ok $? "skopeo made an OCI layout of 300 MB with an uncompressed layer"
    mb=$(( $(find "$W/biglayout/blobs" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }') >> 20 ))
    for spec in "oci:$W/biglayout:big" "$W/biglayout"; do
      script -qec "'$OCIGATE' inventory '$spec' > /dev/null" /dev/null > "$W/tty" 2>&1
      check "an OCI layout ($spec), stderr a terminal: a progress line with its blobs' $mb MB" grep -q "ocigate: reading $W/biglayout: [0-9]* of $mb MB ([0-9]*%)" "$W/tty"
    done
    script -qec "'$OCIGATE' inventory --quiet 'oci:$W/biglayout:big' > /dev/null" /dev/null > "$W/tty" 2>&1
    check "... --quiet: none" bash -c "! grep -q 'ocigate: reading' '$W/tty'"
    "$OCIGATE" inventory "oci:$W/biglayout:big" > /dev/null 2> "$W/err"
    check "... stderr not a terminal: none" bash -c "! grep -q 'ocigate: reading' '$W/err'"
    skopeo copy -q "oci-archive:$W/img.oci.tar:t1" "oci:$W/smalllayout:t1"
    script -qec "'$OCIGATE' inventory 'oci:$W/smalllayout:t1' > /dev/null" /dev/null > "$W/tty" 2>&1
    check "... a small layout: none" bash -c "! grep -q 'ocigate: reading' '$W/tty'"
  else
    for d in shown quiet small layout-made layout-oci layout-bare layout-quiet layout-notty layout-small; do
      skip "progress on a terminal: $d" "script(1) is not installed"
    done
  fi
  "$OCIGATE" inventory "$W/big.tar" > /dev/null 2> "$W/err"
  check "a large image, stderr not a terminal: no progress" bash -c "! grep -q 'ocigate: reading' '$W/err'"
else
  for d in made oci-as-docker docker-as-oci image-oci image-docker progress; do skip "skopeo images: $d" "skopeo is not installed"; done
fi

# ---- options and --help -----------------------------------------------------
"$OCIGATE" inventory --bogus "$E" > /dev/null 2> "$W/err"; rc=$?
check "a bad option: exit 2 and one message naming it (plus where help is)" bash -c "test $rc -eq 2 && test \"\$(head -1 '$W/err')\" = \"ocigate inventory: unknown option '--bogus'\" && test \$(wc -l < '$W/err') -eq 2"
"$OCIGATE" check --manifest 2> "$W/err" > /dev/null
check "an option without its value: one message" bash -c "test \"\$(head -1 '$W/err')\" = \"ocigate check: option '--manifest' needs a value\" && test \$(wc -l < '$W/err') -eq 2"
"$OCIGATE" inventory -Z "$E" 2> "$W/err" > /dev/null
check "an unknown short option: named" grep -qx "ocigate inventory: unknown option '-Z'" "$W/err"
"$OCIGATE" check --o "$E" 2> "$W/err" > /dev/null
check "an ambiguous abbreviation: says so" grep -qx "ocigate check: option '--o' is ambiguous: write it out whole" "$W/err"
"$OCIGATE" install --bogus 2> "$W/err" > /dev/null
check "install: one message per bad option too" bash -c "test \"\$(head -1 '$W/err')\" = \"ocigate install: unknown option '--bogus'\" && test \$(wc -l < '$W/err') -eq 2"
"$OCIGATE" audit --since 2> "$W/err" > /dev/null
check "audit: an option without its value, one message that says so" bash -c "test \"\$(head -1 '$W/err')\" = \"ocigate audit: option '--since' needs a value\" && test \$(wc -l < '$W/err') -eq 2"
"$OCIGATE" audit --format xml 2> "$W/err" > /dev/null
"$OCIGATE" verify --format xml "$E" 2> "$W/err2" > /dev/null
check "audit and verify: a bad --format named in the same words, json or table" bash -c "test \"\$(head -1 '$W/err')\" = \"ocigate audit: --format must be json or table, not 'xml'\" && test \"\$(head -1 '$W/err2')\" = \"ocigate verify: --format must be json or table, not 'xml'\""
"$OCIGATE" manifest generate --help > "$W/gh"; "$OCIGATE" manifest lint --help > "$W/lh"
check "manifest generate and lint: their own --help texts" bash -c "! cmp -s '$W/gh' '$W/lh' && grep -q '^Usage: ocigate manifest generate' '$W/gh' && grep -q -- '--level' '$W/gh' && grep -q '^Usage: ocigate manifest lint' '$W/lh' && ! grep -q -- '--level' '$W/lh'"
for verb in inventory files diff check "manifest generate" "manifest lint" why verify slim doctor; do
  "$OCIGATE" $verb --help > "$W/h"
  # Every option line's description, and every continuation, starts at column 23.
  cols=$(python3 -c 'import re, sys
cols = set()
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    m = re.match(r"^  (-\S.*?)(\s{2,})(\S)", l)
    if m: cols.add(len(m.group(1)) + len(m.group(2)) + 2)
    elif re.match(r"^ {10,}\S", l): cols.add(len(l) - len(l.lstrip()))
print(" ".join(map(str, sorted(cols))))' "$W/h")
  check "'ocigate $verb --help': the option columns align (at $cols)" test "$cols" = 23
done

# ---- counts and owners in tables ------------------------------------------
A=$W/acct; mkdir -p "$A/etc" "$A/usr/bin"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$A/etc/passwd"; printf 'root:x:0:\n' > "$A/etc/group"
printf 'root:*::0:99999:7:::\n' > "$A/etc/shadow"; printf 'root:*::\n' > "$A/etc/gshadow"
if groupadd -R "$A" -g 4343 oggrp && useradd -R "$A" -M -N -u 4242 -g 4343 ogtest; then
  cp /bin/true "$A/usr/bin/t1"; chown 4242:4343 "$A/usr/bin/t1"
  cp /bin/true "$A/usr/bin/t2"; chown 4242:7777 "$A/usr/bin/t2"
  cp /bin/true "$A/usr/bin/t3"; chown 9999:9999 "$A/usr/bin/t3"
  "$OCIGATE" files --under /usr/bin "$A" > "$W/files" 2> /dev/null
  check "files table: owner names from the image's own passwd and group beside the numbers" grep -qE '^-rwxr-xr-x +4242:4343 \(ogtest:oggrp\) .*/usr/bin/t1$' "$W/files"
  check "files table: a group the image does not name stays a number" grep -qE '^-rwxr-xr-x +4242:7777 \(ogtest:7777\) .*/usr/bin/t2$' "$W/files"
  check "files table: no names at all: the numbers alone" grep -qE '^-rwxr-xr-x +9999:9999 +[0-9]+ .*/usr/bin/t3$' "$W/files"
  check "files table: the host's names are not used (getent knows ogtest? it must not matter)" bash -c "! grep -q 'root:root' <(grep '/usr/bin/t' '$W/files')"
  "$OCIGATE" inventory "$A" > "$W/inv" 2> /dev/null
  check "inventory table: owner names too" grep -qE '4242:4343 \(ogtest:oggrp\) .*/usr/bin/t1$' "$W/inv"
  # diff: each side's names from its own passwd and group.  B renames 4242,
  # gives t1 to root and adds t4 and a name with a newline.
  B=$W/acct-b; cp -a "$A" "$B"; usermod -R "$B" -l ogother ogtest
  chown 0:4343 "$B/usr/bin/t1"; cp /bin/true "$B/usr/bin/t4"; chown 4242:0 "$B/usr/bin/t4"
  cp /bin/true "$B/usr/bin/new"$'\n'"line"
  "$OCIGATE" diff --what executables "$A" "$B" > "$W/diff" 2> /dev/null
  check "diff table: a changed owner shows names from each side's own files" grep -qE '^/usr/bin/t1 +4242:4343 \(ogtest:oggrp\) +0:4343 \(root:oggrp\)$' "$W/diff"
  check "diff table: a path on one side: B's name for 4242, not A's" grep -qE '^/usr/bin/t4 +Not Installed +-rwxr-xr-x 4242:0 \(ogother:root\) [0-9]+ elf$' "$W/diff"
  check "diff table: a path holding a newline is one escaped row" bash -c "grep -qE '^/usr/bin/new\\\\nline +Not Installed ' '$W/diff' && test \$(wc -l < '$W/diff') -eq 5"
  "$OCIGATE" diff --what files --format markdown "$A" "$B" > "$W/diff.md" 2> /dev/null
  check "diff markdown: owner names too" grep -qF '| /usr/bin/t1 | 4242:4343 (ogtest:oggrp) | 0:4343 (root:oggrp) |' "$W/diff.md"
  "$OCIGATE" diff --what files --format json "$A" "$B" > "$W/diff.json" 2> /dev/null
  check "diff json: owners stay numbers (the schema's uid and gid)" jq -e '[.files[] | select(.path == "/usr/bin/t1")] | .[0] | .a.uid == 4242 and .b.uid == 0 and (.a | has("user") | not)' "$W/diff.json"
else
  ok 1 "groupadd and useradd --root made the accounts"
fi
"$OCIGATE" files --under /usr/bin/true "$E" > "$W/files" 2> /dev/null
check "files table: 1 entry, not 1 entries" test "$(tail -n 1 "$W/files")" = "1 entry"
"$OCIGATE" check --manifest "$W/any.json" "$E" > "$W/out" 2> /dev/null
check "check: 1 executable, 0 findings" grep -q "(0 findings, 0 waived by exceptions; manifest any, 0 packages, 1 executable)" "$W/out"
plan_end
