#!/bin/bash
# The main job on an embedded default: build ocigate, make a busybox root
# filesystem in an OCI bundle, and launch it twice through runc with
# ocigate-hook as the prestart hook: once under a manifest that forbids shells
# (denied: the command never runs) and once under a manifest generated from
# the same root filesystem (allowed).  Then show the audit records.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh demo
bash scripts/build.sh
top=$PWD
D=$top/build/demo
rm -rf "$D"; mkdir -p "$D/bundle/rootfs/bin" "$D/bundle/rootfs/etc" "$D/bundle/rootfs/tmp" "$D/manifests"
R=$D/bundle/rootfs
cp /bin/busybox "$R/bin/busybox"
for a in sh echo cat ls; do ln -s busybox "$R/bin/$a"; done
printf 'ID=ocigate-demo\nVERSION_ID=1\nPRETTY_NAME="ocigate demo (busybox)"\n' > "$R/etc/os-release"

echo "== the root filesystem: ocigate inventory $R"
build/cli/ocigate inventory "$R"

cp policy/examples/deny-shells-pkgmgrs-compilers.json "$D/manifests/no-shells.json"
build/cli/ocigate manifest generate --name demo-golden "$R" > "$D/manifests/golden.json"
config () { # config MANIFEST
  cat > "$D/ocigate.json" <<J
{ "schema": "ocigate.config/v1", "mode": "enforce", "on_error": "deny", "deadline_ms": 5000,
  "audit": { "file": "$D/audit.jsonl", "syslog": false },
  "manifests_dir": "$D/manifests", "rules": [],
  "default": { "manifest": "$1", "mode": "enforce" } }
J
}
(cd "$D/bundle" && runc spec)
python3 - "$D/bundle/config.json" "$top/build/hook/ocigate-hook" "$D/ocigate.json" <<'PY'
import json, sys
path, hook, cfg = sys.argv[1:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", "echo hello from a container that ocigate let start"]
c["hooks"] = {"prestart": [{"path": hook, "args": ["ocigate-hook", "--config", cfg, "--stage", "prestart"]}]}
json.dump(c, open(path, "w"), indent=2)
PY

echo
echo "== launch 1: runc run with the hook, manifest 'no-shells' (forbids shells and busybox)"
config no-shells
if (cd "$D/bundle" && runc run ocigate-demo-1); then
  echo "unexpected: the launch was allowed" >&2; exit 1
else
  echo "-> runc refused to start the container (exit $?), as the manifest demands"
fi
runc delete -f ocigate-demo-1 >/dev/null 2>&1 || true

echo
echo "== launch 2: runc run with the hook, manifest 'golden' (generated from this root filesystem)"
config golden
(cd "$D/bundle" && runc run ocigate-demo-2)
echo "-> the container ran"

echo
echo "== the audit trail: $D/audit.jsonl"
python3 - "$D/audit.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print("%s  container=%s  decision=%s  manifest=%s  findings=%d  %d ms" % (
        r["time"], r["container"]["id"], r["decision"], r["manifest"]["name"],
        r["findings_total"], r["duration_ms"]))
    for f in r["findings"][:3]:
        print("    %s: %s: %s" % (f["rule"], f["subject"], f["reason"]))
PY
