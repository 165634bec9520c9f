#!/usr/bin/env python3
"""Count every TAP result that meson recorded, print the failures and one
closing line "N passed, N failed"; a test program that crashed or printed no
TAP counts as one failure.  Arguments: meson testlog.json files, each
optionally as LABEL=PATH (the label prefixes its test names); a missing log
counts as one failure."""
import json, re, sys

passed = failed = 0
failures = []
def records(arg):
    label, _, path = arg.rpartition("=")
    try:
        with open(path) as f:
            for line in f:
                t = json.loads(line)
                if label:
                    t["name"] = label + ": " + t["name"]
                yield t
    except OSError as e:
        yield {"name": label or path, "result": "MISSING", "returncode": str(e), "stdout": ""}

for arg in sys.argv[1:]:
    for t in records(arg):
        out = t.get("stdout") or ""
        oks = nots = 0
        for l in out.splitlines():
            if re.match(r"^ok\b", l):
                if "# SKIP" in l:
                    continue
                oks += 1
            elif re.match(r"^not ok\b", l):
                nots += 1
                failures.append("%s: %s" % (t["name"], l))
        if t["result"] not in ("OK", "EXPECTEDFAIL") and nots == 0:
            nots = 1
            failures.append("%s: %s (exit %s)" % (t["name"], t["result"], t.get("returncode")))
        passed += oks
        failed += nots
for f in failures:
    print("FAILED " + f)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
