#!/bin/bash
# The main job on an embedded default: build ocigate, make a small demo root
# filesystem (busybox, a setuid binary, a file capability, a script), and
# inventory it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh demo
bash scripts/build.sh
R=build/demo-root
rm -rf "$R"
mkdir -p "$R/bin" "$R/usr/bin" "$R/usr/sbin" "$R/etc"
printf 'ID=ocigate-demo\nVERSION_ID=1\nPRETTY_NAME="ocigate demo root"\n' > "$R/etc/os-release"
cp /bin/busybox "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
cp /bin/busybox "$R/usr/bin/su-demo"; chmod 4755 "$R/usr/bin/su-demo"
cp /bin/busybox "$R/usr/sbin/ping-demo"; setcap cap_net_raw=ep "$R/usr/sbin/ping-demo"
printf '#!/bin/sh\necho "hello from the demo"\n' > "$R/usr/bin/hello"; chmod 755 "$R/usr/bin/hello"
echo "+ ocigate inventory $R"
build/cli/ocigate inventory "$R"
