#!/bin/bash
# Run every fuzz target for a short fixed number of runs over its seed
# corpus (and the regression inputs), as TAP: each change is fuzzed a little.
# Usage: run.sh FUZZ_BUILD_DIR [FIXTURES_DIR [RUNS]]  (FIXTURES_DIR defaults to
# $OG_FUZZ_FIXTURES; without fixtures the seeds are the repository's documents)
# The corpus is made afresh by seeds.sh from FIXTURES_DIR (what the fixture
# scripts made in the main build) and tests/fuzz/regressions/.
# A crash, a leak, a timeout (10 s per input) or more than 2 GiB of memory
# fails the target; libFuzzer leaves the input as crash-*/leak-*/timeout-*
# in the target's artefact directory, to be added to tests/fuzz/regressions/.
set -uo pipefail
build=${1:?fuzz build dir}; fixtures=${2:-${OG_FUZZ_FIXTURES:-/nonexistent}}; runs=${3:-20000}
OG_BUILD_ROOT=${OG_BUILD_ROOT:-$build} . "$(dirname "$0")/../lib/tap.sh"
work=$(mktemp -d /var/tmp/og-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus
bash "$(dirname "$0")/seeds.sh" "$fixtures" "$corpus" | sed 's/^/# /'
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] && [ -f "$exe" ] || continue
  t=${exe##*/fuzz_}
  mkdir -p "$work/$t/tmp" "$work/$t/art" "$corpus/$t"
  # Image targets read and write a scratch layout per input: fewer runs.
  n=$runs; case $t in layer_tar | image_index) n=$((runs / 20)) ;; esac
  TMPDIR=$work/$t/tmp "$exe" -runs="$n" -seed=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/$t/art/" "$corpus/$t" > "$work/$t/log" 2>&1
  rc=$?
  ok $rc "fuzz $t: $n runs over $(ls "$corpus/$t" | wc -l) seeds, no crash, leak or timeout"
  if [ $rc -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$work/$t/log" | head -20 | sed 's/^/# /'
    for a in "$work/$t/art"/*; do [ -f "$a" ] && echo "# input: $(base64 -w0 < "$a" | head -c 2000)"; done
  fi
done
plan_end
