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
