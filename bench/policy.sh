#!/bin/bash
# Policy evaluation vs inventory: a manifest with 400 package rules and 2,000
# executable rules evaluated against an inventory of 400 packages and 2,000
# executables, next to the wall time of `og_inventory_build` on a real tree
# (a debootstrap minbase by default: smaller than the synthetic inventory, so
# the ratio is conservative).  Target: evaluation <= 0.1x the inventory.
# Usage: bench/policy.sh [TREE]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
tree=${1:-$(minbase_tree)}
bash scripts/build.sh
# The driver is built by meson (bench/meson.build) with the tests, or with -Dbench=true.
if [ ! -x build/bench/policy_bench ]; then
  meson configure build -Dbench=true >/dev/null
  ninja -C build >/dev/null
fi
echo "machine: $(machine)"
build/bench/policy_bench "$tree"
