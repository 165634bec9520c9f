#!/bin/bash
# Property test: lib/version.c against the real tools, at test time.
# A seeded generator (tests/tools/version_pairs.py) writes thousands of
# version pairs that each tool accepts; the real tool orders them:
#   rpm  - one `rpm --eval` running a Lua loop over the pairs with rpm.vercmp
#          (rpmverParse + rpmverCmp), for bare segments and for [E:]V[-R] EVRs;
#   dpkg - `dpkg --compare-versions A lt B` / `A eq B`, one pair at a time.
# Our answers come from the test-only tool `vercmp` (tests/tools/vercmp.c).
# Every disagreement is a "not ok" line naming the pair (the first
# $MAX_REPORTED of a batch); each batch ends with one line that counts the
# pairs checked.  The plan comes last, since the count of lines varies.
# Env: OG_BUILD_ROOT, OG_SOURCE_ROOT.  OG_VERSION_SEED picks another seed.
set -uo pipefail

VERCMP="$OG_BUILD_ROOT/tests/vercmp"
GEN="$OG_SOURCE_ROOT/tests/tools/version_pairs.py"
SEED="${OG_VERSION_SEED:-20240611}"
N_RPMSEG="${OG_VERSION_N_RPMSEG:-4000}"
N_RPMEVR="${OG_VERSION_N_RPMEVR:-4000}"
N_DPKG="${OG_VERSION_N_DPKG:-1500}"
MAX_REPORTED=20

work=$(mktemp -d)

. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
trap 'rm -rf "$work"; echo "1..$_tap_n"' EXIT

# check NAME PAIRS OURS THEIRS: one "not ok" per disagreement, then one
# summary line.
check () {
  local name=$1 pairs=$2 ours=$3 theirs=$4 total bad
  total=$(wc -l <"$pairs")
  if [ "$(wc -l <"$ours")" != "$total" ] || [ "$(wc -l <"$theirs")" != "$total" ]; then
    _tap_n=$((_tap_n + 1))
    echo "not ok $_tap_n - $name: result counts differ (pairs $total, ours $(wc -l <"$ours"), tool $(wc -l <"$theirs"))"
    return
  fi
  paste -d' ' "$pairs" "$ours" "$theirs" | awk '$3 != $4' >"$work/bad"
  bad=$(wc -l <"$work/bad")
  while read -r a b o t; do
    _tap_n=$((_tap_n + 1))
    echo "not ok $_tap_n - $name: '$a' vs '$b': ours $o, tool $t"
  done < <(head -n "$MAX_REPORTED" "$work/bad")
  _tap_n=$((_tap_n + 1))
  if [ "$total" -gt 0 ] && [ "$bad" -eq 0 ]; then
    echo "ok $_tap_n - $total $name pairs agree (seed $SEED)"
  else
    echo "not ok $_tap_n - $name: $bad of $total pairs disagree (seed $SEED)"
  fi
}

if [ ! -x "$VERCMP" ]; then
  ok 1 "vercmp helper not built at $VERCMP"
  exit 0
fi

# rpm: one Lua loop over a file of pairs, printing rpm.vercmp for each.
rpm_oracle () {
  rpm --eval "%{lua:
local out = {}
for l in io.lines('$1') do
  local a, b = l:match('^(%S+) (%S+)$')
  out[#out + 1] = tostring(rpm.vercmp(a, b))
end
print(table.concat(out, '\n'))
}"
}

for kind in rpmseg rpmevr; do
  case $kind in
    rpmseg) count=$N_RPMSEG; type=rpmvercmp; label="rpmvercmp (bare V/R)" ;;
    rpmevr) count=$N_RPMEVR; type=rpm; label="rpm EVR" ;;
  esac
  python3 "$GEN" "$kind" "$SEED" "$count" >"$work/$kind.pairs"
  "$VERCMP" "$type" <"$work/$kind.pairs" >"$work/$kind.ours"
  if command -v rpm >/dev/null; then
    rpm_oracle "$work/$kind.pairs" >"$work/$kind.tool" 2>"$work/$kind.err"
    sed -i '/^$/d' "$work/$kind.tool"
    check "$label vs rpm.vercmp" "$work/$kind.pairs" "$work/$kind.ours" "$work/$kind.tool"
  else
    skip "$label vs rpm.vercmp" "rpm is not installed (scripts/deps.sh test)"
  fi
done

# dpkg: the CLI, one pair at a time (about 1.5 spawns a pair).
python3 "$GEN" dpkg "$SEED" "$N_DPKG" >"$work/dpkg.pairs"
"$VERCMP" deb <"$work/dpkg.pairs" >"$work/dpkg.ours"
if command -v dpkg >/dev/null; then
  # Exit 0 true, 1 false, anything else: dpkg refused the pair ("error").
  while read -r a b; do
    dpkg --compare-versions "$a" lt "$b" 2>/dev/null
    rc=$?
    if [ $rc -eq 0 ]; then
      echo -1
    elif [ $rc -ne 1 ]; then
      echo error
    elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then
      echo 0
    else
      echo 1
    fi
  done <"$work/dpkg.pairs" >"$work/dpkg.tool"
  check "dpkg vs dpkg --compare-versions" "$work/dpkg.pairs" "$work/dpkg.ours" "$work/dpkg.tool"
else
  skip "dpkg vs dpkg --compare-versions" "dpkg is not installed (scripts/deps.sh test)"
fi
