#!/bin/bash
# rpm databases made by the real rpm (tests/fixtures/make-rpm-fixtures.sh),
# read by libocigate (through tests/tools/pkgdump) and compared with what rpm
# itself prints for the same database, package by package and file by file.
# Then the same on the real-world databases in $OG_REAL_FIXTURES when present.
set -uo pipefail

build=${OG_BUILD_ROOT:?}
src=${OG_SOURCE_ROOT:?}
fx=${OG_FIXTURES_OUT:?}/rpm
pkgdump=$build/tests/pkgdump

. "$src/tests/lib/fixtures.sh"
workdir
finish() {
  plan_end
  exit
}

rpmq() { # rpmq ROOT ARGS...: query the database at ROOT/var/lib/rpm
  local root=$1
  shift
  rpm --root "$root" --dbpath /var/lib/rpm --define '_db_backend sqlite' "$@"
}
fields='%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LONGSIZE}\t%{LICENSE}\t%{VENDOR}\t%{FILEDIGESTALGO}\n'
files_qf='[%{FILENAMES}\t%{FILEMODES:octal}\t%{FILEDIGESTS}\n]'

# same_rows LABEL WANT GOT WHAT: the same number of packages, then each row
# of GOT equal to the same row of WANT (one check per package).
same_rows() {
  local label=$1 want_f=$2 got_f=$3 what=$4 i=0 want got
  if [ "$(wc -l <"$want_f")" -ne "$(wc -l <"$got_f")" ]; then
    ok 1 "$label: package count: $(wc -l <"$want_f") $what, ocigate $(wc -l <"$got_f")"
  else
    ok 0 "$label: $(wc -l <"$got_f") packages, same count and order $what"
  fi
  while IFS= read -r want; do
    i=$((i + 1))
    got=$(sed -n "${i}p" "$got_f")
    if [ "$want" = "$got" ]; then ok 0 "$label: package $i ${want%%	*}: all fields $what"; else
      ok 1 "$label: package $i ${want%%	*}"
      printf '# want:    %s\n# ocigate: %s\n' "$want" "$got"
    fi
  done <"$want_f"
}

# compare_db ROOT LABEL: every package's fields (+ file count) and every file line.
compare_db() {
  local root=$1 label=$2 db=$1/var/lib/rpm/rpmdb.sqlite
  if ! "$pkgdump" rpmdb "$db" >"$W/og.tsv" 2>"$W/og.err"; then
    ok 1 "$label: pkgdump reads the database ($(head -c 300 "$W/og.err"))"
    return
  fi
  rpmq "$root" -qa --qf "$fields" >"$W/rpm.fields" 2>/dev/null
  # rpm's own per-package file count, in the same -qa order.
  rpmq "$root" -qa --qf '%{FILENAMES:arraysize}\n' 2>/dev/null |
    sed 's/^(none)$/0/' >"$W/rpm.nfiles"
  paste "$W/rpm.fields" "$W/rpm.nfiles" >"$W/rpm.tsv"
  same_rows "$label" "$W/rpm.tsv" "$W/og.tsv" "as rpm -qa"
  rpmq "$root" -qa --qf "$files_qf" >"$W/rpm.files" 2>/dev/null
  "$pkgdump" rpmdb --files "$db" >"$W/og.files" 2>&1
  same "$label: all $(wc -l <"$W/rpm.files") file lines (path, mode, digest) as rpm prints them" \
    "$W/rpm.files" "$W/og.files"
}

# 1. The fixtures, made by rpmbuild and rpm.
if bash "$src/tests/fixtures/make-rpm-fixtures.sh" "$fx" >"$W/make.log" 2>&1; then
  ok 0 "make-rpm-fixtures.sh built and installed the packages"
else
  ok 1 "make-rpm-fixtures.sh failed"
  sed 's/^/# /' "$W/make.log" >&2
  finish
fi
R=$fx/root

# The fixtures hold what they claim to hold (asserted on rpm's own output).
rpmq "$R" -qa --qf "$files_qf" >"$W/fx.files" 2>/dev/null
rpmq "$R" -qa --qf "$fields" >"$W/fx.fields" 2>/dev/null
grep -q $'^/usr/bin/og-setuid\t104755\t[0-9a-f]\{64\}$' "$W/fx.files" &&
  grep -q $'^/usr/bin/og-link\t120777\t$' "$W/fx.files" &&
  grep -q $'^/etc/og\t40755\t$' "$W/fx.files" &&
  grep -q $'^og-epoch\t3\t1.0~rc1\t2.og\tx86_64\t' "$W/fx.fields" &&
  grep -q $'^og-caret\t(none)\t2.0^git20240101.abc\t1.og\tnoarch\t' "$W/fx.fields" &&
  grep -q $'^og-many\t.*\t10$' "$W/fx.fields" &&
  [ "$(grep -c '^/usr/lib/og-many/' "$W/fx.files")" -gt 600 ] &&
  ok 0 "fixtures: setuid file, symlink, directory, epoch, ~ and ^ versions, noarch and x86_64, sha512 digests, 600+ files" ||
  ok 1 "fixtures do not hold what make-rpm-fixtures.sh promises"

compare_db "$R" "fixtures"

# The config file is flagged as such (RPMFILE_CONFIG) and its state is normal.
if rpmq "$R" -q --qf '[%{FILENAMES} %{FILEFLAGS} %{FILESTATES}\n]' og-epoch 2>/dev/null |
  grep -q '^/etc/og/og.conf 17 0$'; then
  ok 0 "rpm records /etc/og/og.conf as %config(noreplace) (flags 17), state normal"
else
  ok 1 "rpm's view of /etc/og/og.conf is not what the spec asks"
fi

# 2. Torture of the real blobs exported from that database (unit test binary,
#    which skips its real-blob case when the blobs do not exist: a skip is no pass).
if CMOCKA_MESSAGE_OUTPUT=TAP "$build/tests/test_rpm_header" >"$W/unit.tap" 2>&1 &&
  grep -q '^ok [0-9]* - test_torture_real_blobs$' "$W/unit.tap"; then
  ok 0 "every prefix and bit flip of $(ls "$fx/blobs" | wc -l) real header blobs: error or consistent package, no crash"
else
  ok 1 "torture of real header blobs"
  sed 's/^/# /' "$W/unit.tap" >&2
fi

# 3. Hostile databases: a clear error naming the file, never a crash.
db=$R/var/lib/rpm/rpmdb.sqlite
head -c 5000 "$db" >"$W/truncated.sqlite"
head -c 4096 /dev/urandom >"$W/garbage"
badhnum=$(python3 - "$db" "$W/badblob.sqlite" <<'PY'
import shutil, sqlite3, sys
shutil.copy(sys.argv[1], sys.argv[2])
c = sqlite3.connect(sys.argv[2])
c.execute("PRAGMA journal_mode=DELETE")
hnum, blob = c.execute("SELECT hnum, blob FROM Packages ORDER BY hnum LIMIT 1 OFFSET 1").fetchone()
c.execute("UPDATE Packages SET blob=? WHERE hnum=?", (blob[:-3], hnum))
c.commit()
print(hnum)
PY
)
python3 - "$W/view.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE t (hnum INTEGER, blob BLOB)")
c.execute("CREATE VIEW Packages AS SELECT * FROM t")
c.commit()
PY
for f in truncated.sqlite garbage badblob.sqlite view.sqlite; do
  "$pkgdump" rpmdb "$W/$f" >/dev/null 2>"$W/err"
  rc=$?
  if [ $rc -eq 1 ] && grep -q "$W/$f" "$W/err"; then
    ok 0 "hostile $f: refused with an error naming the file: $(head -c 120 "$W/err")"
  else
    ok 1 "hostile $f: exit $rc: $(head -c 300 "$W/err")"
  fi
done
msg=$("$pkgdump" rpmdb "$W/badblob.sqlite" 2>&1 >/dev/null)
grep -q "^pkgdump: rpmdb $W/badblob.sqlite: record $badhnum: header size" <<<"$msg" &&
  ok 0 "a shortened blob is reported with its record number and reason" ||
  ok 1 "a shortened blob is not reported with its record number"

# 4. Real-world databases (../shared/fixtures/real), when present.
real=${OG_REAL_FIXTURES:-}
al=$real/rpm/amazonlinux2023
if ! real_fixtures || [ ! -d "$al" ]; then
  skip "amazonlinux2023: recorded rpm 4.18 answers and rpm run now" "$NO_REAL_FIXTURES"
else
  # Against the recorded answers of rpm 4.18 (EPOCH recorded empty when absent).
  "$pkgdump" rpmdb "$al/rpmdb.sqlite" >"$W/al.tsv" 2>&1
  grep -v '^#' "$al/EXPECTED-fields.rpm418.tsv" |
    awk -F'\t' 'BEGIN { OFS = "\t" } { if ($2 == "") $2 = "(none)"; print }' >"$W/al.want"
  same_rows amazonlinux2023 "$W/al.want" "$W/al.tsv" "as EXPECTED-fields"
  awk -F'\t' '{ printf "%s-%s-%s.%s\n", $1, $3, $4, $5 }' "$W/al.tsv" >"$W/al.nvra"
  same "amazonlinux2023: NVRA list in storage order as EXPECTED-nvra.rpm418.txt" \
    "$al/EXPECTED-nvra.rpm418.txt" "$W/al.nvra"
  # And against rpm itself, run now on a copy, for every file.
  mkdir -p "$W/al/var/lib/rpm"
  cp "$al/rpmdb.sqlite" "$W/al/var/lib/rpm/"
  compare_db "$W/al" "amazonlinux2023 vs rpm"
fi

finish
