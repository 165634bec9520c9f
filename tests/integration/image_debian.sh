#!/bin/bash
# A Debian 12 image (debootstrap minbase, `podman import`) saved by podman as
# docker-archive and oci-archive and copied by skopeo to an OCI layout: each
# inventory (packages, executables, every field) equals the inventory of the
# image's filesystem exported to a directory with `podman export`, apart from
# `source` and `layer`.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
minbase
W=$(mktemp -d /var/tmp/og-image-debian.XXXXXX)
P=(podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs --events-backend none)
trap '"${P[@]}" rm -af >/dev/null 2>&1; "${P[@]}" rmi -af >/dev/null 2>&1; rm -rf "$W"' EXIT

tar --xattrs --numeric-owner -C "$FIX/minbase" -cf "$W/rootfs.tar" .
"${P[@]}" import -q "$W/rootfs.tar" localhost/og-debian:12 > /dev/null; ok $? "podman import of the minbase tree"
rm -f "$W/rootfs.tar"
"${P[@]}" save -q --format docker-archive -o "$W/img.docker.tar" localhost/og-debian:12; ok $? "podman save --format docker-archive"
"${P[@]}" save -q --format oci-archive -o "$W/img.oci.tar" localhost/og-debian:12; ok $? "podman save --format oci-archive"
skopeo copy -q "containers-storage:[vfs@$W/storage+$W/run]localhost/og-debian:12" "oci:$W/img.oci:12"; ok $? "skopeo copy to an OCI layout"
cid=$("${P[@]}" create -q localhost/og-debian:12 /bin/true)
mkdir "$W/export"
"${P[@]}" export "$cid" | tar --xattrs --xattrs-include='*' --numeric-owner -C "$W/export" -xf -; ok $? "podman export, unpacked"

"$OCIGATE" inventory --format json "$W/export" | jq -S 'del(.source)' > "$W/dir.json"
check "the exported tree has the debootstrap packages" jq -e '.summary.packages > 50 and (.package_dbs[0].backend == "status")' "$W/dir.json"
for src in "docker-archive:$W/img.docker.tar" "oci-archive:$W/img.oci.tar" "oci:$W/img.oci:12" "$W/img.docker.tar"; do
  "$OCIGATE" inventory --format json "$src" > "$W/img.json"; rc=$?
  ok $rc "inventory of $src exits 0"
  jq -S 'del(.source) | .executables |= map(del(.layer))' "$W/img.json" > "$W/img-cmp.json"
  same "inventory of $src equals the exported directory's" "$W/dir.json" "$W/img-cmp.json"
done
check "source names the image" jq -e '.source.kind == "docker-archive" and .source.layers == 1 and (.source.config_digest | startswith("sha256:")) and (.source.tags == ["localhost/og-debian:12"])' "$W/img.json"
check "every executable names the layer that put it there" jq -e '[.executables[] | select(.layer.index != 0)] == []' "$W/img.json"
# A directory's size is the filesystem's business; a tar records none.
nodirsize='.files | map(if .type == "dir" then del(.size) else . end)'
"$OCIGATE" files --under /usr/bin --format json "docker-archive:$W/img.docker.tar" | jq -S "$nodirsize" > "$W/f-img"
"$OCIGATE" files --under /usr/bin --format json "$W/export" | jq -S "$nodirsize" > "$W/f-dir"
same "files --under /usr/bin of the image equals the export's" "$W/f-dir" "$W/f-img"
# Digest-level manifests: the image source hashes executables while the layers
# stream, so an image pins exactly what its exported tree pins.
"$OCIGATE" manifest generate --level digests --name d "docker-archive:$W/img.docker.tar" > "$W/m-img.json"; ok $? "manifest generate --level digests of the image"
"$OCIGATE" manifest generate --level digests --name d "$W/export" > "$W/m-dir.json"
same "it pins the same sha256 as the exported tree's" "$W/m-dir.json" "$W/m-img.json"
check "it pins every executable" test "$(jq '[.executables.allow[] | select(.sha256)] | length' "$W/m-img.json")" -gt 300
"$OCIGATE" check --manifest "$W/m-img.json" "oci:$W/img.oci:12" > "$W/chk" 2>&1; ok $? "check of the OCI layout against it: allowed (exit 0)"
plan_end
