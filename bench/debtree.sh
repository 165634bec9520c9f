#!/bin/bash
# A Debian 12 tree of about 380 packages for bench/run: debootstrap minbase
# plus a developer's usual set (compilers, git, python3-pip, gnupg, ...),
# from the mirror apt uses here.  Usage: bench/debtree.sh OUTDIR
# Leaves OUTDIR/debian380 (reused when OUTDIR/debian380.done exists).
set -euo pipefail
out=${1:?usage: bench/debtree.sh OUTDIR}
mkdir -p "$out"
[ -e "$out/debian380.done" ] && exit 0
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
pkgs=build-essential,git,python3-pip,python3-venv,curl,wget,openssh-client,vim,iproute2,procps,gnupg
pkgs=$pkgs,libssl-dev,less,sudo,xz-utils,unzip,file,man-db,rsync,ca-certificates,cmake,pkg-config
pkgs=$pkgs,libsqlite3-dev,zlib1g-dev,libffi-dev,strace,ltrace,jq,net-tools,dnsutils,postgresql-client
pkgs=$pkgs,imagemagick,ruby,python3-dev,default-jre-headless,nodejs,php-cli,lua5.4
rm -rf "$out/debian380"
debootstrap --variant=minbase --include="$pkgs" bookworm "$out/debian380" "$mirror" \
  >"$out/debian380.log" 2>&1 || { tail -20 "$out/debian380.log" >&2; exit 1; }
rm -rf "$out/debian380/var/cache/apt/archives/"*.deb
touch "$out/debian380.done"
