#!/bin/bash
# Images as sources: the same podman-built image in every saved form walks to
# the same tree as the filesystem `podman export` gives, with the metadata
# podman reports; broken images fail with errors that name what is wrong.
set -uo pipefail
B=${OG_BUILD_ROOT:?}
S=${OG_SOURCE_ROOT:?}
FX=${OG_FIXTURES_OUT:?}/images
WD=$B/tests/walkdump
. "$S/tests/lib/fixtures.sh"
workdir

FORMS="img.docker.tar img.oci.tar img.oci-dir img.oci-gzip img.oci-zstd"
echo "1..24"
if ! command -v podman >/dev/null || ! bash "$S/tests/fixtures/make-image-fixtures.sh" "$FX" >"$W/fx.log" 2>&1; then
  sed 's/^/# /' "$W/fx.log"
  ok 1 "fixtures made by podman and skopeo"
  for i in $(seq 2 24); do skip "image source check $i" "no podman fixtures"; done
  exit 0
fi
ok 0 "fixtures made by podman and skopeo"
# The runroot make-image-fixtures.sh used (podman caps its length at 50).
RUNROOT=/tmp/og-run-$(printf '%s' "$(cd "$FX" && pwd)" | sha256sum | cut -c1-12)
PODMAN=(podman --root "$FX/storage" --runroot "$RUNROOT" --storage-driver vfs --events-backend none)

# The oracle: the exported filesystem, listed by find.
find "$FX/export" -mindepth 1 -printf '/%P\t%y\t%m\t%U\t%G\t%s\t%n\t%l\n' \
  | awk -F'\t' 'BEGIN{OFS="\t"} {if($2!="f"&&$2!="l")$6="-"; if($2!="f")$7="-"; if($8=="")$8="-"; print}' \
  | LC_ALL=C sort >"$W/find.txt"
for f in $FORMS; do
  if "$WD" --sha256 "$FX/$f" >"$W/$f.walk" 2>"$W/$f.err"; then
    cut -f1-8 "$W/$f.walk" | LC_ALL=C sort >"$W/$f.cmp"
    if diff "$W/find.txt" "$W/$f.cmp" >"$W/$f.diff"; then ok 0 "$f walks like the exported filesystem"
    else sed 's/^/# /' "$W/$f.diff" | head -20; ok 1 "$f walks like the exported filesystem"; fi
  else
    sed 's/^/# /' "$W/$f.err"; ok 1 "$f walks like the exported filesystem"
  fi
done

# Capabilities, heads of executables and their digests against the files.
python3 - "$FX/export" "$W/img.docker.tar.walk" >"$W/py.txt" 2>&1 <<'PY'
import hashlib, os, sys
root, walk = sys.argv[1], sys.argv[2]
bad = 0; caps = 0; heads = 0
for line in open(walk):
    p, t, perm, uid, gid, size, nl, link, cap, head, sha, layer = line.rstrip("\n").split("\t")
    fp = root + p
    if t == "f":
        try: x = os.getxattr(fp, "security.capability", follow_symlinks=False).hex()
        except OSError: x = "-"
        if x != cap: print("# cap", p, x, cap); bad += 1
        caps += x != "-"
        if int(perm, 8) & 0o6111:
            data = open(fp, "rb").read()
            if hashlib.sha256(data[:4096]).hexdigest() != head: print("# head", p); bad += 1
            if hashlib.sha256(data).hexdigest() != sha: print("# sha", p); bad += 1
            heads += 1
        elif head != "-": print("# head on non-exec", p); bad += 1
print("caps", caps, "heads", heads, "bad", bad)
PY
grep '^#' "$W/py.txt"
check "capabilities, heads and sha256 of executables match the exported files" \
  grep -qE '^caps 1 heads [1-9][0-9]* bad 0$' "$W/py.txt"
check "setuid and setgid bits survive the layers" \
  bash -c "grep -qP '^/usr/bin/su-tool\tf\t4755\t' '$W/img.oci.tar.walk' && grep -qP '^/usr/sbin/sg-tool\tf\t2755\t0\t42\t' '$W/img.oci.tar.walk'"

# Whiteouts and replaced files: facts from the Containerfile.
check "whiteouts delete files and directories of lower layers" \
  bash -c "! grep -qE '^/(opt/gone|etc/hostfile|data/old)' '$W/img.oci-gzip.walk'"
check "a later layer replaces a file and records its layer" \
  bash -c "grep -qP '^/opt/keep\tf\t644\t0\t0\t9\t1\t.*\t2$' '$W/img.oci-zstd.walk'"

# Metadata against podman's own answers.
id=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/ogtest:1)
"${PODMAN[@]}" image inspect --format '{{range .RootFS.Layers}}layer	{{.}}{{"\n"}}{{end}}' localhost/ogtest:1 | grep . >"$W/layers.txt"
"$WD" --info "$FX/img.docker.tar" >"$W/info.docker" 2>&1
check "docker-archive: kind, tag, config digest and diff_ids as podman reports" \
  bash -c "grep -qx 'kind	docker-archive' '$W/info.docker' && grep -qx 'tag	localhost/ogtest:1' '$W/info.docker' \
           && grep -qx 'config	sha256:$id' '$W/info.docker' && diff <(grep ^layer '$W/info.docker') '$W/layers.txt'"
"$WD" --info "oci:$FX/img.oci-gzip:v1" >"$W/info.gz" 2>&1
mdig=$(jq -r '.manifests[0].digest' "$FX/img.oci-gzip/index.json")
ldig=$(jq -r '.layers[].digest' "$FX/img.oci-gzip/blobs/sha256/${mdig#sha256:}" | sed 's/^/layer\t/')
check "oci layout: tag, manifest digest and layer digests from index.json" \
  bash -c "grep -qx 'kind	oci' '$W/info.gz' && grep -qx 'tag	v1' '$W/info.gz' && grep -qx 'manifest	$mdig' '$W/info.gz' \
           && diff <(grep ^layer '$W/info.gz') <(printf '%s\n' \"$ldig\")"
"$WD" --info "oci-archive:$FX/img.oci.tar" >"$W/info.ocia" 2>&1
check "oci-archive: kind oci-archive and the same config as the docker-archive" \
  bash -c "grep -qx 'kind	oci-archive' '$W/info.ocia' && grep -q '^config	sha256:' '$W/info.ocia'"

# read_file follows /etc/os-release -> ../usr/lib/os-release inside the image.
"$WD" --read /etc/os-release "$FX/img.docker.tar" >"$W/osr" 2>&1
check "read_file follows a relative symlink to os-release" cmp -s "$W/osr" "$FX/export/usr/lib/os-release"
"$WD" --read /usr/bin/../../../../etc/os-release "$FX/img.oci-dir" >"$W/osr2" 2>&1
check "read_file: .. at the root stays at the image root" cmp -s "$W/osr2" "$FX/export/usr/lib/os-release"

# A two-platform index.
arm=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/ogbase:arm64)
amd=$("${PODMAN[@]}" image inspect --format '{{.Id}}' localhost/ogbase:1)
"$WD" --info --platform linux/arm64 "$FX/multi.oci" >"$W/arm" 2>&1
check "--platform linux/arm64 picks the arm64 image" grep -qx "config	sha256:$arm" "$W/arm"
"$WD" --info "$FX/multi.oci" >"$W/host" 2>&1
if [ "$(uname -m)" = x86_64 ]; then
  check "no --platform picks the host's (amd64) image" grep -qx "config	sha256:$amd" "$W/host"
else
  skip "no --platform picks the host's (amd64) image" "host is not x86_64"
fi
"$WD" --info --platform linux/s390x "$FX/multi.oci" >"$W/s390" 2>&1
check "an absent platform is an error that lists the platforms" \
  bash -c "grep -q 'no image for platform linux/s390x' '$W/s390' && grep -q 'linux/arm64/v8' '$W/s390' && grep -q 'linux/amd64' '$W/s390'"

# Broken images.
cp -r "$FX/img.oci-dir" "$W/bad"
big=$(ls -S "$W/bad/blobs/sha256" | head -1)
chmod u+w "$W/bad/blobs/sha256/$big"
printf 'X' | dd of="$W/bad/blobs/sha256/$big" bs=1 seek=100000 conv=notrunc status=none
"$WD" "$W/bad" >/dev/null 2>"$W/bad.err"
check "a corrupted layer blob: digest mismatch naming the layer" \
  grep -q "layer 0 (sha256:$big): digest mismatch" "$W/bad.err"
rm -rf "$W/bad"; cp -r "$FX/img.oci-gzip" "$W/miss"
l1=$(jq -r '.layers[1].digest' "$W/miss/blobs/sha256/${mdig#sha256:}")
rm -f "$W/miss/blobs/sha256/${l1#sha256:}"
"$WD" "$W/miss" >/dev/null 2>"$W/miss.err"
check "a missing blob: an error naming it" grep -q "layer 1 ($l1): blob .* is missing" "$W/miss.err"
head -c 3000000 "$FX/img.docker.tar" >"$W/trunc.tar"
"$WD" "docker-archive:$W/trunc.tar" >/dev/null 2>"$W/trunc.err"; rc=$?
check "a truncated docker-archive fails with an error" bash -c "[ $rc = 1 ] && [ -s '$W/trunc.err' ]"
sed 's/^/# /' "$W/trunc.err"
"$WD" "$FX/export" >/dev/null 2>&1; rc=$?
check "a plain directory is handed back (1) to be opened as a directory" test $rc = 3
rm -rf "$W/ml"; mkdir "$W/ml"
jq '. + [.[0] | .RepoTags = ["localhost/other:2"]]' <(tar -xOf "$FX/img.docker.tar" manifest.json) >"$W/ml/manifest.json"
tar -C "$W/ml" -cf "$W/ml.tar" manifest.json; tar -Af "$W/ml.tar" "$FX/img.docker.tar"
"$WD" "$W/ml.tar" >/dev/null 2>"$W/ml.err"
check "several images in an archive: an error listing them" \
  bash -c "grep -q 'holds 2 images' '$W/ml.err' && grep -q 'localhost/other:2' '$W/ml.err'"
"$WD" --image localhost/other:2 --info "$W/ml.tar" >"$W/ml.info" 2>&1
check "--image NAME picks one of them" grep -qx "tag	localhost/other:2" "$W/ml.info"
