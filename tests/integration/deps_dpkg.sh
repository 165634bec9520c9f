#!/bin/bash
# The dependency graph of dpkg trees against dpkg-query: for every installed
# package, `required_by` (tests/tools/depdump) equals what an independent
# script (deps_oracle_dpkg.py: alternatives, versions through
# `dpkg --compare-versions`, Provides) computes from the tree's own
# `dpkg-query --admindir=D -W` output.  On the debootstrap minbase tree, the
# real Debian 12 database in $OG_REAL_FIXTURES, and a docker-archive of each
# made by podman; then `why` and `slim` on them.
set -u
. "$OG_SOURCE_ROOT/tests/lib/tap.sh"
FIX=${OG_FIXTURES_OUT:?}
depdump=$OG_BUILD_ROOT/tests/depdump
oracle=$OG_SOURCE_ROOT/tests/integration/deps_oracle_dpkg.py
W=$(mktemp -d /var/tmp/og-deps-dpkg.XXXXXX)
. "$OG_SOURCE_ROOT/tests/lib/podman.sh"
trap '"${P[@]}" rmi -af >/dev/null 2>&1; rm -rf "$W"' EXIT

# compare LABEL ROOT: required_by of every package equals the oracle's.
compare() {
  dpkg-query --admindir="$2/var/lib/dpkg" -W \
    -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Depends}\t${Pre-Depends}\t${Provides}\n' |
    python3 "$oracle" >"$W/$1.oracle"
  "$depdump" "$2" | cut -f1,2 | sort >"$W/$1.og"
  same "$1: required_by of all $(wc -l <"$W/$1.og") packages equals dpkg-query's Depends/Pre-Depends/Provides resolved" \
    "$W/$1.oracle" "$W/$1.og"
  check "$1: the graph is not empty ($(awk -F'\t' '$2 != ""' "$W/$1.og" | wc -l) packages are required by another)" \
    test "$(awk -F'\t' '$2 != ""' "$W/$1.og" | wc -l)" -gt 10
}

if bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$FIX"; then
  R=$FIX/minbase
  compare minbase "$R"
  docker_archive minbase "$R"; ok $? "podman import + save of the minbase tree as a docker-archive"
  "$depdump" "docker-archive:$W/minbase.docker.tar" | sort >"$W/minbase-img.og"
  "$depdump" "$R" | sort >"$W/minbase-dir.og"
  same "minbase: the docker-archive gives the same graph as the tree" "$W/minbase-dir.og" "$W/minbase-img.og"
  # why: an executable of an essential package, a library, docker-archive = tree.
  "$OCIGATE" why "$R" /usr/bin/chmod >"$W/why-chmod"; ok $? "why ROOT /usr/bin/chmod exits 0"
  check "why /usr/bin/chmod names coreutils and its chain to (essential)" \
    grep -qx '  /usr/bin/chmod <- coreutils <- (essential)' "$W/why-chmod"
  "$OCIGATE" why --format json "$R" /bin/chmod >"$W/why-chmod.json"
  check "why --format json of /bin/chmod (through the /bin -> usr/bin link): coreutils, essential" \
    jq -e '.path == "/bin/chmod" and .package == "coreutils" and .essential and .chains == [["coreutils"]]' "$W/why-chmod.json"
  "$OCIGATE" why --format json "$R" libuuid1 >"$W/why-uuid.json"
  awk -F'\t' '$1 == "libuuid1" {print $2}' "$W/minbase.oracle" | tr ' ' '\n' | sed '/^$/d' >"$W/uuid-oracle"
  jq -r '.required_by[]' "$W/why-uuid.json" | sort >"$W/uuid-why"
  same "why libuuid1: required_by is what dpkg-query's relations say" "$W/uuid-oracle" "$W/uuid-why"
  check "why libuuid1: every chain starts at libuuid1 and ends at a root" \
    jq -e '(.chains | length) > 0 and all(.chains[]; .[0] == "libuuid1") and ([.chains[] | length] == ([.chains[] | length] | sort))' "$W/why-uuid.json"
  "$OCIGATE" why --format json "docker-archive:$W/minbase.docker.tar" libuuid1 >"$W/why-uuid-img.json"
  same "why libuuid1: the docker-archive answers as the tree" "$W/why-uuid.json" "$W/why-uuid-img.json"
  "$OCIGATE" why "$R" /etc/hostname >"$W/why-host"
  check "why of a file no package owns says so" grep -qx '/etc/hostname: no package owns it' "$W/why-host"
  "$OCIGATE" why "$R" no-such-package 2>"$W/why-err"
  ok $(($? == 2 ? 0 : 1)) "why of an unknown package exits 2"

  # slim: one leaf package added with dpkg --root to a copy of the database.
  L=$W/leaf
  mkdir -p "$L/src/DEBIAN" "$L/src/usr/bin" "$L/root/var/lib" "$L/root/var/log"
  cp -a "$R/var/lib/dpkg" "$L/root/var/lib/"
  printf 'Package: og-leaf\nVersion: 1.0-1\nArchitecture: all\nMaintainer: ocigate tests <tests@example.invalid>\nDepends: libc6, coreutils
Installed-Size: 20
Description: a package nothing needs\n' >"$L/src/DEBIAN/control"
  head -c 20000 /dev/urandom >"$L/src/usr/bin/og-leaf"
  chmod 755 "$L/src/usr/bin/og-leaf"
  dpkg-deb --root-owner-group --build "$L/src" "$L/og-leaf.deb" >/dev/null &&
    dpkg --root="$L/root" --log="$L/root/var/log/dpkg.log" --force-not-root --force-bad-path \
      --force-script-chrootless -i "$L/og-leaf.deb" >"$L/dpkg.log" 2>&1
  ok $? "dpkg --root install of a leaf package"
  isize=$(dpkg-query --admindir="$L/root/var/lib/dpkg" -W -f='${Installed-Size}' og-leaf)
  "$OCIGATE" slim --format json "$L/root" >"$W/slim.json"; ok $? "slim --format json exits 0"
  check "slim lists og-leaf as a leaf, with dpkg's Installed-Size ($isize KiB) and its executable" \
    jq -e --argjson kib "$isize" '[.leaves[] | select(.name == "og-leaf")] | length == 1 and .[0].size == $kib * 1024 and .[0].executables == ["/usr/bin/og-leaf"] and (.[0].essential | not)' "$W/slim.json"
  dpkg-query --admindir="$L/root/var/lib/dpkg" -W \
    -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Depends}\t${Pre-Depends}\t${Provides}\n' |
    python3 "$oracle" | awk -F'\t' '$2 == "" {print $1}' | sort >"$W/leaves-oracle"
  jq -r '.leaves[].name' "$W/slim.json" | sort >"$W/leaves-og"
  same "slim: the leaves are the packages that, by dpkg-query's relations, nothing depends on" "$W/leaves-oracle" "$W/leaves-og"
  check "og-leaf's Depends: coreutils made coreutils no leaf" sh -c "! grep -qx coreutils '$W/leaves-og'"
  "$OCIGATE" slim "$L/root" >"$W/slim.txt"
  check "slim (table) shows og-leaf with its size" grep -Eq "^og-leaf +1.0-1 +$isize.0 KiB +1 " "$W/slim.txt"
  "$OCIGATE" slim --format json --keep apt "$L/root" >"$W/slim-keep.json"
  check "slim --keep apt: og-leaf (nothing kept needs it) is outside the closure, coreutils inside" \
    jq -e '(.keep.outside.list | map(.name)) == ["og-leaf"] and (.keep.closure | index("coreutils")) != null and .keep.outside.executables == 1' "$W/slim-keep.json"
  # manifest generate --from-keep: only slim's closure allowed, apt required
  # with its dependencies; the leaf is then the one finding.
  "$OCIGATE" manifest generate --from-keep apt "$L/root" >"$W/keep.json"; ok $? "manifest generate --from-keep apt"
  jq -r '.keep.closure[]' "$W/slim-keep.json" | sort >"$W/closure-slim"
  jq -r '.packages.allow[].name' "$W/keep.json" | sort -u >"$W/closure-manifest"
  same "--from-keep allows exactly slim --keep's closure" "$W/closure-slim" "$W/closure-manifest"
  check "--from-keep requires apt with its dependencies" \
    jq -e '.packages.require == [{"name": "apt", "with_dependencies": true}] and .packages.unlisted == "deny"' "$W/keep.json"
  # (the leaf tree holds the database only: its packages' files are absent)
  jq '.packages.missing_files = "allow"' "$W/keep.json" >"$W/keep-db.json"
  "$OCIGATE" check --manifest "$W/keep-db.json" --format json "$L/root" >"$W/keep-check.json"; rc=$?
  ok $((rc != 1)) "check against the --from-keep manifest denies (exit $rc)"
  check "the one finding is the leaf outside the closure" \
    jq -e '[.findings[] | [.rule, .subject]] == [["packages.unlisted", "og-leaf 1.0-1 all"]]' "$W/keep-check.json"
  # A dependency of apt removed behind dpkg's back (--force-depends): dpkg
  # says apt's dependency breaks, and the require rule says so too.
  dpkg --root="$L/root" --log="$L/root/var/log/dpkg.log" --force-not-root --force-bad-path \
    --force-script-chrootless --force-depends -r libapt-pkg6.0 >"$L/rm.log" 2>&1
  check "dpkg --force-depends -r libapt-pkg6.0 warns that apt depends on it (oracle)" \
    grep -q 'apt depends on libapt-pkg6.0' "$L/rm.log"
  "$OCIGATE" check --manifest "$W/keep-db.json" --format json "$L/root" >"$W/keep-broken.json"
  check "with_dependencies: apt's closure has an unsatisfied dependency, in apt" \
    jq -e '[.findings[] | select(.rule == "packages.require[0]")] | length == 1 and (.[0].reason | test("required package apt is installed, but its dependencies are not: .*apt has 1"))' "$W/keep-broken.json"
  "$OCIGATE" why "$L/root" libc6 >"$W/why-libc"
  check "why libc6 now names og-leaf among what needs it" grep -q 'og-leaf' "$W/why-libc"
  "$OCIGATE" slim --format markdown "$L/root" >"$W/slim.md"
  check "slim --format markdown is a table with og-leaf" grep -q '^| og-leaf | 1.0-1 |' "$W/slim.md"
  "$OCIGATE" slim --format json "docker-archive:$W/minbase.docker.tar" >"$W/slim-img.json"
  "$OCIGATE" slim --format json "$R" >"$W/slim-dir.json"
  same "slim: the docker-archive answers as the tree" "$W/slim-dir.json" "$W/slim-img.json"
  # Without --keep, an image keeps the package of its command, found on PATH.
  docker_archive minbase-ep "$R" --change 'ENTRYPOINT ["apt-get", "update"]'
  ok $? "podman import of minbase with ENTRYPOINT [\"apt-get\", \"update\"]"
  "$OCIGATE" slim --format json "docker-archive:$W/minbase-ep.docker.tar" >"$W/slim-ep.json" 2>"$W/slim-ep.err"
  check "slim says it keeps apt, which owns the image's command" \
    grep -qx 'ocigate slim: keeping apt, which owns the image.s command /usr/bin/apt-get' "$W/slim-ep.err"
  "$OCIGATE" slim --format json --keep apt "$R" >"$W/slim-keep-apt.json"
  same "slim of the image without --keep equals slim --keep apt of the tree" \
    <(jq .keep "$W/slim-keep-apt.json") <(jq .keep "$W/slim-ep.json")
else
  ok 1 "tests/fixtures/make-debootstrap.sh"
fi

if real_fixtures; then
  D=$W/deb12
  mkdir -p "$D/var/lib"
  cp -a "$OG_REAL_FIXTURES/dpkg-debian12/var/lib/dpkg" "$D/var/lib/"
  compare debian12 "$D"
  docker_archive debian12 "$D"; ok $? "podman import + save of the Debian 12 database tree"
  "$depdump" "docker-archive:$W/debian12.docker.tar" | sort >"$W/deb12-img.og"
  "$depdump" "$D" | sort >"$W/deb12-dir.og"
  same "debian12: the docker-archive gives the same graph as the tree" "$W/deb12-dir.og" "$W/deb12-img.og"
else
  skip "debian12: required_by equals dpkg-query's" "$NO_REAL_FIXTURES"
fi
plan_end
