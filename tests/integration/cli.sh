#!/bin/bash
# The command line as a script would use it: help, version, exit codes and
# error messages that name the path and the reason.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
mkdir -p "$W/root/usr/bin"; cp /bin/ls "$W/root/usr/bin/"

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$OG_SOURCE_ROOT/meson.build" | head -1)
check "--version prints the project version" test "$("$OCIGATE" --version)" = "ocigate $version"
"$OCIGATE" --help > "$W/help"; ok $? "--help exits 0"
for verb in $(awk '/^Verbs:/{f=1;next} f&&/^  [a-z]/{print $1} f&&/^$/{f=0}' "$W/help"); do
  "$OCIGATE" "$verb" --help > "$W/vh" 2>&1; rc=$?
  ok $((rc == 0 ? 0 : 1)) "'ocigate $verb --help' exits 0"
  check "'ocigate $verb --help' shows the verb's usage line" grep -q "^Usage: ocigate $verb " "$W/vh"
done
"$OCIGATE" > /dev/null 2>&1; ok $(( $? == 2 ? 0 : 1 )) "no verb: exit 2"
"$OCIGATE" frobnicate 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "unknown verb: exit 2"
check "unknown verb: the message names it" grep -q "unknown verb 'frobnicate'" "$W/e"
"$OCIGATE" inventory --format yaml "$W/root" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "bad --format: exit 2"
check "bad --format: the message says what is allowed" grep -q "json, table, spdx or cyclonedx, not 'yaml'" "$W/e"
"$OCIGATE" inventory 2> "$W/e"; ok $(( $? == 2 ? 0 : 1 )) "missing SOURCE: exit 2"
"$OCIGATE" inventory "$W/missing" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "missing directory: exit 2"
check "missing directory: the message names the path and the reason" grep -q "$W/missing.*No such file or directory" "$W/e"
"$OCIGATE" files "$W/root/usr/bin/ls" 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "a file as SOURCE: exit 2"
check "a file as SOURCE: the message says it is neither a directory nor an image" grep -q "neither a directory nor an image archive" "$W/e"
"$OCIGATE" files --under relative "$W/root" 2> "$W/e"; ok $(( $? == 2 ? 0 : 1 )) "files --under with a relative path: exit 2"
"$OCIGATE" inventory --format json "$W/root" > "$W/j"; ok $? "inventory of a readable tree: exit 0"
check "the JSON names its schema" jq -e '.schema == "ocigate.inventory/v1"' "$W/j"
"$OCIGATE" inventory --format json "$W/root" > /dev/full 2> "$W/e"; rc=$?
ok $((rc == 2 ? 0 : 1)) "a full output device is an error, not a silent success"
plan_end
