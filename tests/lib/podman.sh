# What the image tests share: a private podman store under $W (vfs, no
# events) and a tree saved as a one-layer docker-archive.  Source it after
# tap.sh; $W is the scratch folder.  Sets P, the podman command line.
P=(podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs --events-backend none)

# docker_archive LABEL ROOT [IMPORT-OPTION...]: ROOT as $W/LABEL.docker.tar,
# made by `podman import` of a tar of ROOT (xattrs and numeric owners kept)
# and `podman save`; the image stays in the store as localhost/og-LABEL:1.
docker_archive() {
  tar --xattrs --numeric-owner -C "$2" -cf "$W/$1.tar" . &&
    "${P[@]}" import -q "${@:3}" "$W/$1.tar" "localhost/og-$1:1" >/dev/null &&
    "${P[@]}" save -q --format docker-archive -o "$W/$1.docker.tar" "localhost/og-$1:1" &&
    rm -f "$W/$1.tar"
}
