#!/bin/bash
# Walking is the floor of the inventory: compare `ocigate inventory` with
# `find -xdev -type f -perm /111` on the same tree, warm, interleaved.
# Usage: bench/walk.sh [TREE] [ROUNDS]   (default: a debootstrap minbase tree)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
tree=${1:-$(minbase_tree)}
rounds=${2:-11}
bash scripts/build.sh
og=build/cli/ocigate
a=(); b=()
"$og" inventory --format json "$tree" >/dev/null; find "$tree" -xdev -type f -perm /111 >/dev/null
for i in $(seq "$rounds"); do
  a+=("$(time_once "$og" inventory --format json "$tree")")
  b+=("$(time_once find "$tree" -xdev -type f -perm /111)")
done
ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
rss=$(peak_rss_kib "$og" inventory --format json "$tree")
echo "machine: $(machine)"
echo "tree: $tree ($(entries "$tree") entries, $(executables "$tree") executables)"
echo "ocigate inventory --format json: median ${ma} ms over $rounds rounds"
echo "find -xdev -type f -perm /111:   median ${mb} ms"
echo "ratio: $(ratio "$ma" "$mb")x find (target <= 1.3x)"
echo "peak RSS: $((rss / 1024)) MiB (target <= 32 MiB)"
