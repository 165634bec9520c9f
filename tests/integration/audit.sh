#!/bin/bash
# ocigate audit: queries of a generated audit log (tests/tools/gen-audit-log.py:
# 100,000 records of both record shapes, plus broken lines) checked against jq
# over the same records: the --summary counts, every filter, rotated and
# compressed files, the broken lines' numbers, exit codes, and the peak memory
# of a summary over a log of 100+ MB.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
GEN=$OG_SOURCE_ROOT/tests/tools/gen-audit-log.py
# (in a sanitizer build, freed memory would sit in ASan's quarantine and count as resident)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1

# The fields as ocigate audit documents them (man/ocigate.1), in jq.
JQDEFS='
def ann($k): (.container.annotations // {})[$k];
def img: (if (.image|type) == "object" then .image.name elif (.image|type) == "string" then .image else null end)
         // ann("io.kubernetes.cri-o.ImageName") // ann("io.kubernetes.cri.image-name")
         // ann("org.opencontainers.image.ref.name");
def ns: .pod.namespace // ann("io.kubernetes.pod.namespace") // ann("io.kubernetes.cri.sandbox-namespace");
def first: if (.findings|length) > 0 then "\(.findings[0].rule) \(.findings[0].subject)" else null end;
def rows: to_entries | map({key: (.key|fromjson), count: .value}) | sort_by(.key);
'

python3 "$GEN" 100000 "$W/clean.jsonl" "$W/dirty.jsonl" "$W/broken.txt"
size=$(stat -c %s "$W/dirty.jsonl")
ok $([ "$size" -gt $((30 << 20)) ] && [ "$(wc -l < "$W/broken.txt")" -ge 5 ]; echo $?) \
  "generated log: $((size >> 20)) MiB, $(wc -l < "$W/clean.jsonl") records, $(wc -l < "$W/broken.txt") broken lines"

/usr/bin/time -f %M -o "$W/rss" "$OCIGATE" audit --summary --format json "$W/dirty.jsonl" \
  > "$W/sum.json" 2> "$W/sum.err"
ok $? "--summary over the log with broken lines exits 0"
jq -r '.records' "$W/sum.json" > "$W/n.ours"; wc -l < "$W/clean.jsonl" > "$W/n.jq"
same "--summary: records equal the valid lines" "$W/n.jq" "$W/n.ours"
# One pass of jq over the records for the four counts.
jq -n "$JQDEFS"'reduce inputs as $r ({}; .decision[$r.decision|tojson] += 1 | .image[$r|img|tojson] += 1
  | .manifest[$r.manifest.name|tojson] += 1 | .first_finding[$r|first|tojson] += 1) | map_values(rows)' \
  "$W/clean.jsonl" > "$W/counts.jq"
for name in decision image manifest first_finding; do
  jq ".$name" "$W/counts.jq" > "$W/$name.jq"
  jq ".by_$name | sort_by(.key)" "$W/sum.json" > "$W/$name.ours"
  same "--summary by $name equals jq over the same records" "$W/$name.jq" "$W/$name.ours"
done
ok $([ "$(jq '.by_image | length' "$W/sum.json")" -gt 30 ] \
  && jq -e '.by_image | map(select(.key == null)) | length == 1' "$W/sum.json" >/dev/null; echo $?) \
  "--summary counts records of both shapes and those without an image"
grep -o 'dirty.jsonl:[0-9]*: broken line' "$W/sum.err" | sed 's/.*:\([0-9]*\): .*/\1/' > "$W/broken.ours"
same "broken lines reported on stderr with their line numbers" "$W/broken.txt" "$W/broken.ours"
ok $(grep -q 'longer than 4 MiB' "$W/sum.err" && grep -q 'UTF8' "$W/sum.err"; echo $?) \
  "the too-long line and the invalid UTF-8 are named as such"
jq -r .broken_lines "$W/sum.json" > "$W/b.ours"; wc -l < "$W/broken.txt" > "$W/b.gen"
same "--summary counts the broken lines" "$W/b.gen" "$W/b.ours"
rss=$(cat "$W/rss")
ok $([ "$rss" -lt 32768 ]; echo $?) "peak RSS of --summary over $((size >> 20)) MiB: $rss KiB (< 32 MiB)"

# Filters, on a log of 10,000 records: ocigate's JSON lines equal jq's select.
python3 "$GEN" 10000 "$W/small.jsonl"
filt () { # filt DESCRIPTION JQ-CONDITION OCIGATE-OPTIONS...
  local d=$1 cond=$2; shift 2
  jq -c "$JQDEFS select($cond)" "$W/small.jsonl" > "$W/f.jq"
  "$OCIGATE" audit --format json "$@" "$W/small.jsonl" | jq -c . > "$W/f.ours"
  ok $([ -s "$W/f.jq" ] && [ "$(wc -l < "$W/f.jq")" -lt 10000 ]; echo $?) "$d: jq selects some, not all ($(wc -l < "$W/f.jq"))"
  same "$d: equals jq" "$W/f.jq" "$W/f.ours"
}
cid=$(jq -r 'select(.decision == "deny") | .container.id[0:2]' "$W/small.jsonl" | head -1)
filt "--decision deny" '.decision == "deny"' --decision deny
filt "--decision error-allow,error-deny" '.decision | startswith("error-")' --decision error-allow,error-deny
filt "--image 'registry.local/team1*'" 'img // "" | startswith("registry.local/team1")' --image 'registry.local/team1*'
filt "--namespace prod-a" 'ns == "prod-a"' --namespace prod-a
filt "--container $cid" '.container.id | startswith("'"$cid"'")' --container "$cid"
filt "--since 2025-11-15T00:00:00Z" '.time >= "2025-11-15T00:00:00.000Z"' --since 2025-11-15T00:00:00Z
filt "--until 2025-11-20 (midnight UTC)" '.time < "2025-11-20T00:00:00.000Z"' --until 2025-11-20
filt "--since with an offset: 2025-11-15T02:00:00+02:00" '.time >= "2025-11-15T00:00:00.000Z"' --since 2025-11-15T02:00:00+02:00
filt "--since -1d (relative)" '.time >= (now - 86400 | strftime("%Y-%m-%dT%H:%M:%S.000Z"))' --since -1d
filt "--decision deny --image 'quay.io/*' --since 2025-11-10" \
  '.decision == "deny" and (img // "" | startswith("quay.io/")) and .time >= "2025-11-10"' \
  --decision deny --image 'quay.io/*' --since 2025-11-10

# The table: a header, then one row per record, with its time and image.
"$OCIGATE" audit --decision deny --namespace staging "$W/small.jsonl" > "$W/table"
n=$(jq -c "$JQDEFS select(.decision == \"deny\" and ns == \"staging\")" "$W/small.jsonl" | wc -l)
t1=$(jq -r "$JQDEFS select(.decision == \"deny\" and ns == \"staging\") | \"\(.time) deny \(.container.id[0:12]) \(img)\"" \
  "$W/small.jsonl" | head -1)
ok $(head -1 "$W/table" | grep -q '^TIME .*DECISION .*CONTAINER .*IMAGE .*MANIFEST .*FINDINGS .*FIRST FINDING' \
  && [ "$(wc -l < "$W/table")" -eq $((n + 1)) ] \
  && [ "$(sed -n 2p "$W/table" | awk '{print $1, $2, $3, $4}')" = "$t1" ]; echo $?) \
  "table: header and $n rows; the first row names the record's time, decision, container and image"

# Rotated files: FILE.10.gz, FILE.2.gz, FILE.1, FILE, read oldest first.
mkdir "$W/log"
split -n l/4 -d "$W/small.jsonl" "$W/log/part."
gzip -c "$W/log/part.00" > "$W/log/audit.jsonl.10.gz"
gzip -c "$W/log/part.01" > "$W/log/audit.jsonl.2.gz"
mv "$W/log/part.02" "$W/log/audit.jsonl.1"; mv "$W/log/part.03" "$W/log/audit.jsonl"
echo '{"decoy": true}' > "$W/log/audit.jsonl.old"; rm -f "$W/log/part."*
"$OCIGATE" audit --rotated --format json "$W/log/audit.jsonl" > "$W/rot.ours" 2> "$W/rot.err"
same "--rotated reads FILE.10.gz, FILE.2.gz, FILE.1 and FILE, oldest first" "$W/small.jsonl" "$W/rot.ours"
ok $([ ! -s "$W/rot.err" ]; echo $?) "--rotated leaves other names alone"
"$OCIGATE" audit --format json "$W/log/audit.jsonl.2.gz" | cmp -s - <(gzip -dc "$W/log/audit.jsonl.2.gz")
ok $? "a .gz file named alone is decompressed"

# The default FILE: the host config's audit file.
jq -n --arg f "$W/small.jsonl" '{schema: "ocigate.config/v1", mode: "audit", audit: {file: $f}}' > "$W/cfg.json"
"$OCIGATE" audit --config "$W/cfg.json" --summary --format json > "$W/cfg.sum"
"$OCIGATE" audit --summary --format json "$W/small.jsonl" > "$W/file.sum"
same "without FILE: the host config's audit file" "$W/file.sum" "$W/cfg.sum"

# Exit codes.
"$OCIGATE" audit --image 'no-such-image*' "$W/small.jsonl" > /dev/null; ok $([ $? -eq 1 ]; echo $?) "no match: exit 1"
"$OCIGATE" audit "$W/missing.jsonl" > /dev/null 2> "$W/err"; st=$?
ok $([ $st -eq 2 ] && grep -q "missing.jsonl" "$W/err"; echo $?) "an unreadable file: exit 2, named"
"$OCIGATE" audit --since yesterday "$W/small.jsonl" > /dev/null 2> "$W/err"; st=$?
ok $([ $st -eq 2 ] && grep -q "RFC 3339" "$W/err"; echo $?) "a bad TIME: exit 2, says what is accepted"
"$OCIGATE" audit --help | grep -q -- '--summary' ; ok $? "--help lists --summary"
plan_end
