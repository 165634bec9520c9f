#!/bin/bash
# The packages, both built from one tarball of this tree: the rpm by rpmbuild
# --nodeps with packaging/rpm/ocigate.spec, read back with rpm -qp; the .deb
# by dpkg-buildpackage with packaging/debian/, checked by lintian (no errors)
# and read back with dpkg-deb.  Each file list must be exactly what `meson
# install` of the tree installs plus the docs, with the fixed paths the
# runtimes, logrotate and bash look for; everything under /etc is a config
# file / conffile; /var/log/ocigate is 0700; the rpm's library requirements
# cover the binary's NEEDED entries (as objdump reads them).  Each is then
# installed into a scratch root (rpm -i --nodeps --root, dpkg --root
# --force-depends: never into the host, where the hooks.d file would put the
# hook into every podman launch) and the installed binaries run there.  The man pages
# render with groff -ww and man --warnings without a single warning, and
# ocigate(1) documents every verb and option that --help lists.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
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

# ---- the packages: both built from one tarball of the tree -----------------
# A tarball of the tree as it is (tracked and new files, not the build dirs).
mkdir -p "$W/src"
TARBALL=$W/src/ocigate-$version.tar.gz
if git -C "$S" rev-parse --git-dir > /dev/null 2>&1; then
  (cd "$S" && git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done) > "$W/files"
  tar -C "$S" --transform "s,^,ocigate-$version/," -czf "$TARBALL" -T "$W/files"
else
  tar -C "$S" --exclude='./build*' --exclude=./.git --transform "s,^\.,ocigate-$version," -czf "$TARBALL" .
fi

# What meson installs (into a scratch DESTDIR), with the build's prefix mapped to
# the packages' (/usr, sysconfdir /etc): the files (not directories) both
# packages must hold, besides their docs.
prefix=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "prefix") | .value')
sysconf=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "sysconfdir") | .value')
case $sysconf in /*) ;; *) sysconf=$prefix/$sysconf ;; esac
meson install -C "$OG_BUILD_ROOT" --no-rebuild --quiet --destdir "$W/inst" > /dev/null 2>&1
(cd "$W/inst" && find . ! -type d | sed 's,^\.,,') \
  | sed -e "s,^$sysconf/,/etc/," -e "s,^$prefix/,/usr/," | sort > "$W/meson-files"
# The paths the runtimes, logrotate, bash and man look for, in both packages.
NAMED="/usr/bin/ocigate /usr/share/containers/oci/hooks.d/ocigate.json
  /etc/ocigate/ocigate.json /etc/logrotate.d/ocigate /usr/share/bash-completion/completions/ocigate
  /usr/share/man/man1/ocigate.1 /usr/share/man/man5/ocigate-manifest.5
  /usr/share/man/man5/ocigate.json.5 /usr/share/man/man8/ocigate-hook.8"
[ -f "$S/hook/main.c" ] && NAMED="$NAMED /usr/libexec/ocigate/ocigate-hook"

# installed_root ROOT WHAT: the installed payload in a scratch ROOT runs, and
# its hooks.d file points at its hook and states --on-error.
installed_root () {
  local R=$1 what=$2 hd=$1/usr/share/containers/oci/hooks.d/ocigate.json hook
  check "$what: the installed ocigate runs and prints its version" \
    test "$("$R/usr/bin/ocigate" --version 2>&1)" = "ocigate $version"
  hook=$(jq -r .hook.path "$hd" 2> /dev/null)
  check "$what: the installed hooks.d file names /usr/libexec/ocigate/ocigate-hook" \
    test "$hook" = /usr/libexec/ocigate/ocigate-hook
  if [ -f "$S/hook/main.c" ]; then
    check "$what: ... which is installed and runs" "$R$hook" --version
    # Built with prefix /usr, meson's sysconfdir is /etc: the hook's compiled-in
    # host config is /etc/ocigate/ocigate.json, and no /usr/etc or /usr/local one.
    check "$what: the installed hook's default host config is /etc/ocigate/ocigate.json" \
      sh -c "grep -qa '/etc/ocigate/ocigate.json' '$R$hook' && ! grep -qaE '/usr(/local)?/etc/ocigate' '$R$hook'"
  fi
  check "$what: the installed hooks.d file is oci-hooks 1.0.0, prestart, always, --on-error allow" \
    jq -e '.version == "1.0.0" and .hook.args == ["ocigate-hook", "--stage", "prestart", "--on-error", "allow"]
           and .when.always == true and .stages == ["prestart"]' "$hd"
  check "$what: the installed host config audits every container and names no manifest" \
    jq -e '.mode == "audit" and .rules == [] and .default.manifest == null and .default.mode == "audit"' \
    "$R/etc/ocigate/ocigate.json"
  check "$what: /var/log/ocigate is a directory, mode 700" test "$(stat -c %A "$R/var/log/ocigate" 2>&1)" = drwx------
  check "$what: the installed 'ocigate manifest lint' accepts the installed host config" \
    "$R/usr/bin/ocigate" manifest lint "$R/etc/ocigate/ocigate.json"
  # logrotate itself rotates an audit file by the installed rules (the path
  # moved into this test's directory): the old records renamed, a new empty
  # file of mode 0600 in place.
  if command -v logrotate > /dev/null; then
    local L=$W/lr-${what%% *}; mkdir -p "$L"; printf '{"decision":"allow"}\n' > "$L/audit.jsonl"
    sed "s,/var/log/ocigate/,$L/," "$R/etc/logrotate.d/ocigate" > "$L/conf"
    check "$what: the logrotate file names /var/log/ocigate/audit.jsonl" grep -q '^/var/log/ocigate/audit.jsonl ' "$R/etc/logrotate.d/ocigate"
    logrotate -f -s "$L/state" "$L/conf" > "$L/out" 2>&1
    check "$what: logrotate -f rotates by it: audit.jsonl.1 holds the record, audit.jsonl is new, empty, 0600" \
      sh -c "grep -q allow '$L/audit.jsonl.1' && test ! -s '$L/audit.jsonl' && test \$(stat -c %a '$L/audit.jsonl') = 600"
  else
    skip "$what: logrotate rotates by the installed file" "logrotate is not installed (scripts/deps.sh test)"
  fi
}

# ---- the rpm --------------------------------------------------------------
rpm_tests () {
  local T=$W/rpmbuild R q f
  mkdir -p "$T/SOURCES" "$T/SPECS"
  cp "$TARBALL" "$T/SOURCES/"
  cp "$S/packaging/rpm/ocigate.spec" "$T/SPECS/"
  # --nodeps: Debian's rpm database holds none of the BuildRequires (the spec says why).
  rpmbuild -bb --nodeps --define "_topdir $T" "$T/SPECS/ocigate.spec" > "$W/rpmbuild.log" 2>&1; rc=$?
  ok $rc "rpmbuild -bb --nodeps builds packaging/rpm/ocigate.spec from a tarball of the tree"
  [ $rc -eq 0 ] || tail -30 "$W/rpmbuild.log" | sed 's/^/# /'
  check "the spec's %check ran the unit tests and none failed" grep -qE '^Fail: +0' "$W/rpmbuild.log"
  R=$(ls "$T"/RPMS/*/ocigate-"$version"-*.rpm 2> /dev/null | grep -v debug | head -1)
  if [ -z "$R" ]; then
    ok 1 "the binary rpm exists"; return
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
    | sed -E 's,^(/usr/share/man/.*)\.gz$,\1,' | sort > "$W/rpm-have"
  # %doc goes to %{_defaultdocdir}/%{_docdir_fmt}; rpm's default format, when the
  # distribution sets none (Debian), is NAME-VERSION; Fedora sets NAME.
  fmt=$(rpm --define "NAME ocigate" --define "VERSION $version" --eval '%{?_docdir_fmt}')
  RPM_DOCDIR=$(rpm --eval '%{_defaultdocdir}')/${fmt:-ocigate-$version}
  { cat "$W/meson-files"; printf '%s\n' "$RPM_DOCDIR/README.md" "$RPM_DOCDIR/RUNTIMES.md"; } | sort > "$W/want"
  same "the rpm holds exactly the files meson installs, plus README.md and RUNTIMES.md" "$W/want" "$W/rpm-have"
  for f in $NAMED; do
    check "the rpm has $f" grep -qx "$f" "$W/rpm-have"
  done
  check "the rpm owns the directory /usr/libexec/ocigate" grep -qx 'd[^ ]* /usr/libexec/ocigate' "$W/entries"
  check "the rpm owns /var/log/ocigate, mode 700" grep -qx 'drwx------ /var/log/ocigate' "$W/entries"
  if [ -f "$S/hook/main.c" ]; then
    check "the rpm has the hook /usr/libexec/ocigate/ocigate-hook, executable" \
      grep -qx -- '-rwxr-xr-x /usr/libexec/ocigate/ocigate-hook' "$W/entries"
  fi
  # Every file under /etc is %config(noreplace) (rpm's fflags "cn"), and nothing else is.
  rpm -qp --qf '[%{FILEFLAGS:fflags}|%{FILENAMES}\n]' "$R" > "$W/fflags"
  awk -F'|' '$1 ~ /c/ {print $2}' "$W/fflags" | sort > "$W/rpm-config"
  awk -F'|' '$1 ~ /c/ && $1 !~ /n/ {print $2}' "$W/fflags" > "$W/rpm-config-replace"
  grep '^/etc/' "$W/meson-files" > "$W/etc-files"
  same "the rpm's config files are exactly its files under /etc" "$W/etc-files" "$W/rpm-config"
  check "... all %config(noreplace)" test ! -s "$W/rpm-config-replace"
  check "/usr/bin/ocigate is mode 755" grep -qx -- '-rwxr-xr-x /usr/bin/ocigate' "$W/entries"

  # Library requirements: rpm's automatic ones cover every NEEDED of the binary.
  # (a sanitizer build's runtime is never packaged; libarchive is dlopen'ed, so it is named explicitly)
  objdump -p "$OG_BUILD_ROOT/cli/ocigate" | awk '/NEEDED/{print $2}' | grep -v -e '^libasan' -e '^libubsan' | sort > "$W/needed"
  echo libarchive.so.13 >> "$W/needed"
  rpm -qp --requires "$R" > "$W/requires" 2> /dev/null
  missing=$(while read -r lib; do grep -q "^$lib" "$W/requires" || echo "$lib"; done < "$W/needed")
  check "rpm Requires names every shared library ocigate is linked with${missing:+ (missing: $missing)}" \
    test -s "$W/needed" -a -z "$missing"

  # Installed into a scratch root (never the host: a hooks.d file under
  # /usr/share/containers/oci/hooks.d would put the hook into every podman
  # launch), with --nodeps because that root's rpm database is empty.
  local SR=$W/rpm-root
  mkdir -p "$SR"
  rpm --root "$SR" --initdb && rpm -i --nodeps --root "$SR" "$R" > "$W/rpm-i.log" 2>&1; rc=$?
  ok $rc "rpm -i --nodeps --root SCRATCH installs the rpm"
  [ $rc -eq 0 ] || sed 's/^/# /' "$W/rpm-i.log" | head -10
  check "rpm -q --root SCRATCH knows ocigate-$version" sh -c "rpm -q --root '$SR' ocigate | grep -q '^ocigate-$version-'"
  rpm -qc --root "$SR" ocigate 2> /dev/null | sort > "$W/rpm-qc"
  same "rpm -qc lists the files under /etc as config files" "$W/etc-files" "$W/rpm-qc"
  installed_root "$SR" "rpm in a scratch root"
  "$SR/usr/bin/ocigate" install hooks-dir "$W/hd" > /dev/null 2>&1
  same "the packaged hooks.d file is what the packaged 'ocigate install hooks-dir' writes" \
    "$SR/usr/share/containers/oci/hooks.d/ocigate.json" "$W/hd/ocigate.json"
}

# ---- the .deb -------------------------------------------------------------
deb_tests () {
  local B=$W/deb D f have_conf
  mkdir -p "$B"
  tar -C "$B" -xzf "$TARBALL"
  cp -r "$B/ocigate-$version/packaging/debian" "$B/ocigate-$version/debian"
  (cd "$B/ocigate-$version" && dpkg-buildpackage -b -us -uc) > "$W/deb.log" 2>&1; rc=$?
  ok $rc "dpkg-buildpackage -b -us -uc builds packaging/debian (copied to debian/) from a tarball of the tree"
  [ $rc -eq 0 ] || tail -30 "$W/deb.log" | sed 's/^/# /'
  check "debian/rules ran the unit tests and none failed" grep -qE '^Fail: +0' "$W/deb.log"
  D=$B/ocigate_${version}-1_$(dpkg --print-architecture).deb
  if [ ! -f "$D" ]; then
    ok 1 "the .deb exists"; return
  fi
  # lintian exits 1 on an error tag and 2 when it cannot check at all.
  lintian "$B"/ocigate_"${version}"-1_*.changes > "$W/lintian.out" 2> "$W/lintian.err"; rc=$?
  sed 's/^/# lintian: /' "$W/lintian.out"
  ok $rc "lintian checks the .deb and the .changes and exits 0"
  [ $rc -eq 0 ] || sed 's/^/# /' "$W/lintian.err" | head -5
  check "lintian prints no error (E:) line" sh -c "! grep -q '^E:' '$W/lintian.out'"
  check "deb metadata: package ocigate, version $version-1" test "$(dpkg-deb -f "$D" Package Version | tr '\n' ' ')" = "Package: ocigate Version: $version-1 "
  check "deb metadata: Depends names libarchive13 (dlopen'ed) and libc6" \
    sh -c "dpkg-deb -f '$D' Depends | grep -q 'libarchive13' && dpkg-deb -f '$D' Depends | grep -q 'libc6'"

  dpkg-deb -c "$D" | awk '{print $1, $NF}' | sed 's, \./, /,; s,/$,,' > "$W/deb-entries"
  # Debian's own: the docs and lintian's overrides (packaging/debian/ocigate.lintian-overrides).
  grep -v '^d' "$W/deb-entries" | cut -d' ' -f2- \
    | grep -v -e '^/usr/share/doc/ocigate/' -e '^/usr/share/lintian/overrides/ocigate$' \
    | sed -E 's,^(/usr/share/man/.*)\.gz$,\1,' | sort > "$W/deb-have"
  same "the .deb holds exactly the files meson installs (besides docs and lintian overrides)" "$W/meson-files" "$W/deb-have"
  if [ -s "$W/rpm-have" ]; then
    grep -v "^$RPM_DOCDIR/" "$W/rpm-have" > "$W/rpm-nodoc"
    same "the .deb and the rpm hold the same files (besides their docs)" "$W/rpm-nodoc" "$W/deb-have"
  fi
  for f in $NAMED; do
    check "the .deb has $f" grep -qx "$f" "$W/deb-have"
  done
  for f in README.md RUNTIMES.md copyright; do
    check "the .deb has /usr/share/doc/ocigate/$f" grep -qE "^-[^ ]* /usr/share/doc/ocigate/$f(\.gz)?$" "$W/deb-entries"
  done
  check "the .deb has /var/log/ocigate, mode 700" grep -qx 'drwx------ /var/log/ocigate' "$W/deb-entries"
  if [ -f "$S/hook/main.c" ]; then
    check "the .deb has the hook /usr/libexec/ocigate/ocigate-hook, executable" \
      grep -qx -- '-rwxr-xr-x /usr/libexec/ocigate/ocigate-hook' "$W/deb-entries"
  fi
  dpkg-deb --ctrl-tarfile "$D" | tar -xOf - ./conffiles 2> /dev/null | sort > "$W/conffiles"
  grep '^/etc/' "$W/meson-files" > "$W/etc-files"
  same "the .deb's conffiles are exactly its files under /etc" "$W/etc-files" "$W/conffiles"

  # Installed into a scratch root only (never the host; see rpm_tests): an
  # empty dpkg database there, dependencies not checked (the root has none).
  local SR=$W/deb-root
  mkdir -p "$SR/var/lib/dpkg/info" "$SR/var/lib/dpkg/updates"
  : > "$SR/var/lib/dpkg/status"
  dpkg --root="$SR" --force-depends -i "$D" > "$W/dpkg-i.log" 2>&1; rc=$?
  ok $rc "dpkg --root=SCRATCH --force-depends -i installs the .deb"
  [ $rc -eq 0 ] || sed 's/^/# /' "$W/dpkg-i.log" | head -10
  check "dpkg-query in the scratch root: ocigate $version-1 is installed" \
    test "$(dpkg-query --admindir="$SR/var/lib/dpkg" -W -f='${Status} ${Version}' ocigate 2>&1)" = "install ok installed $version-1"
  dpkg-query --admindir="$SR/var/lib/dpkg" -W -f='${Conffiles}\n' ocigate | awk 'NF {print $1}' | sort > "$W/dpkg-conf"
  same "dpkg records the files under /etc as conffiles" "$W/etc-files" "$W/dpkg-conf"
  installed_root "$SR" ".deb in a scratch root"
  # The installed ocigate reads the dpkg database that installed it:
  # its inventory of the scratch root has ocigate at the version dpkg-query says,
  # owning /usr/bin/ocigate.
  "$SR/usr/bin/ocigate" inventory --format json "dir:$SR" > "$W/inv.json" 2> "$W/inv.err"
  local v
  v=$(dpkg-query --admindir="$SR/var/lib/dpkg" -W -f='${Version}' ocigate 2> /dev/null)
  check "the installed ocigate inventories its scratch root: package ocigate $v (as dpkg-query says)" \
    jq -e --arg v "$v" '[.packages[] | select(.name == "ocigate" and .version == $v)] | length == 1' "$W/inv.json"
  check "... and every executable in it is owned by ocigate (dpkg -L's files)" \
    jq -e '(.executables | length) >= 1 and all(.executables[]; .package == "ocigate")' "$W/inv.json"
}

if command -v rpmbuild > /dev/null && command -v rpm > /dev/null; then
  rpm_tests
else
  skip "the rpm builds and installs into a scratch root" "rpmbuild is not installed (scripts/deps.sh test)"
fi
if command -v dpkg-buildpackage > /dev/null && command -v dh > /dev/null && command -v lintian > /dev/null; then
  deb_tests
else
  skip "the .deb builds, passes lintian and installs into a scratch root" \
    "dpkg-buildpackage, debhelper or lintian is not installed (scripts/deps.sh test)"
fi
plan_end
