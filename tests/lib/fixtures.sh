# What the integration tests share beyond TAP: the debootstrap tree and a
# scratch folder.  Source it in place of tap.sh (it sources tap.sh).
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
minbase () { # minbase: make (once, cached under $OG_FIXTURES_OUT) the debootstrap tree $FIX/minbase; the test ends if it cannot
  FIX=${OG_FIXTURES_OUT:?}
  bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$FIX" || { echo "not ok 1 - debootstrap"; echo 1..1; exit 1; }
}
workdir () { # workdir [MKTEMP-ARGS...]: a new scratch folder in $W, removed when the test exits
  W=$(mktemp -d "$@") || exit 1
  trap 'rm -rf "$W"' EXIT
}
