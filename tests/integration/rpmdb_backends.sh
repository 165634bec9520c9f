#!/bin/bash
# The Berkeley DB and NDB rpmdb readers on databases made by the real tools:
# tests/fixtures/make-rpmdb-bdb-ndb.sh builds them (rpmbuild, rpm, db5.3_load),
# then the test_rpmdb binary checks them against rpm's own answers and on
# hostile copies (its TAP goes straight to meson).
set -uo pipefail
out="$OG_FIXTURES_OUT"
mkdir -p "$out"
if ! bash "$OG_SOURCE_ROOT/tests/fixtures/make-rpmdb-bdb-ndb.sh" "$out" >"$out/rpmdb-bdb-ndb.log" 2>&1; then
  echo "1..1"
  echo "not ok 1 - make-rpmdb-bdb-ndb.sh failed: $(tail -5 "$out/rpmdb-bdb-ndb.log" | tr '\n' ' ')"
  exit 1
fi
OG_RPMDB_FIXTURES="$out/rpmdb" CMOCKA_MESSAGE_OUTPUT=TAP exec "$OG_BUILD_ROOT/tests/test_rpmdb"
