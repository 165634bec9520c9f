#!/bin/bash
# files --under PATH follows PATH's symlinks inside the root first: on the
# merged-/usr debootstrap tree /bin lists what find sees in /usr/bin (and
# says so on stderr); a final link to a file is listed itself; a link that
# climbs out with .. or an absolute target stays inside the root; a loop is
# an error that names the path.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
minbase
R=$FIX/minbase
workdir

check "the minbase tree is merged-/usr: /bin is a link to usr/bin" test "$(readlink "$R/bin")" = usr/bin
paths () { jq -r '.files[].path' "$1" | LC_ALL=C sort; }
"$OCIGATE" files --under /bin --format json "$R" > "$W/bin.json" 2> "$W/bin.err"; ok $? "files --under /bin exits 0"
"$OCIGATE" files --under /usr/bin --format json "$R" > "$W/usrbin.json" 2> "$W/usrbin.err"
find "$R/usr/bin" -printf '/usr/bin/%P\n' | sed 's|/$||' | LC_ALL=C sort > "$W/find"
paths "$W/bin.json" > "$W/og-bin"
same "files --under /bin lists what find lists in /usr/bin" "$W/find" "$W/og-bin"
check "... and says that /bin leads to /usr/bin" grep -q '^ocigate files: /bin leads through symbolic links inside the root to /usr/bin' "$W/bin.err"
check "files --under /usr/bin lists the same and says nothing" bash -c "paths () { jq -r '.files[].path' \"\$1\" | LC_ALL=C sort; }; diff <(paths '$W/usrbin.json') '$W/og-bin' && test ! -s '$W/usrbin.err'"
"$OCIGATE" files --under /bin/sh --format json "$R" > "$W/sh.json" 2> /dev/null
check "a final link to a file is listed itself, under its real directory" \
  jq -e --arg t "$(readlink "$R/usr/bin/sh")" '[.files[] | [.path, .type, .target]] == [["/usr/bin/sh", "symlink", $t]]' "$W/sh.json"

# Links that climb out of the root, and a loop.
T=$W/tree
mkdir -p "$T/etc/app" "$T/usr/lib/app"
echo conf > "$T/etc/app/app.conf"
echo lib > "$T/usr/lib/app/lib.so"
ln -s ../../../../../../etc "$T/up"
ln -s /usr/lib/app "$T/abs"
ln -s loop2 "$T/loop1"; ln -s loop1 "$T/loop2"
"$OCIGATE" files --under /up --format json "$T" > "$W/up.json" 2> /dev/null
check "a .. link resolves inside the root: /up lists the tree's /etc, not the host's" \
  jq -e '[.files[].path] | sort == ["/etc", "/etc/app", "/etc/app/app.conf"]' "$W/up.json"
"$OCIGATE" files --under /abs --format json "$T" > "$W/abs.json" 2> /dev/null
check "an absolute link resolves inside the root" \
  jq -e '[.files[].path] | sort == ["/usr/lib/app", "/usr/lib/app/lib.so"]' "$W/abs.json"
"$OCIGATE" files --under /loop1 "$T" > /dev/null 2> "$W/loop.err"; rc=$?
check "a symlink loop: exit 2, the message names the path" bash -c "test $rc -eq 2 && grep -q loop '$W/loop.err'"
plan_end
