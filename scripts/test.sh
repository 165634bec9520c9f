#!/bin/bash
# Install what the tests need, build, run every test (unit, integration, and the
# conformance checks on ../shared/fixtures/real when that folder exists), and
# end with one line "N passed, N failed" that counts every TAP result.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || exit 1
bash scripts/build.sh || exit 1
meson test -C build --print-errorlogs --no-rebuild "$@"
rc=$?
python3 scripts/count-tap.py build/meson-logs/testlog.json || rc=1
exit $rc
