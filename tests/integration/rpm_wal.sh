#!/bin/bash
# An rpmdb.sqlite whose WAL holds committed changes (the image was taken while
# a writer had the database open) is refused with a clear error, never read as
# a stale package list; after a clean close the change is in the database and
# ocigate agrees with rpm.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
bash "$OG_SOURCE_ROOT/tests/fixtures/make-rpm-fixtures.sh" "$OG_FIXTURES_OUT/rpm" > /dev/null 2>&1 \
  || { echo "not ok 1 - rpm fixtures"; echo 1..1; exit 1; }
workdir
cp -a "$OG_FIXTURES_OUT/rpm/root" "$W/live"
n_before=$(rpm --root "$W/live" --dbpath /var/lib/rpm -qa | wc -l)
# A writer (SQLite itself) deletes one package and, with the connection still
# open and no checkpoint, the tree is copied: the copy's WAL holds the delete.
python3 - "$W/live/var/lib/rpm/rpmdb.sqlite" "$W/live" "$W/snapshot" <<'PY'
import shutil, sqlite3, sys
db, live, snap = sys.argv[1:]
con = sqlite3.connect(db)
con.execute("PRAGMA wal_autocheckpoint = 0")
con.execute("DELETE FROM Packages WHERE hnum = (SELECT max(hnum) FROM Packages)")
con.commit()
shutil.copytree(live, snap, symlinks=True)
con.close()
PY
ok $? "a writer deleted a package and the tree was copied with the change in the WAL"
check "the copy's WAL is not empty" test -s "$W/snapshot/var/lib/rpm/rpmdb.sqlite-wal"
"$OCIGATE" inventory --format json "$W/snapshot" > /dev/null 2> "$W/err"; rc=$?
ok $((rc == 2 ? 0 : 1)) "inventory refuses the database with pending changes (rc=$rc)"
check "the error names the WAL and says why" grep -q 'rpmdb.sqlite-wal holds changes not yet written' "$W/err"
"$OCIGATE" inventory --format json "$W/live" > "$W/live.json"; ok $? "after a clean close the database is read"
check "... and ocigate counts what rpm counts ($((n_before - 1)) packages)" \
  test "$(jq '.packages | length' "$W/live.json")" = "$(rpm --root "$W/live" --dbpath /var/lib/rpm -qa | wc -l)" -a "$(jq '.packages | length' "$W/live.json")" = $((n_before - 1))
plan_end
