#!/bin/bash
# The dpkg reader against dpkg itself: a database made by dpkg-deb and dpkg
# (tests/fixtures/make-deb-fixtures.sh), queried with dpkg-query at test time,
# and the real-world databases in $OG_REAL_FIXTURES when that folder exists.
set -uo pipefail

T="$OG_BUILD_ROOT/tests/pkgdump-text"
FMT='${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n'
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir

# Package lines only (file lines start with a tab).
pkglines () { grep -v $'^\t' "$1"; }
# The installed packages of a status file, in file order (dpkg-query -W sorts by name).
status_order () {
  awk -v RS= -F'\n' '{ p = ""; s = ""; for (i = 1; i <= NF; i++) { if ($i ~ /^Package: /) p = substr($i, 10); if ($i ~ /^Status: /) s = $i }
       if (p != "" && s !~ / (not-installed|config-files)$/ && s != "") print p }' "$1"
}
# Files of one package from pkgdump --files output.
files_of () { awk -F'\t' -v p="$2" '/^[^\t]/ { cur = $1 } /^\t/ && cur == p { print $2 }' "$1"; }
# Did a failing run end with a clear message (not a crash)?
clear_error () { local rc=$1 msg=$2 want=$3; [ "$rc" -eq 1 ] && grep -q -- "$want" <<< "$msg" && ! grep -q Sanitizer <<< "$msg"; }
# Parsed, or one clear error line naming the file (a sanitizer report also exits 1).
parsed_or_clear () { local rc=$1 msg=$2 file=$3; [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [ "$(wc -l <<< "$msg")" -eq 1 ] && grep -q "^pkgdump-text: $file:[0-9]*: " <<< "$msg"; }; }

# --- databases made by dpkg ------------------------------------------------
admin=$(bash "$OG_SOURCE_ROOT/tests/fixtures/make-deb-fixtures.sh" "$OG_FIXTURES_OUT/deb" 2> "$W/mk.err")
if [ -z "$admin" ] || [ ! -f "$admin/status" ]; then
  ok 1 "make-deb-fixtures.sh built a dpkg database"; sed 's/^/# /' "$W/mk.err"
else
  ok 0 "make-deb-fixtures.sh built a dpkg database"
  root=$(dirname "$(dirname "$(dirname "$admin")")")
  dpkg-query --admindir="$admin" -W -f="$FMT" > "$W/oracle.all"
  awk -F'\t' 'substr($4, 2, 1) !~ /[nc]/' "$W/oracle.all" | sort > "$W/oracle.tsv"
  "$T" dpkg-status "$admin/status" --files > "$W/ours.files" 2> "$W/ours.err"
  check "pkgdump-text reads the dpkg-made status" test -s "$W/ours.files"
  pkglines "$W/ours.files" > "$W/ours.tsv"
  check "packages, versions, arch, state, source equal dpkg-query -W" diff <(sort "$W/ours.tsv") "$W/oracle.tsv"
  check "package order equals the status file order" diff <(cut -f1 "$W/ours.tsv") <(status_order "$admin/status")
  check "fixture: og-conf is config-files for dpkg-query" grep -q $'^og-conf\t.*\trc \t' "$W/oracle.all"
  check "a config-files package is dropped" bash -c "! grep -q '^og-conf' '$W/ours.tsv'"
  check "fixture: an epoch version and a Source with version" grep -q $'^og-epoch\t2:1.5-1\tall\tii \tog-src\t1.5-0$' "$W/oracle.tsv"
  check "fixture: Multi-Arch: same list is info/og-ma:ARCH.list" test -f "$admin/info/og-ma:$(dpkg --print-architecture).list"
  for p in $(cut -f1 "$W/oracle.tsv"); do
    check "files of $p equal dpkg-query -L (without /.)" \
      diff <(files_of "$W/ours.files" "$p") <(dpkg-query --admindir="$admin" -L "$p" | grep -vx '/.')
    # md5 digests against md5sum(1) of the installed files.
    awk -F'\t' -v p="$p" '/^[^\t]/ { cur = $1 } /^\t/ && cur == p && $3 ~ /^md5:/ { print substr($3, 5) "  " $2 }' \
      "$W/ours.files" | sed "s#  /#  $root/#" > "$W/md5.$p"
    check "md5 digests of $p match md5sum of the installed files" \
      bash -c "test -s '$W/md5.$p' && md5sum --quiet -c '$W/md5.$p'"
  done
  # Hostile variants of the real status file.
  head -c 200 "$admin/status" > "$W/trunc"
  out=$("$T" dpkg-status "$W/trunc" 2>&1); rc=$?
  check "a status cut mid-stanza: parsed or a clear error, no crash" parsed_or_clear "$rc" "$out" "$W/trunc"
  { printf 'Package: og-x\nStatus: install ok installed\nVersion: 1\n'; head -c 3000000 /dev/zero | tr '\0' a; echo; } > "$W/huge"
  out=$("$T" dpkg-status "$W/huge" 2>&1); rc=$?
  check "a 3 MB line is a clear error naming file and line" clear_error "$rc" "$out" "huge:4: line longer"
  sed 's/$/\r/' "$admin/status" > "$W/crlf"
  check "a CRLF status gives the same packages" diff <("$T" dpkg-status "$W/crlf") "$W/ours.tsv"
fi

# --- real-world databases ----------------------------------------------------
R=${OG_REAL_FIXTURES:-}
if ! real_fixtures; then
  skip "real-world dpkg databases (dpkg-debian12, image-dpkg, distroless, status.d)" "$NO_REAL_FIXTURES"
else
  A="$R/dpkg-debian12/var/lib/dpkg"
  "$T" dpkg-status "$A/status" --files > "$W/d12.files" 2> "$W/d12.err"
  pkglines "$W/d12.files" > "$W/d12.tsv"
  check "dpkg-debian12: 855 packages equal EXPECTED-dpkg-query.tsv" \
    diff <(sort "$W/d12.tsv") <(sort "$R/dpkg-debian12/EXPECTED-dpkg-query.tsv")
  if dpkg-query --admindir="$A" -W -f="$FMT" > "$W/d12.oracle" 2> /dev/null; then
    check "dpkg-debian12: equal to dpkg-query -W run now" \
      diff <(sort "$W/d12.tsv") <(awk -F'\t' 'substr($4, 2, 1) !~ /[nc]/' "$W/d12.oracle" | sort)
  else
    skip "dpkg-debian12: equal to dpkg-query -W run now" "dpkg-query cannot read it here"
  fi
  check "dpkg-debian12: order equals the status file order" diff <(cut -f1 "$W/d12.tsv") <(status_order "$A/status")
  for l in "$A"/info/*.list; do
    b=$(basename "$l" .list); p=${b%%:*}
    check "dpkg-debian12: files of $b equal dpkg-query -L" \
      diff <(files_of "$W/d12.files" "$p") <(dpkg-query --admindir="$A" -L "$b" 2>/dev/null | grep -vx '/.')
  done
  # md5sums against an independent reading of the same file (awk).
  check "dpkg-debian12: bash digests equal info/bash.md5sums" \
    diff <(awk -F'\t' '/^[^\t]/ { cur = $1 } /^\t/ && cur == "bash" && $3 != "-" { print substr($3, 5) "  " substr($2, 2) }' "$W/d12.files" | sort) \
         <(sort "$A/info/bash.md5sums")

  D="$R/dpkg"
  check "image-dpkg: libpam-runtime 1.1.8-3.6 all, the Package-less stanza skipped" \
    diff <("$T" dpkg-status "$D/image-dpkg/var/lib/dpkg/status" | cut -f1-3) <(printf 'libpam-runtime\t1.1.8-3.6\tall\n')
  SD="$D/image-distroless-deb/var/lib/dpkg/status.d"
  "$T" dpkg-statusd "$SD" --files > "$W/dl.files"
  check "distroless: libsqlite3-0 3.34.1-3 arm64" diff <(pkglines "$W/dl.files" | cut -f1-3) <(printf 'libsqlite3-0\t3.34.1-3\tarm64\n')
  check "distroless: one file per md5sums line, same digests" \
    diff <(awk -F'\t' '/^\t/ { print substr($3, 5) "  " substr($2, 2) }' "$W/dl.files" | sort) <(sort "$SD/libsqlite3-0.md5sums")
  S="$D/var/lib/dpkg/status.d"
  # deinstall, single: dpkg-query can read them as a status file: it is the oracle.
  for f in deinstall single; do
    mkdir -p "$W/adm-$f/info" "$W/adm-$f/updates"; cp "$S/$f" "$W/adm-$f/status"; : > "$W/adm-$f/available"
    if dpkg-query --admindir="$W/adm-$f" -W -f="$FMT" > "$W/o.$f" 2> /dev/null; then
      check "status.d/$f: equal to dpkg-query -W" \
        diff <("$T" dpkg-status "$S/$f" | sort) <(awk -F'\t' 'substr($4, 2, 1) !~ /[nc]/' "$W/o.$f" | sort)
    else
      skip "status.d/$f: equal to dpkg-query -W" "dpkg-query cannot read it here"
    fi
  done
  mkdir -p "$W/sd"; cp "$S/deinstall" "$W/sd/"
  check "status.d/deinstall (as status.d): only the installed kernel, config-files dropped" \
    diff <("$T" dpkg-statusd "$W/sd" 2>&1 | cut -f1,4) <(printf 'linux-image-6.14.0-1012-aws\tii \n')
  check "status.d/multiple: tzdata and util-linux, version-less stanzas skipped" \
    diff <("$T" dpkg-status "$S/multiple" | cut -f1,2) <(printf 'tzdata\t2020a-0+deb10u1\nutil-linux\t2.33.1-0.1\n')
  out=$("$T" dpkg-status "$S/corrupt" 2>&1); rc=$?
  check "status.d/corrupt: a clear error naming file and line" clear_error "$rc" "$out" "status.d/corrupt:5: field name"
  check "status.d/installed-size-4KB: parsed" diff <("$T" dpkg-status "$S/installed-size-4KB" | cut -f1,2) <(printf 'apt\t1.8.2\n')
fi
plan_end
