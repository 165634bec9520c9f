#!/bin/bash
# The dependency graph of rpm trees against rpm itself: for every installed
# package X, `required_by` (tests/tools/depdump) equals the union of
# `rpm -q --whatrequires CAP` over every capability X provides and every file
# of X that some package requires by path (rpm's own answer to "who needs
# X"), without X itself.  On the packages of tests/fixtures/rpm/og-deps.spec
# (versioned, virtual, file and soname requirements, an install-only
# prerequisite, rpmlib() features, an unresolvable one), then on the real
# Amazon Linux 2023 database in $OG_REAL_FIXTURES.
set -uo pipefail
build=${OG_BUILD_ROOT:?}
src=${OG_SOURCE_ROOT:?}
. "$src/tests/lib/tap.sh"
depdump=$build/tests/depdump
W=$(mktemp -d /var/tmp/og-deps-rpm.XXXXXX)
. "$src/tests/lib/podman.sh"
trap '"${P[@]}" rmi -af >/dev/null 2>&1; rm -rf "$W"' EXIT

# oracle ROOT: "name<TAB>required_by" for every package, from rpm alone.
oracle() {
  local root=$1 q=(rpm --root "$1" --dbpath /var/lib/rpm)
  "${q[@]}" -qa --qf '[%{REQUIRENAME}\n]' | grep '^/' | sort -u >"$W/req-paths"
  "${q[@]}" -qa --qf '%{NAME}\n' | while read -r x; do
    {
      "${q[@]}" -q --qf '[%{PROVIDENAME}\n]' "$x"
      "${q[@]}" -ql "$x" | sort -u | comm -12 - "$W/req-paths"
    } | sort -u | while read -r cap; do
      "${q[@]}" -q --qf '%{NAME}\n' --whatrequires "$cap" 2>/dev/null | grep -v '^no package requires '
    done | grep -vxF "$x" | sort -u | paste -sd' ' | sed "s/^/$x\t/"
  done | sed 's/\t$//' | sort
}
ours() { "$depdump" "$1" | cut -f1,2 | sed 's/\t$//' | sort; }

fx=${OG_FIXTURES_OUT:?}/rpm
if bash "$src/tests/fixtures/make-rpm-fixtures.sh" "$fx"; then
  R=$fx/root
  oracle "$R" >"$W/rpm.txt"
  ours "$R" >"$W/og.txt"
  same "rpm fixtures: required_by of every package equals rpm -q --whatrequires over its provides and files" "$W/rpm.txt" "$W/og.txt"
  check "og-deps-base is required by the lib (by name, soname, file) and the app (virtual provide, provided path)" \
    grep -qx $'og-deps-base\tog-deps-app og-deps-lib' "$W/og.txt"
  check "the install-only Requires(pre) is not what rpm counts: whatrequires og-deps-base is the lib alone" \
    test "$(rpm --root "$R" --dbpath /var/lib/rpm -q --qf '%{NAME}\n' --whatrequires og-deps-base)" = og-deps-lib
  check "og-deps-leaf is a leaf" grep -qx 'og-deps-leaf' "$W/og.txt"
  "$depdump" "$R" | awk -F'\t' '$1 == "og-deps-app" {print $3}' >"$W/app-req"
  check "og-deps-app requires base and lib; og-not-installed resolves to nothing" \
    grep -qx 'og-deps-base og-deps-lib' "$W/app-req"
  rpm --root "$R" --dbpath /var/lib/rpm -q --qf '%{NAME}\n' --whatrequires /usr/bin/og-deps-tool >"$W/rpm-file"
  "$depdump" "$R" | awk -F'\t' '$3 ~ /(^| )og-deps-base( |$)/ {print $1}' | sort >"$W/og-file"
  check "the file requirement /usr/bin/og-deps-tool: rpm -q --whatrequires names og-deps-lib, which requires og-deps-base here" \
    sh -c "grep -qx og-deps-lib '$W/rpm-file' && grep -qx og-deps-lib '$W/og-file'"
  # why and slim on the same tree.
  "$OCIGATE" why --format json "$R" /usr/bin/og-deps-tool >"$W/why-tool.json"
  check "why /usr/bin/og-deps-tool: og-deps-base, required by app and lib, chain up to the leaf" \
    jq -e '.package == "og-deps-base" and .required_by == ["og-deps-lib", "og-deps-app"] and .chains == [["og-deps-base", "og-deps-app", "og-deps-leaf"]] and (.essential | not)' "$W/why-tool.json"
  "$OCIGATE" why "$R" og-deps-lib >"$W/why-lib"
  check "why og-deps-lib (table): og-deps-lib <- og-deps-app <- og-deps-leaf" \
    grep -qx '  og-deps-lib <- og-deps-app <- og-deps-leaf' "$W/why-lib"
  "$OCIGATE" slim --format json "$R" >"$W/slim.json"
  size=$(rpm --root "$R" --dbpath /var/lib/rpm -q --qf '%{LONGSIZE}' og-deps-leaf)
  check "slim: og-deps-leaf is a leaf with rpm's size ($size) and its executable, and everything goes with it" \
    jq -e --argjson size "$size" '[.leaves[] | select(.name == "og-deps-leaf")][0] | .size == $size and .executables == ["/usr/bin/og-deps-leaf"] and ([.also_goes[].name] | sort) == ["og-deps-app", "og-deps-base", "og-deps-lib"]' "$W/slim.json"
  "$OCIGATE" slim --format json --keep /usr/bin/og-deps-tool "$R" >"$W/slim-keep.json"
  check "slim --keep /usr/bin/og-deps-tool keeps og-deps-base alone; app, lib and leaf are outside" \
    jq -e '.keep.kept == ["og-deps-base"] and (.keep.outside.list | map(.name) | map(select(startswith("og-deps"))) | sort) == ["og-deps-app", "og-deps-leaf", "og-deps-lib"]' "$W/slim-keep.json"
  # The same answers from a docker-archive of the tree.
  if docker_archive rpm "$R"; then
    ok 0 "podman import + save of the rpm tree as a docker-archive"
    I=docker-archive:$W/rpm.docker.tar
    same "the docker-archive gives the same dependency graph as the tree" <("$depdump" "$R" | sort) <("$depdump" "$I" | sort)
    same "why /usr/bin/og-deps-tool: the docker-archive answers as the tree" \
      "$W/why-tool.json" <("$OCIGATE" why --format json "$I" /usr/bin/og-deps-tool)
    same "slim: the docker-archive answers as the tree" <(jq -S 'del(.source)' "$W/slim.json") \
      <("$OCIGATE" slim --format json "$I" | jq -S 'del(.source)')
    same "slim --keep /usr/bin/og-deps-tool: the docker-archive answers as the tree" \
      <(jq -S 'del(.source)' "$W/slim-keep.json") \
      <("$OCIGATE" slim --format json --keep /usr/bin/og-deps-tool "$I" | jq -S 'del(.source)')
  else
    ok 1 "podman import + save of the rpm tree as a docker-archive"
  fi
else
  ok 1 "tests/fixtures/make-rpm-fixtures.sh"
fi

if real_fixtures && [ -f "$OG_REAL_FIXTURES/rpm/amazonlinux2023/rpmdb.sqlite" ]; then
  A=$W/al2023
  mkdir -p "$A/var/lib/rpm"
  cp "$OG_REAL_FIXTURES/rpm/amazonlinux2023/rpmdb.sqlite" "$A/var/lib/rpm/"
  oracle "$A" >"$W/al-rpm.txt"
  ours "$A" >"$W/al-og.txt"
  same "Amazon Linux 2023 ($(wc -l <"$W/al-og.txt") packages): required_by equals rpm -q --whatrequires over provides and files" \
    "$W/al-rpm.txt" "$W/al-og.txt"
else
  skip "Amazon Linux 2023: required_by equals rpm -q --whatrequires" "$NO_REAL_FIXTURES"
fi
plan_end
