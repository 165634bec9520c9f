#!/bin/bash
# The rpm: built by rpmbuild from a tarball of this tree with
# packaging/rpm/ocigate.spec, then read back with rpm -qp.  Its file list must
# be exactly what `meson install` of the tree installs plus the docs, with the
# fixed paths the runtimes look for; its binary runs; its library requirements
# cover the binary's NEEDED entries (as objdump reads them).  The man pages
# render with groff -ww and man --warnings without a single warning, and
# ocigate(1) documents every verb and option that --help lists.
set -u
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
S=$OG_SOURCE_ROOT
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$S/meson.build" | head -1)

# ---- man pages ------------------------------------------------------------
for page in "$S"/man/*.[1-8]; do
  name=$(basename "$page")
  groff -man -Tutf8 -ww -z "$page" > "$W/groff.err" 2>&1; rc=$?
  [ $rc -eq 0 ] && [ ! -s "$W/groff.err" ]; ok $? "man/$name: groff -man -ww renders it without warnings"
  sed 's/^/# /' "$W/groff.err" | head -5
  MANWIDTH=80 man --warnings -l "$page" > "$W/man.txt" 2> "$W/man.err"; rc=$?
  [ $rc -eq 0 ] && [ ! -s "$W/man.err" ]; ok $? "man/$name: man --warnings -l renders it without warnings"
  sed 's/^/# /' "$W/man.err" | head -5
  title=$(sed -n 's/^\.TH \([^ ]*\) \([0-9]\).*/\1.\2/p' "$page" | sed 's/\\-/-/g' | tr 'A-Z' 'a-z')
  check "man/$name: its .TH names the page as its file name does" test "$title" = "$name"
  check "man/$name: the rendered page has NAME, DESCRIPTION and SEE ALSO" \
    sh -c "grep -q '^NAME' '$W/man.txt' && grep -q '^DESCRIPTION' '$W/man.txt' && grep -q '^SEE ALSO' '$W/man.txt'"
  check "man/$name: is installed by man/meson.build" grep -q "'$name'" "$S/man/meson.build"
done
# Every verb and every option that `ocigate --help` / `VERB --help` list is in ocigate(1).
MANWIDTH=200 man -l "$S/man/ocigate.1" 2> /dev/null | sed 's/‐/-/g' > "$W/ocigate.1.txt"
"$OCIGATE" --help > "$W/help"
for verb in $(awk '/^Verbs:/{f=1;next} f&&/^  [a-z]/{print $1} f&&/^$/{f=0}' "$W/help"); do
  missing=""
  for opt in $("$OCIGATE" "$verb" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$opt" "$W/ocigate.1.txt" || missing="$missing $opt"
  done
  check "ocigate(1) documents 'ocigate $verb' and its options${missing:+ (missing:$missing)}" \
    sh -c "grep -q 'ocigate $verb' '$W/ocigate.1.txt' && test -z '$missing'"
done

if [ -x "$OG_BUILD_ROOT/hook/ocigate-hook" ]; then
  MANWIDTH=200 man -l "$S/man/ocigate-hook.8" 2> /dev/null | sed 's/‐/-/g' > "$W/hook.8.txt"
  missing=""
  for opt in $("$OG_BUILD_ROOT/hook/ocigate-hook" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$opt" "$W/hook.8.txt" || missing="$missing $opt"
  done
  check "ocigate-hook(8) documents every option of 'ocigate-hook --help'${missing:+ (missing:$missing)}" \
    test -z "$missing"
fi

# ---- the rpm --------------------------------------------------------------
if ! command -v rpmbuild > /dev/null || ! command -v rpm > /dev/null; then
  plan_end; exit
fi
T=$W/rpmbuild; mkdir -p "$T/SOURCES" "$T/SPECS"
# A tarball of the tree as it is (tracked and new files, not the build dirs).
if git -C "$S" rev-parse --git-dir > /dev/null 2>&1; then
  (cd "$S" && git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done) > "$W/files"
  tar -C "$S" --transform "s,^,ocigate-$version/," -czf "$T/SOURCES/ocigate-$version.tar.gz" -T "$W/files"
else
  tar -C "$S" --exclude='./build*' --exclude=./.git --transform "s,^\.,ocigate-$version," \
    -czf "$T/SOURCES/ocigate-$version.tar.gz" .
fi
cp "$S/packaging/rpm/ocigate.spec" "$T/SPECS/"
rpmbuild -bb --nodeps --define "_topdir $T" "$T/SPECS/ocigate.spec" > "$W/rpmbuild.log" 2>&1; rc=$?
ok $rc "rpmbuild -bb --nodeps builds packaging/rpm/ocigate.spec from a tarball of the tree"
[ $rc -eq 0 ] || tail -30 "$W/rpmbuild.log" | sed 's/^/# /'
check "the spec's %check ran the unit tests and none failed" grep -qE '^Fail: +0' "$W/rpmbuild.log"
R=$(ls "$T"/RPMS/*/ocigate-"$version"-*.rpm 2> /dev/null | grep -v debug | head -1)
if [ -z "$R" ]; then
  ok 1 "the binary rpm exists"; plan_end; exit
fi

q () { rpm -qp --qf "$1" "$R" 2> /dev/null; }
check "rpm metadata: name ocigate" test "$(q '%{NAME}')" = ocigate
check "rpm metadata: version $version (the project's)" test "$(q '%{VERSION}')" = "$version"
check "rpm metadata: release starts with 1" sh -c "rpm -qp --qf '%{RELEASE}' '$R' | grep -q '^1'"
check "rpm metadata: license Apache-2.0" test "$(q '%{LICENSE}')" = Apache-2.0
check "rpm metadata: arch is this machine's ($(uname -m))" test "$(q '%{ARCH}')" = "$(uname -m)"
check "rpm metadata: summary and description" test -n "$(q '%{SUMMARY}')" -a -n "$(q '%{DESCRIPTION}')"

# Files (not directories) in the rpm, man pages with or without compression,
# rpm's own /usr/lib/.build-id links left out.
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$R" > "$W/entries"
grep -v '^d' "$W/entries" | cut -d' ' -f2- | grep -v '^/usr/lib/\.build-id/' \
  | sed -E 's,^(/usr/share/man/.*)\.gz$,\1,' | sort > "$W/have"
# %doc goes to %{_defaultdocdir}/%{_docdir_fmt}; rpm's default format, when the
# distribution sets none (Debian), is NAME-VERSION; Fedora sets NAME.
fmt=$(rpm --define "NAME ocigate" --define "VERSION $version" --eval '%{?_docdir_fmt}')
docdir=$(rpm --eval '%{_defaultdocdir}')/${fmt:-ocigate-$version}
# What meson installs (into a scratch DESTDIR), with the build's prefix mapped to the package's.
prefix=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "prefix") | .value')
sysconf=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "sysconfdir") | .value')
case $sysconf in /*) ;; *) sysconf=$prefix/$sysconf ;; esac
meson install -C "$OG_BUILD_ROOT" --no-rebuild --quiet --destdir "$W/inst" > /dev/null 2>&1
(cd "$W/inst" && find . ! -type d | sed 's,^\.,,') \
  | sed -e "s,^$sysconf/,/etc/," -e "s,^$prefix/,/usr/," > "$W/want"
printf '%s\n' "$docdir/README.md" "$docdir/RUNTIMES.md" >> "$W/want"
sort -o "$W/want" "$W/want"
same "the rpm holds exactly the files meson installs, plus README.md and RUNTIMES.md" "$W/want" "$W/have"
for f in /usr/bin/ocigate /usr/share/containers/oci/hooks.d/ocigate.json \
  /usr/share/man/man1/ocigate.1 /usr/share/man/man5/ocigate-manifest.5 \
  /usr/share/man/man5/ocigate.json.5 /usr/share/man/man8/ocigate-hook.8; do
  check "the rpm has $f" grep -qx "$f" "$W/have"
done
check "the rpm owns the directory /usr/libexec/ocigate" grep -qx 'd[^ ]* /usr/libexec/ocigate' "$W/entries"
if [ -f "$S/hook/main.c" ]; then
  check "the rpm has the hook /usr/libexec/ocigate/ocigate-hook, executable" \
    grep -qx -- '-rwxr-xr-x /usr/libexec/ocigate/ocigate-hook' "$W/entries"
fi
if [ -f "$S/policy/ocigate.json" ]; then
  rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$R" > "$W/flags"
  check "the rpm has /etc/ocigate/ocigate.json as %config(noreplace)" \
    grep -qx 'cn /etc/ocigate/ocigate.json' "$W/flags"
fi
check "/usr/bin/ocigate is mode 755" grep -qx -- '-rwxr-xr-x /usr/bin/ocigate' "$W/entries"

# Library requirements: rpm's automatic ones cover every NEEDED of the binary.
# (a sanitizer build's runtime is never packaged; libarchive is dlopen'ed, so it is named explicitly)
objdump -p "$OG_BUILD_ROOT/cli/ocigate" | awk '/NEEDED/{print $2}' | grep -v -e '^libasan' -e '^libubsan' | sort > "$W/needed"
echo libarchive.so.13 >> "$W/needed"
rpm -qp --requires "$R" > "$W/requires" 2> /dev/null
missing=$(while read -r lib; do grep -q "^$lib" "$W/requires" || echo "$lib"; done < "$W/needed")
check "rpm Requires names every shared library ocigate is linked with${missing:+ (missing: $missing)}" \
  test -s "$W/needed" -a -z "$missing"

# The payload: the binary runs, the hooks.d file points where the rpm puts the hook.
mkdir -p "$W/root"
rpm2archive - < "$R" | tar -xzf - -C "$W/root" 2> "$W/x.err"
check "the packaged ocigate runs and prints its version" \
  test "$("$W/root/usr/bin/ocigate" --version 2>&1)" = "ocigate $version"
check "the packaged hooks.d file is oci-hooks 1.0.0 for /usr/libexec/ocigate/ocigate-hook at prestart" \
  jq -e '.version == "1.0.0" and .hook.path == "/usr/libexec/ocigate/ocigate-hook"
         and .hook.args == ["ocigate-hook", "--stage", "prestart"] and .when.always == true
         and .stages == ["prestart"] and (.hook.env | length) == 1' \
  "$W/root/usr/share/containers/oci/hooks.d/ocigate.json"
"$W/root/usr/bin/ocigate" install hooks-dir "$W/hd" > /dev/null 2>&1
same "the packaged hooks.d file is what the packaged 'ocigate install hooks-dir' writes" \
  "$W/root/usr/share/containers/oci/hooks.d/ocigate.json" "$W/hd/ocigate.json"
plan_end
