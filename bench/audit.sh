#!/bin/bash
# ocigate audit reads JSON lines at >= 100 MB/s: time `ocigate audit
# --summary` and a filtered query over a generated log (tests/tools/
# gen-audit-log.py), warm, beside `jq` doing the same count and `cat` (the
# floor: reading the bytes).
# Usage: bench/audit.sh [RECORDS] [ROUNDS]   (default: 200000 records, 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
records=${1:-200000}
rounds=${2:-5}
bash scripts/build.sh
og=build/cli/ocigate
mkdir -p bench/out
log=bench/out/audit-$records.jsonl
[ -s "$log" ] || python3 tests/tools/gen-audit-log.py "$records" "$log"
bytes=$(stat -c %s "$log")
"$og" audit --summary "$log" >/dev/null; cat "$log" >/dev/null
a=(); b=(); c=()
for i in $(seq "$rounds"); do
  a+=("$(time_once "$og" audit --summary --format json "$log")")
  b+=("$(time_once "$og" audit --format json --decision deny --image 'quay.io/*' "$log")")
  c+=("$(time_once cat "$log")")
done
j=$(time_once jq -n 'reduce inputs as $r ({}; .[$r.decision] += 1)' "$log")
ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
mc=$(median "${c[@]}")
# CPU time too: on a shared machine the wall clock waits for the other jobs.
cpu=$(/usr/bin/time -f '%U %S' "$og" audit --summary --format json "$log" 2>&1 >/dev/null | tail -1 \
  | awk '{ printf "%d", ($1 + $2) * 1000 }')
rss=$(peak_rss_kib "$og" audit --summary --format json "$log")
mbps () { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.0f MB/s", (ms > 0 ? b / 1e6 / (ms / 1000) : 0) }'; }
echo "machine: $(machine), load average $(cut -d" " -f1 /proc/loadavg)"
echo "log: $log ($((bytes / 1000000)) MB, $records records)"
echo "ocigate audit --summary --format json:         median ${ma} ms, $(mbps "$ma") (target >= 100 MB/s)"
echo "ocigate audit --summary, CPU time (user+sys):  ${cpu} ms, $(mbps "$cpu")"
echo "ocigate audit --decision deny --image 'quay.io/*': median ${mb} ms, $(mbps "$mb")"
echo "cat (reading the bytes):                       median ${mc} ms, $(mbps "$mc")"
echo "jq, counting decisions (once):                  ${j} ms, $(mbps "$j")"
echo "peak RSS of --summary: $((rss / 1024)) MiB"
