#!/usr/bin/env python3
"""Generate an ocigate.audit/v1 log (policy/ocigate.audit.schema.json) for the
tests and the benchmark of `ocigate audit`.

  gen-audit-log.py N CLEAN [DIRTY BROKEN]

writes N records to CLEAN, one JSON text a line, with varied decisions,
images, manifests, findings, namespaces and times; both shapes of the record
are mixed: today's (the image name only in the runtime's annotations) and
the one with image{name,id,digest,source} and pod{namespace,name,uid}
objects.  With DIRTY, the same records with broken lines put between them
(not JSON, invalid UTF-8, a line over 4 MiB, no "time"), and BROKEN, the
line numbers of the broken lines in DIRTY, one a line.  Deterministic (seeded).
"""
import json
import random
import sys
import time

LINE_MAX = 4 << 20

rng = random.Random(15)
IMAGES = ["docker.io/library/debian:12", "docker.io/library/alpine:3.19", "quay.io/acme/web:1.4",
          "quay.io/acme/api:2.0", "registry.local/batch/job:7", "ghcr.io/x/tool:latest",
          "localhost/ux-debmin:1"] + ["registry.local/team%d/app:%d" % (i, i) for i in range(30)]
MANIFESTS = ["web-minimal", "api", "batch", "debian-base", None]
NAMESPACES = ["prod-a", "prod-b", "staging", "kube-system", "default"]
RULES = [("executables.deny", "/bin/sh"), ("executables.deny", "/usr/bin/busybox"),
         ("packages.deny", "python3"), ("executables.unowned", "/usr/local/bin/tool"),
         ("executables.setuid", "/usr/bin/passwd"), ("packages.unlisted", "curl"),
         ("inspection", "/proc"), ("executables.deny", "/opt/caf\u00e9/run")]
DECISIONS = ["allow"] * 5 + ["deny"] * 3 + ["error-allow", "error-deny"]
# Times: a spread over the 30 days before a fixed point well in the past,
# and a part within the last 12 hours (for the relative --since).
BASE = 1764547200.0  # 2025-12-01T00:00:00Z
NOW = time.time()


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def record(i):
    img = rng.choice(IMAGES)
    ns = rng.choice(NAMESPACES)
    dec = rng.choice(DECISIONS)
    man = rng.choice(MANIFESTS)
    cid = "%064x" % rng.getrandbits(256)
    if i % 10 == 0:
        t = NOW - rng.uniform(60, 12 * 3600)
    else:
        t = BASE - rng.uniform(0, 30 * 86400)
    n_find = 0 if dec == "allow" else rng.randint(1, 6)
    finds = []
    for _ in range(n_find):
        rule, subj = rng.choice(RULES)
        finds.append({"rule": rule, "subject": subj, "reason": "denied by %s" % rule})
    shape = i % 3  # 0: today's, 1: image and pod objects, 2: image object only, no name annotation
    ann = {"org.opencontainers.image.base.name": "docker.io/library/debian:12"}
    if shape == 0:
        if i % 2:
            ann["io.kubernetes.cri-o.ImageName"] = img
        else:
            ann["io.kubernetes.cri.image-name"] = img
        ann["io.kubernetes.pod.namespace"] = ns
    r = {"schema": "ocigate.audit/v1", "time": stamp(t), "host": "node-%d" % (i % 7),
         "stage": "prestart",
         "container": {"id": cid, "bundle": "/run/containers/%s/userdata" % cid[:12],
                       "root": "/var/lib/containers/storage/overlay/%s/merged" % cid[:16],
                       "pid": 1000 + i, "annotations": ann, "args": ["/app", "--port", "8080"]}}
    if shape >= 1:
        r["image"] = {"name": img, "id": "%064x" % rng.getrandbits(256),
                      "digest": "sha256:%064x" % rng.getrandbits(256), "source": "cri-o"}
    if shape == 1:
        r["pod"] = {"namespace": ns, "name": "pod-%d" % i, "uid": "%032x" % rng.getrandbits(128)}
    if i % 97 == 0:  # now and then neither an image nor a namespace
        r.pop("image", None)
        r.pop("pod", None)
        r["container"]["annotations"] = {}
    r.update({"manifest": None if man is None else {"name": man, "path": "/etc/ocigate/manifests/%s.json" % man,
                                                    "sha256": "%064x" % rng.getrandbits(256)},
              "mode": "enforce" if dec in ("deny", "error-deny") else "audit", "decision": dec,
              "findings": finds, "findings_total": n_find, "waived": 0,
              "inventory": {"packages": rng.randint(5, 400), "executables": rng.randint(10, 900),
                            "setuid": 0, "setgid": 0, "capabilities": 0, "unowned": rng.randint(0, 3)},
              "inventory_sha256": "%064x" % rng.getrandbits(256), "duration_ms": rng.randint(3, 900),
              "version": "0.1.0"})
    return json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode()


BROKEN = [b'{"schema":"ocigate.audit/v1","time":"2025-11-20T10:00:00.000Z","decision":"deny"',
          b'{"schema":"ocigate.audit/v1","time":"2025-11-20T10:00:00.000Z","decision":"\xff\xfe"}',
          b'{"schema":"ocigate.audit/v1","time":"2025-11-20T10:00:00.000Z","decision":"deny","x":"'
          + b"a" * (LINE_MAX + 10) + b'"}',
          b'{"schema":"ocigate.audit/v1","decision":"deny"}',
          b"this is not json",
          b'{"time":"2025-11-20T10:00:00.000Z","decision":"allow"}{"trailing":1}']


def main():
    n = int(sys.argv[1])
    clean = open(sys.argv[2], "wb")
    dirty = open(sys.argv[3], "wb") if len(sys.argv) > 3 else None
    broken = open(sys.argv[4], "w") if len(sys.argv) > 4 else None
    every = max(1, n // (len(BROKEN) + 1))
    line = 0
    k = 0
    for i in range(n):
        rec = record(i)
        clean.write(rec + b"\n")
        if dirty:
            if i % every == every // 2 and k < len(BROKEN):
                line += 1
                dirty.write(BROKEN[k] + b"\n")
                broken.write("%d\n" % line)
                k += 1
            line += 1
            dirty.write(rec + b"\n")


main()
