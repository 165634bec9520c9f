#!/bin/bash
# A small tree with every kind of executable, checked field by field against
# what stat, getcap, readelf and the files' first bytes say.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
R=$W/root
mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/etc" "$R/opt/deep" "$R/data"
printf 'ID=ogtest\nVERSION_ID="1.2"\nPRETTY_NAME="ogtest \\"one\\" 1.2"\n' > "$R/etc/os-release"
echo plain > "$R/data/plain.txt"; chmod 644 "$R/data/plain.txt"
cp /bin/ls "$R/usr/bin/ls"; chmod 755 "$R/usr/bin/ls"
ln "$R/usr/bin/ls" "$R/usr/bin/dir"                       # hardlink: nlink 2
cp /bin/busybox "$R/usr/bin/busybox"; chmod 4755 "$R/usr/bin/busybox"   # setuid, static
cp /bin/ls "$R/usr/bin/wall"; chown 0:5 "$R/usr/bin/wall"; chmod 2755 "$R/usr/bin/wall" # setgid
cp /bin/ls "$R/usr/sbin/pinger"; setcap cap_net_raw,cap_net_admin=ep "$R/usr/sbin/pinger"
printf '#!/usr/bin/env python3\nprint(1)\n' > "$R/usr/bin/tool"; chmod 700 "$R/usr/bin/tool"
printf '#! /bin/sh -e\necho hi\n' > "$R/usr/bin/hello"; chmod 755 "$R/usr/bin/hello"
printf 'not a program\n' > "$R/usr/bin/data-exec"; chmod 711 "$R/usr/bin/data-exec"
printf '\177ELF' > "$R/usr/bin/truncated-elf"; chmod 755 "$R/usr/bin/truncated-elf"
chmod 4644 "$R/data/setuid-noexec" 2>/dev/null || { touch "$R/data/setuid-noexec"; chmod 4644 "$R/data/setuid-noexec"; }
ln -s /usr/bin/ls "$R/usr/bin/ls-link"                  # symlinks are not executables
d="$R/opt/deep"; for i in $(seq 1 60); do d="$d/d$i"; done; mkdir -p "$d"; cp /bin/ls "$d/deepbin"
chown 1234:4321 "$d/deepbin"

"$OCIGATE" inventory --format json "$R" > "$W/inv.json"; ok $? "inventory exits 0"

# The executable set equals find's.
(cd "$R" && find . -xdev -type f \( -perm /111 -o -perm /6000 \) | sed 's|^\.||' | sort) > "$W/find.txt"
jq -r '.executables[].path' "$W/inv.json" | sort > "$W/og.txt"
same "executable paths equal find -perm /111 -o -perm /6000" "$W/find.txt" "$W/og.txt"

# Every field of every executable against stat / getcap / readelf / first bytes.
bad=0
while read -r p; do
  f="$R$p"
  exp_mode=$(stat -c %a "$f"); exp_mode=$(printf '%04o' "0$exp_mode")
  got=$(jq -r --arg p "$p" '.executables[] | select(.path==$p) | [.mode,.uid,.gid,.size,.nlink,.setuid,.setgid] | map(tostring) | join(" ")' "$W/inv.json")
  suid=false; [ -u "$f" ] && suid=true; sgid=false; [ -g "$f" ] && sgid=true
  exp="$exp_mode $(stat -c '%u %g %s %h' "$f") $suid $sgid"
  [ "$got" = "$exp" ] || { echo "# $p: got [$got] want [$exp]"; bad=1; }
  caps=$(getcap "$f" | sed 's/^[^ ]* //'); [ -n "$caps" ] || caps=null
  gotcaps=$(jq -r --arg p "$p" '.executables[] | select(.path==$p) | .capabilities' "$W/inv.json")
  [ "$gotcaps" = "$caps" ] || { echo "# $p: caps got [$gotcaps] want [$caps]"; bad=1; }
  kind=other
  if [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && readelf -h "$f" >/dev/null 2>&1; then kind=elf
  elif [ "$(head -c2 "$f")" = '#!' ]; then kind=script; fi
  gotkind=$(jq -r --arg p "$p" '.executables[] | select(.path==$p) | .kind' "$W/inv.json")
  [ "$gotkind" = "$kind" ] || { echo "# $p: kind got [$gotkind] want [$kind]"; bad=1; }
  if [ "$kind" = elf ]; then
    interp=$(readelf -l "$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p'); [ -n "$interp" ] || interp=null
    t=$(readelf -h "$f" | awk -F: '/Type:/{print $2}' | awk '{print $1}')
    case "$t" in EXEC) et=exec;; DYN) if [ "$interp" != null ]; then et=pie; else et=dyn; fi;; *) et=other;; esac
    link=static; readelf -l "$f" | grep -qE 'INTERP|DYNAMIC' && link=dynamic
    cls=$(readelf -h "$f" | awk -F: '/Class:/{gsub(/ /,"",$2); print $2}' | sed 's/ELF//')
    got=$(jq -r --arg p "$p" '.executables[] | select(.path==$p) | [(.interpreter // "null"), .elf.type, .elf.linkage, (.elf.class|tostring), .elf.machine] | join(" ")' "$W/inv.json")
    exp="$interp $et $link $cls x86_64"
    [ "$got" = "$exp" ] || { echo "# $p: elf got [$got] want [$exp]"; bad=1; }
  fi
done < "$W/find.txt"
ok $bad "every field of every executable matches stat, getcap, readelf and the first bytes"

check "script interpreters come from the #! line" test "$(jq -r '.executables[] | select(.path=="/usr/bin/tool" or .path=="/usr/bin/hello") | .interpreter' "$W/inv.json" | tr '\n' ' ')" = "/bin/sh /usr/bin/env "
check "a non-executable setuid file is listed too" jq -e '.executables[] | select(.path=="/data/setuid-noexec" and .setuid and .kind=="other")' "$W/inv.json"
check "os-release is read with its quoting" test "$(jq -r '.os | [.id,.version_id,.pretty_name] | join("|")' "$W/inv.json")" = 'ogtest|1.2|ogtest "one" 1.2'
check "summary counts agree with the list" jq -e '(.summary.executables == (.executables|length)) and (.summary.setuid == ([.executables[]|select(.setuid)]|length)) and (.summary.capabilities == 1) and (.summary.unowned == (.executables|length))' "$W/inv.json"
check "no packages and no package databases in a tree without any" jq -e '(.packages == []) and (.package_dbs == [])' "$W/inv.json"
check "package is null and integrity unowned without databases" jq -e '[.executables[] | select(.package != null or .integrity != "unowned")] == []' "$W/inv.json"

# --digests: sha256 equals sha256sum.
"$OCIGATE" inventory --digests --format json "$R" > "$W/dig.json"
bad=0
while read -r p; do
  exp=$(sha256sum "$R$p" | cut -d' ' -f1)
  got=$(jq -r --arg p "$p" '.executables[] | select(.path==$p) | .sha256' "$W/dig.json")
  [ "$got" = "$exp" ] || { echo "# $p: sha256 got $got want $exp"; bad=1; }
done < "$W/find.txt"
ok $bad "--digests: every sha256 equals sha256sum"

# files view
"$OCIGATE" files --format json "$R" > "$W/files.json"; ok $? "files exits 0"
(cd "$R" && find . -xdev -mindepth 1 | sed 's|^\.||' | sort) > "$W/all.txt"
jq -r '.files[].path' "$W/files.json" | sort > "$W/ogall.txt"
same "files lists every entry that find lists" "$W/all.txt" "$W/ogall.txt"
check "files keeps symlink targets" jq -e '.files[] | select(.path=="/usr/bin/ls-link" and .type=="symlink" and .target=="/usr/bin/ls")' "$W/files.json"
"$OCIGATE" files --under /usr/sbin --format json "$R" | jq -r '.files[].path' > "$W/under.txt"
printf '/usr/sbin\n/usr/sbin/pinger\n' > "$W/under.exp"
same "files --under /usr/sbin lists only that directory's entries" "$W/under.exp" "$W/under.txt"
"$OCIGATE" files --executables --under /usr --format json "$R" | jq -r '.files[].path' | sort > "$W/fx.txt"
grep '^/usr/' "$W/find.txt" > "$W/fx.exp"
same "files --executables --under /usr equals find's executables below /usr" "$W/fx.exp" "$W/fx.txt"
"$OCIGATE" files --under /usr/bin "$R" > "$W/files.table"
check "files table shows modes like ls and the link arrow" grep -qE '^-rwsr-xr-x +0:0 .*/usr/bin/busybox$' "$W/files.table"
check "files table ends with an entry count" grep -qx "$(wc -l < <(find "$R/usr/bin")) entries" "$W/files.table"
"$OCIGATE" inventory "$R" > "$W/inv.table"
check "inventory table lists the capability and setuid flags" grep -qE 'caps:cap_net_admin,cap_net_raw=ep +\(unowned\) +/usr/sbin/pinger$' "$W/inv.table"
plan_end
