#!/bin/bash
# A real Debian 12 minbase tree made by debootstrap: the inventory must agree
# with find (executables, setuid), getcap (capabilities), the files' first bytes
# (ELF vs script), dpkg-query (packages) and dpkg -S (the owner of every executable).
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
minbase
R=$FIX/minbase
workdir

"$OCIGATE" inventory --format json "$R" > "$W/inv.json"; ok $? "inventory of the debootstrap tree exits 0"
rel () { sed "s|^$R||" | sort; }
find "$R" -xdev -type f \( -perm /111 -o -perm /6000 \) | rel > "$W/find-exec"
jq -r '.executables[].path' "$W/inv.json" | sort > "$W/og-exec"
same "executables equal find -xdev -type f ( -perm /111 -o -perm /6000 )" "$W/find-exec" "$W/og-exec"
find "$R" -xdev -type f -perm /4000 | rel > "$W/find-suid"
jq -r '.executables[] | select(.setuid) | .path' "$W/inv.json" | sort > "$W/og-suid"
same "setuid set equals find -perm /4000" "$W/find-suid" "$W/og-suid"
find "$R" -xdev -type f -perm /2000 | rel > "$W/find-sgid"
jq -r '.executables[] | select(.setgid) | .path' "$W/inv.json" | sort > "$W/og-sgid"
same "setgid set equals find -perm /2000" "$W/find-sgid" "$W/og-sgid"
# Capabilities (minbase carries none; inventory_tree checks a tree that has some).
(getcap -r "$R" 2>/dev/null | sed "s|^$R||" | sort) > "$W/getcap"
jq -r '.executables[] | select(.capabilities) | "\(.path) \(.capabilities)"' "$W/inv.json" | sort > "$W/og-caps"
same "capabilities equal getcap -r" "$W/getcap" "$W/og-caps"
# ELF vs script from the first bytes.
bad=0
while read -r p; do
  magic=$(head -c4 "$R$p" | od -An -tx1 | tr -d ' \n')
  if [ "$magic" = 7f454c46 ]; then k=elf; elif [ "$(head -c2 "$R$p")" = '#!' ]; then k=script; else k=other; fi
  echo "$p $k"
done < "$W/find-exec" > "$W/kinds"
jq -r '.executables[] | "\(.path) \(.kind)"' "$W/inv.json" | sort > "$W/og-kinds"
same "ELF / script / other split matches the files' first bytes" "$W/kinds" "$W/og-kinds"

# Packages: the same as dpkg-query, in the status file's order.
dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n' \
  | awk '$1 ~ /^.[iUFWth]/ {print $2, $3, $4}' | sort > "$W/dq"
jq -r '.packages[] | "\(.name) \(if .epoch then "\(.epoch):" else "" end)\(.version) \(.arch)"' "$W/inv.json" | sort > "$W/og-pkgs"
same "packages (name, version, arch) equal dpkg-query -W" "$W/dq" "$W/og-pkgs"
grep '^Package: ' "$R/var/lib/dpkg/status" | cut -d' ' -f2 > "$W/status-order"
jq -r '.packages[].name' "$W/inv.json" > "$W/og-order"
same "packages come in the status file's order" "$W/status-order" "$W/og-order"
check "the dpkg database is named" jq -e '.package_dbs == [{"type":"deb","path":"/var/lib/dpkg/status","backend":"status"}]' "$W/inv.json"
check "purls carry the distro" jq -e '[.packages[] | select(.purl | test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-12$") | not)] == []' "$W/inv.json"

# Owners: dpkg -S on the path, or on its usrmerge alias (/usr/bin/ls <-> /bin/ls),
# which is how dpkg lists files on Debian 12.
alias_of () { case "$1" in /usr/bin/*|/usr/sbin/*|/usr/lib/*|/usr/lib64/*) echo "${1#/usr}";; /bin/*|/sbin/*|/lib/*|/lib64/*) echo "/usr$1";; *) echo "";; esac; }
: > "$W/dpkg-owner"
# "pkg[:arch][, pkg2]: PATH" -> the package names, for exactly PATH (no regex on paths).
owners_of () {
  dpkg-query --admindir="$R/var/lib/dpkg" -S "$1" 2>/dev/null | grep -v '^diversion' |
    awk -v p="$1" '{ s = ": " p; if (substr($0, length($0) - length(s) + 1) == s) { print substr($0, 1, length($0) - length(s)); exit } }'
}
while read -r p; do
  o=$(owners_of "$p")
  if [ -z "$o" ]; then a=$(alias_of "$p"); [ -n "$a" ] && o=$(owners_of "$a"); fi
  # keep the first package, without its :arch
  o=${o%%,*}; o=${o%%:*}
  echo "$p ${o:-null}"
done < "$W/find-exec" > "$W/dpkg-owner"
jq -r '.executables[] | "\(.path) \(.package // "null")"' "$W/inv.json" | sort > "$W/og-owner"
sort "$W/dpkg-owner" > "$W/dpkg-owner1"
same "the owner of every executable equals dpkg -S" "$W/dpkg-owner1" "$W/og-owner"
jq -r '.executables[] | select(.integrity == "unowned") | .path' "$W/inv.json" | sort > "$W/og-unowned"
awk '$2 == "null" {print $1}' "$W/dpkg-owner1" | sort > "$W/dpkg-unowned"
same "the unowned executables are exactly those dpkg -S does not know" "$W/dpkg-unowned" "$W/og-unowned"
check "dpkg's maintainer scripts are among the unowned" grep -qx /var/lib/dpkg/info/dpkg.postinst "$W/og-unowned"
plan_end
