# What the verify tests (verify.sh, verify_rpm.sh, verify_apk.sh) share:
# `ocigate verify --all` of a changed tree against what the format's own
# tool says.  The test defines og_view JSON, ocigate.verify/v1 in the lines
# of its oracle.  Source it after tap.sh.
verify_all_agrees () { # verify_all_agrees ROOT WANT N SANITY KIND SAME: WANT (the oracle's lines) has N lines; verify --all of ROOT exits 1 and og_view of it ($W/all.json) is WANT
  local rc
  check "$4 (oracle sanity)" test "$(wc -l < "$2")" -eq "$3"
  "$OCIGATE" verify --all --format json "$1" > "$W/all.json"; rc=$?
  ok $((rc != 1)) "verify --all of the changed $5 exits 1 (got $rc)"
  og_view "$W/all.json" > "$W/og-all"
  same "$6" "$2" "$W/og-all"
}
dpkg_canon () { # dpkg_canon ROOT PATH: PATH as dpkg lists it, its directory resolved in ROOT (usrmerge: /bin -> usr/bin; the trees' symlinks are relative)
  local d b r
  d=$(dirname "$2"); b=$(basename "$2")
  r=$(cd "$1$d" 2>/dev/null && pwd -P) || { echo "$2"; return; }
  r=${r#"$(cd "$1" && pwd -P)"}; echo "${r%/}/$b"
}
dpkg_verify_view () { # dpkg_verify_view ROOT: `dpkg --root=ROOT --verify` lines ("??5?????? c /etc/x", "missing     /bin/bash") as "STATE CONFIG PATH", canonical paths, sorted
  dpkg --root="$1" --verify 2>/dev/null | while read -r a b c; do
    if [ "$a" = missing ]; then st=missing; else st=modified; fi
    if [ -n "$c" ]; then cf=c; p=$c; else cf=-; p=$b; fi
    echo "$st $cf $(dpkg_canon "$1" "$p")"
  done | sort
}
# The four changes the integrity tests make to a debootstrap tree, and the
# one finding each must give in `check` against the untouched tree's manifest.
change_four () { # change_four ROOT: one byte appended to /usr/bin/tac, tac setuid, /usr/bin/bash removed, /usr/local/bin/dropped added
  printf x >> "$1/usr/bin/tac" && chmod u+s "$1/usr/bin/tac" && rm "$1/usr/bin/bash" &&
    mkdir -p "$1/usr/local/bin" && cp "$1/usr/bin/true" "$1/usr/local/bin/dropped"
}
four_findings () { # four_findings DESC JSON: the findings of the ocigate.check/v1 or audit JSON are exactly one per change
  printf '%s\n' "executables.modified /usr/bin/tac" "executables.setuid /usr/bin/tac" \
    "executables.unlisted /usr/local/bin/dropped" "packages.missing_files /usr/bin/bash" | sort > "$W/four.want"
  jq -r '.findings[] | "\(.rule) \(.subject)"' "$2" | sort > "$W/four.got"
  same "$1" "$W/four.want" "$W/four.got"
}
