#!/bin/bash
# containers-storage as a source: images that podman builds into a private
# overlay store (FROM scratch + ADD of a tarball made here, then a RUN that
# deletes a file and a directory and makes a directory opaque) are read from
# their diff directories and give the inventory, the files list and the walk
# of `podman save` of the same image; names, short names, IDs and prefixes
# find it; a missing image is an error naming images.json and what it holds.
set -uo pipefail
B=${OG_BUILD_ROOT:?}
S=${OG_SOURCE_ROOT:?}
WD=$B/tests/walkdump
T=$(mktemp -d /tmp/og-cstorage.XXXXXX)
# podman refuses a runroot longer than 50 characters.
RUNROOT=/tmp/og-run-$(printf '%s' "$T" | sha256sum | cut -c1-12)
trap 'rm -rf "$T" "$RUNROOT"' EXIT
. "$S/tests/lib/tap.sh"
N=18

ST=$T/storage
PODMAN=(podman --root "$ST" --runroot "$RUNROOT" --storage-driver overlay
        --cgroup-manager cgroupfs --events-backend none)
if ! command -v podman >/dev/null || ! command -v busybox >/dev/null; then
  for i in $(seq 1 $N); do skip "containers-storage check $i" "podman or busybox is not installed"; done
  plan_end
  exit 0
fi

# The base layer: a tarball of a small tree.
R=$T/rootfs
mkdir -p "$R"/{bin,etc,usr/bin,usr/lib,opt/gone/sub,data/sub,keepdir}
cp "$(command -v busybox)" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
ln -s /bin/busybox "$R/usr/bin/env"
cp "$(command -v busybox)" "$R/usr/bin/su-tool"
chmod 4755 "$R/usr/bin/su-tool"
ln "$R/usr/bin/su-tool" "$R/usr/bin/su-link"
cp "$(command -v busybox)" "$R/usr/bin/pinger"
setcap cap_net_raw=ep "$R/usr/bin/pinger" 2>/dev/null || true
printf 'NAME="CstoreTest"\nID=cstoretest\nVERSION_ID="2.0"\n' >"$R/usr/lib/os-release"
ln -s ../usr/lib/os-release "$R/etc/os-release"
echo a >"$R/opt/gone/a"
echo b >"$R/opt/gone/sub/b"
echo host >"$R/etc/hostfile"
echo old >"$R/data/old"
echo old >"$R/data/sub/old"
echo keep >"$R/keepdir/keep"
printf '#!/bin/sh\necho tool\n' >"$R/usr/bin/tool.sh"
chmod 0755 "$R/usr/bin/tool.sh"
chown 1000:1000 "$R/usr/bin/tool.sh"
C=$T/ctx
mkdir -p "$C"
tar --xattrs --xattrs-include='security.capability' --numeric-owner -C "$R" -cf "$C/base.tar" .
cat >"$C/Single" <<'EOF'
FROM scratch
ADD base.tar /
EOF
# /opt/gone and /etc/hostfile deleted (whiteouts), /data replaced by a new
# directory (opaque), a new executable.
cat >"$C/Layered" <<'EOF'
FROM scratch
ADD base.tar /
RUN rm -rf /opt/gone /etc/hostfile /data && mkdir /data && echo new >/data/new \
    && printf '#!/bin/sh\necho hi\n' >/usr/bin/hi && chmod 0755 /usr/bin/hi
EOF
build () { # build TAG FILE
  "${PODMAN[@]}" build --runtime runc --network=none --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 -t "localhost/$1" -f "$C/$2" "$C" >>"$T/build.log" 2>&1
}
if ! build cssingle:1 Single || ! build cslayered:1 Layered; then
  sed 's/^/# /' "$T/build.log" | tail -20
  ok 1 "podman builds the images into an overlay store"
  for i in $(seq 2 $N); do skip "containers-storage check $i" "the images were not built"; done
  plan_end
  exit 1
fi
ok 0 "podman builds the images into an overlay store"

# The store really holds what the flattener must undo: an overlay whiteout
# (a character device 0/0) and an opaque directory in the layered image's top layer.
UPPER=$("${PODMAN[@]}" image inspect --format '{{.GraphDriver.Data.UpperDir}}' localhost/cslayered:1)
python3 - "$UPPER" >"$T/top.txt" <<'EOF'
import os, stat, sys
d = sys.argv[1]
st = os.lstat(d + "/etc/hostfile")
print("whiteout", stat.S_ISCHR(st.st_mode) and st.st_rdev == 0)
print("opaque", os.getxattr(d + "/data", "trusted.overlay.opaque") == b"y")
EOF
printf 'whiteout True\nopaque True\n' >"$T/top.want"
same "the layered image's top layer holds a whiteout device and an opaque directory" "$T/top.want" "$T/top.txt"

for img in cssingle cslayered; do
  "${PODMAN[@]}" save -q --format docker-archive -o "$T/$img.tar" "localhost/$img:1" >/dev/null
  CS="containers-storage:[overlay@$ST]localhost/$img:1"
  for verb in inventory files; do
    "$OCIGATE" $verb --format json "$CS" >"$T/$img.cs.$verb" 2>"$T/err" || sed 's/^/# /' "$T/err"
    "$OCIGATE" $verb --format json "docker-archive:$T/$img.tar" >"$T/$img.da.$verb"
    jq -S 'del(.source)' "$T/$img.cs.$verb" >"$T/a"
    jq -S 'del(.source)' "$T/$img.da.$verb" >"$T/b"
    if [ -s "$T/a" ]; then same "$img: $verb of containers-storage equals that of podman save" "$T/b" "$T/a"
    else ok 1 "$img: $verb of containers-storage equals that of podman save"; fi
  done
  "$WD" --sha256 "$CS" >"$T/$img.cs.walk" 2>"$T/err" || sed 's/^/# /' "$T/err"
  "$WD" --sha256 "docker-archive:$T/$img.tar" >"$T/$img.da.walk"
  same "$img: the walk (modes, owners, links, capabilities, digests, layers) equals podman save's" \
    "$T/$img.da.walk" "$T/$img.cs.walk"
done

# The content, against what the RUN did and what the base tarball holds.
jq -r '.files[].path' "$T/cslayered.cs.files" | LC_ALL=C sort >"$T/paths"
check "the deleted file, the deleted tree and the replaced directory's old files are gone" \
  bash -c "! grep -E '^/(opt/gone|etc/hostfile|data/old|data/sub)' '$T/paths'"
check "what the later layer wrote and what it left are there" \
  bash -c "grep -qx /data/new '$T/paths' && grep -qx /usr/bin/hi '$T/paths' && grep -qx /keepdir/keep '$T/paths'"
tar -tf "$C/base.tar" | sed 's|^\./||; s|/$||; /^$/d; s|^|/|' | LC_ALL=C sort >"$T/base.paths"
jq -r '.files[].path' "$T/cssingle.cs.files" | LC_ALL=C sort >"$T/single.paths"
same "the single-layer image holds the paths of the tarball" "$T/base.paths" "$T/single.paths"
check "the os-release is read from the layer" \
  bash -c "jq -e '.os.id == \"cstoretest\"' '$T/cssingle.cs.inventory'"

# The source metadata: what podman says of the image.
ID=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/cslayered:1)
jq -r '.source | .kind, .config_digest, .tags[0]' "$T/cslayered.cs.inventory" >"$T/meta"
printf 'containers-storage\nsha256:%s\nlocalhost/cslayered:1\n' "$ID" >"$T/meta.want"
same "the source names the kind, the image ID and the name" "$T/meta.want" "$T/meta"

# Other ways to name the same image.
jq -S 'del(.source)' "$T/cslayered.cs.inventory" >"$T/want"
for ref in cslayered:1 "$ID" "sha256:$ID" "${ID:0:12}"; do
  "$OCIGATE" inventory --format json "containers-storage:[overlay@$ST]$ref" 2>"$T/err" \
    | jq -S 'del(.source)' >"$T/got"
  same "\`$ref\` names the same image" "$T/want" "$T/got"
done

# Errors name the file and what the store holds.
"$OCIGATE" inventory "containers-storage:[overlay@$ST]localhost/nosuch:1" >/dev/null 2>"$T/err"
rc=$?
check "an image not found fails (exit $rc) naming images.json and the images there" \
  bash -c "[ $rc -ne 0 ] && grep -q 'overlay-images/images.json' '$T/err' && grep -q 'localhost/cslayered:1' '$T/err' && grep -q 'nosuch' '$T/err'"
plan_end
