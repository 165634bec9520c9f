#!/bin/bash
# docs/kubernetes.md's examples: every docs/examples/*.yaml parses (python3
# yaml) and holds exactly the objects it claims, the guide links each one, and
# the documents they carry for the node are valid for the tools that read
# them: the host config for ocigate's own loader and its schema, the manifest
# for `ocigate manifest lint`, the hooks.d file equal to what `ocigate install
# hooks-dir` writes, the install script for sh; the MachineConfig carries the
# same files as the DaemonSet's ConfigMap.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
EX=$OG_SOURCE_ROOT/docs/examples
GUIDE=$OG_SOURCE_ROOT/docs/kubernetes.md

# What each example claims to hold, as "Kind namespace/name" (namespace "-" when cluster-scoped).
declare -A WANT=(
  [ocigate-daemonset.yaml]="Namespace -/ocigate-system
ConfigMap ocigate-system/ocigate-node-config
DaemonSet ocigate-system/ocigate-node-installer"
  [ocigate-machineconfig.yaml]="MachineConfig -/99-worker-ocigate"
  [blocked-pod.yaml]="Namespace -/prod-a
Pod prod-a/shell-in-prod"
)
objects () { # objects FILE: "Kind namespace/name" of each document
  python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d is None: continue
    m = d["metadata"]
    assert d["apiVersion"], "no apiVersion"
    print(d["kind"], (m.get("namespace") or "-") + "/" + m["name"])' "$1"
}
for f in "$EX"/*.yaml; do
  b=$(basename "$f")
  if [ -z "${WANT[$b]:-}" ]; then ok 1 "$b: an example this test does not know"; continue; fi
  objects "$f" > "$W/got" 2> "$W/err"; ok $? "$b parses as YAML"
  printf '%s\n' "${WANT[$b]}" > "$W/want"
  same "$b holds the objects it claims" "$W/want" "$W/got"
  check "docs/kubernetes.md links $b" grep -q "examples/$b" "$GUIDE"
done
for b in "${!WANT[@]}"; do check "$b exists" test -f "$EX/$b"; done

# The ConfigMap's documents, written out as the install script puts them on the node.
python3 - "$EX/ocigate-daemonset.yaml" "$W" <<'EOF'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d["kind"] == "ConfigMap":
        for k, v in d["data"].items():
            open(sys.argv[2] + "/cm." + k, "w").write(v)
    if d["kind"] == "DaemonSet":
        spec = d["spec"]["template"]["spec"]
        vols = {v["name"]: v for v in spec["volumes"]}
        mounts = [m for c in spec["initContainers"] + spec["containers"] for m in c.get("volumeMounts", [])]
        assert all(m["name"] in vols for m in mounts), "a volumeMount names no volume"
        assert vols["config"]["configMap"]["name"] == "ocigate-node-config"
        assert d["spec"]["selector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
        assert {"operator": "Exists"} in spec["tolerations"]
EOF
ok $? "the DaemonSet: its selector matches its pods, every mount has a volume, the ConfigMap is the one above, it tolerates every taint"
check "the host config follows policy/ocigate.config.schema.json" \
  python3 "$OG_SOURCE_ROOT/tests/tools/validate-json.py" "$OG_SOURCE_ROOT/policy/ocigate.config.schema.json" "$W/cm.ocigate.json"
# ocigate's own loader (the one the hook uses): `ocigate audit --config` loads it
# and reads its audit file, here an empty one (exit 1: no record; 2: a bad config).
: > "$W/empty.jsonl"
jq --arg f "$W/empty.jsonl" '.audit.file = $f' "$W/cm.ocigate.json" > "$W/cfg.json"
"$OCIGATE" audit --config "$W/cfg.json" > /dev/null 2> "$W/err"; st=$?
ok $([ $st -eq 1 ]; echo $?) "the host config loads with ocigate's loader (patterns and all)"; [ $st -eq 1 ] || sed 's/^/# /' "$W/err"
for m in $(jq -r '[.rules[].manifest, .default.manifest] | map(select(. != null)) | unique[]' "$W/cm.ocigate.json"); do
  check "the host config's manifest $m is in the ConfigMap" test -f "$W/cm.$m.json"
  check "manifest $m: ocigate manifest lint" "$OCIGATE" manifest lint "$W/cm.$m.json"
done
check "the host config excludes kube-system and ocigate-system before any enforce rule" jq -e '
  (.rules | map(.mode == "enforce") | index(true)) as $e
  | (.rules | map((.match.annotations // {}) | to_entries | any(.value | test("kube-system") and test("ocigate-system"))) | index(true)) as $x
  | $x != null and $e != null and $x < $e and .rules[$x].manifest == null and .rules[$x].mode == "audit"' "$W/cm.ocigate.json"
"$OCIGATE" install hooks-dir --hook /usr/libexec/ocigate/ocigate-hook "$W/hooks.d" > /dev/null
same "the hooks.d file is what 'ocigate install hooks-dir' writes" <(jq -S . "$W/hooks.d/ocigate.json") <(jq -S . "$W/cm.hooks.json")
check "install.sh is valid sh" sh -n "$W/cm.install.sh"
check "install.sh writes the hooks.d file last" test "$(grep -n '^put ' "$W/cm.install.sh" | tail -1 | grep -c hooks.d)" = 1

# The MachineConfig carries the same files.
python3 - "$EX/ocigate-machineconfig.yaml" "$W" <<'EOF'
import sys, urllib.parse, yaml
(d,) = list(yaml.safe_load_all(open(sys.argv[1])))
for f in d["spec"]["config"]["storage"]["files"]:
    src = f["contents"]["source"]
    assert src.startswith("data:,")
    name = f["path"].replace("/", "_")
    open(sys.argv[2] + "/mc." + name, "w").write(urllib.parse.unquote(src[len("data:,"):]))
EOF
ok $? "the MachineConfig's files are data: URLs"
same "MachineConfig: /etc/ocigate/ocigate.json equals the ConfigMap's" "$W/cm.ocigate.json" "$W/mc._etc_ocigate_ocigate.json"
same "MachineConfig: the hooks.d file equals the ConfigMap's" "$W/cm.hooks.json" "$W/mc._etc_containers_oci_hooks.d_ocigate.json"
same "MachineConfig: the manifest equals the ConfigMap's" "$W/cm.deny-shells-pkgmgrs-compilers.json" \
  "$W/mc._etc_ocigate_manifests_deny-shells-pkgmgrs-compilers.json"
plan_end
