#!/bin/bash
# Fuzz every target (or the ones named) for SECONDS each, one after the
# other, and report executions per second, new coverage and any crash.
# Usage: run-long.sh FUZZ_BUILD_DIR CORPUS_DIR SECONDS [TARGET...]
# The corpus grows in CORPUS_DIR/TARGET; crashes land in CORPUS_DIR/TARGET.art/.
set -uo pipefail
build=${1:?fuzz build dir}; corpus=${2:?corpus dir}; secs=${3:?seconds per target}; shift 3
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$build"/tests/fuzz/fuzz_*; do [ -f "$exe" ] && targets+=("${exe##*/fuzz_}"); done
fi
printf '%-14s %10s %8s %8s %s\n' target execs/s corpus cov result
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t" "$corpus/$t.art" "$corpus/$t.tmp"
  log=$corpus/$t.log
  TMPDIR=$corpus/$t.tmp "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$corpus/$t.art/" \
    "$corpus/$t" > "$log" 2>&1
  rc=$?
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-14s %10s %8s %8s %s\n' "$t" "${eps:-?}" "$(ls "$corpus/$t" | wc -l)" "${cov:-?}" \
    "$([ $rc -eq 0 ] && echo clean || echo "FAILED (rc $rc, see $log)")"
  rm -rf "$corpus/$t.tmp"
done
