#!/bin/bash
# Install what the tests need, build, and run every test:
#   1. the whole suite (unit, integration, e2e, and the conformance checks on
#      ../shared/fixtures/real when that folder exists) in ./build;
#   2. the unit and integration suites again under ASan+UBSan in ./build-asan
#      (leaks count as failures, except in the sandboxed hook);
#   3. every fuzz target for a short fixed number of runs in ./build-fuzz
#      (clang, libFuzzer), seeded from the fixtures step 1 made.
# Ends with one line "N passed, N failed" that counts every TAP result.
# OG_TEST_QUICK=1 runs step 1 only.  Extra arguments go to step 1's meson test.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || exit 1
bash scripts/build.sh || exit 1
# The fixtures some unit tests read, made by the real tools before meson runs
# the unit tests (which run before the integration scripts that also make them).
unit_fixtures () { bash tests/fixtures/make-rpm-fixtures.sh "$PWD/$1/fixtures/rpm" > /dev/null; }
# The large debootstrap tree step 1 made serves step 2 as it is (no test changes
# it in place; large_tree.sh reads it through the link): another debootstrap
# of 362 packages would only take minutes.
share_trees () {
  mkdir -p "$1/fixtures"
  for t in debian380; do
    [ -e "build/fixtures/$t.done" ] && [ ! -e "$1/fixtures/$t" ] || continue
    ln -s "$PWD/build/fixtures/$t" "$1/fixtures/$t" && touch "$1/fixtures/$t.done"
  done
}
rc=0
unit_fixtures build || { echo "FAILED: making the rpm fixtures"; rc=1; }
meson test -C build --print-errorlogs --no-rebuild "$@" || rc=1
logs=("main=build/meson-logs/testlog.json")
if [ -z "${OG_TEST_QUICK:-}" ]; then
  { [ -f build-asan/build.ninja ] || meson setup build-asan -Dsanitize=true > /dev/null; } \
    && ninja -C build-asan > /dev/null && unit_fixtures build-asan && share_trees build-asan \
    && { meson test -C build-asan --print-errorlogs --no-rebuild --suite unit --suite integration \
           || rc=1; } \
    || { echo "FAILED: the sanitizer build"; rc=1; }
  logs+=("asan=build-asan/meson-logs/testlog.json")
  { [ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false > /dev/null; } \
    && ninja -C build-fuzz > /dev/null \
    && { OG_FUZZ_FIXTURES=$PWD/build/fixtures meson test -C build-fuzz --print-errorlogs --no-rebuild \
           || rc=1; } \
    || { echo "FAILED: the fuzz build"; rc=1; }
  logs+=("fuzz=build-fuzz/meson-logs/testlog.json")
fi
python3 scripts/count-tap.py "${logs[@]}" || rc=1
exit $rc
