#!/bin/bash
# `ocigate diff --what files` against the two inventories it needs (two
# `ocigate files --format json` runs), and the SBOM writers against
# `inventory --format json`, on the same trees, warm, interleaved.
# Usage: bench/diff.sh [TREE_A TREE_B] [ROUNDS]
#   (default: the debootstrap minbase tree and a copy changed by dpkg,
#   tests/fixtures/make-minbase-variants.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
a=${1:-}; b=${2:-}; rounds=${3:-11}
if [ -z "$a" ]; then
  a=$(minbase_tree); b=bench/out/variants/changed
  [ -d "$b" ] || bash tests/fixtures/make-minbase-variants.sh "$a" bench/out/variants >/dev/null
fi
bash scripts/build.sh
og=build/cli/ocigate
export SOURCE_DATE_EPOCH=0
# What a reviewer runs without `diff`: both trees' file lists, to compare
# with jq or diff(1) afterwards (the comparison itself not counted).
two_inventories () { "$og" files --format json "$a" >/dev/null; "$og" files --format json "$b" >/dev/null; }
d=(); t=(); j=(); c=(); s=()
"$og" diff --what files "$a" "$b" >/dev/null || true; two_inventories
for i in $(seq "$rounds"); do
  d+=("$(time_once "$og" diff --what files "$a" "$b")")
  t+=("$(time_once two_inventories)")
  j+=("$(time_once "$og" inventory --format json "$a")")
  c+=("$(time_once "$og" inventory --format cyclonedx "$a")")
  s+=("$(time_once "$og" inventory --format spdx "$a")")
done
md=$(median "${d[@]}"); mt=$(median "${t[@]}")
mj=$(median "${j[@]}"); mc=$(median "${c[@]}"); ms=$(median "${s[@]}")
echo "machine: $(machine)"
echo "trees: $a ($(entries "$a") entries), $b ($(entries "$b") entries)"
echo "ocigate diff --what files A B:       median ${md} ms over $rounds rounds"
echo "ocigate files --format json A; ... B: median ${mt} ms"
echo "diff ratio: $(ratio "$md" "$mt")x the two inventories (target <= 1.2x)"
echo "inventory --format json A: ${mj} ms; cyclonedx: ${mc} ms; spdx: ${ms} ms"
awk -v j="$mj" -v c="$mc" -v s="$ms" 'BEGIN { printf "SBOM overhead: cyclonedx %+.0f%%, spdx %+.0f%% (target <= +10%%)\n", (j > 0 ? 100 * (c - j) / j : 0), (j > 0 ? 100 * (s - j) / j : 0) }'
