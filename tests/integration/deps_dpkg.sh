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
P=(podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs --events-backend none)
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

# docker_archive LABEL ROOT: the tree as a one-layer docker-archive (podman).
docker_archive() {
  tar --xattrs --numeric-owner -C "$2" -cf "$W/$1.tar" . &&
    "${P[@]}" import -q "$W/$1.tar" "localhost/og-$1:1" >/dev/null &&
    "${P[@]}" save -q --format docker-archive -o "$W/$1.docker.tar" "localhost/og-$1:1" &&
    rm -f "$W/$1.tar"
}

if bash "$OG_SOURCE_ROOT/tests/fixtures/make-debootstrap.sh" "$FIX"; then
  R=$FIX/minbase
  compare minbase "$R"
  docker_archive minbase "$R"; ok $? "podman import + save of the minbase tree as a docker-archive"
  "$depdump" "docker-archive:$W/minbase.docker.tar" | sort >"$W/minbase-img.og"
  "$depdump" "$R" | sort >"$W/minbase-dir.og"
  same "minbase: the docker-archive gives the same graph as the tree" "$W/minbase-dir.og" "$W/minbase-img.og"
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
