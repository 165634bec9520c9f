# Tiny TAP helpers for the shell tests.  Source it; call plan_end at the end.
_tap_n=0
_tap_fail=0
ok () { # ok CONDITION-EXIT-CODE DESCRIPTION
  _tap_n=$((_tap_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; _tap_fail=$((_tap_fail + 1)); fi
}
check () { # check DESCRIPTION COMMAND...
  local d=$1; shift
  if "$@" >/tmp/og-check.$$ 2>&1; then ok 0 "$d"; else ok 1 "$d"; sed 's/^/# /' /tmp/og-check.$$ | head -20; fi
  rm -f /tmp/og-check.$$
}
same () { # same DESCRIPTION FILE-A FILE-B   (shows a diff on failure)
  if diff -u "$2" "$3" >/tmp/og-diff.$$ 2>&1; then ok 0 "$1"; else ok 1 "$1"; sed 's/^/# /' /tmp/og-diff.$$ | head -30; fi
  rm -f /tmp/og-diff.$$
}
skip () { # skip DESCRIPTION REASON: a check that cannot run here (a tool or a fixture is missing)
  # The one way to skip in a shell test: "ok N - DESCRIPTION # SKIP REASON", which meson and
  # scripts/count-tap.py count as skipped, never as passed (tests/README.md).
  _tap_n=$((_tap_n + 1))
  echo "ok $_tap_n - $1 # SKIP $2"
}
real_fixtures () { # real_fixtures: is $OG_REAL_FIXTURES (../shared/fixtures/real) a folder?
  [ -n "${OG_REAL_FIXTURES:-}" ] && [ -d "$OG_REAL_FIXTURES" ]
}
NO_REAL_FIXTURES="no \$OG_REAL_FIXTURES folder (../shared/fixtures/real next to the checkout)"
plan_end () { echo "1..$_tap_n"; [ $_tap_fail -eq 0 ]; }
OCIGATE=${OG_BUILD_ROOT:?}/cli/ocigate
