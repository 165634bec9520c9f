#!/usr/bin/env python3
"""Count every TAP result that meson recorded, print the failures and one
closing line "N passed, N failed", followed by ", N skipped" when some
checks were skipped ("ok N - ... # SKIP why": tests/README.md).  A skip is
never a pass.  A test program that crashed or printed no TAP counts as one
failure; so does a "not ok ... # SKIP" line, as meson counts it.
Arguments: meson testlog.json files, each optionally as LABEL=PATH (the
label prefixes its test names); a missing log counts as one failure."""
import json, re, sys

passed = failed = skipped = 0
failures = []
skips = {}


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
        oks = nots = skips_here = 0
        for l in out.splitlines():
            if re.match(r"^ok\b", l):
                if re.search(r"#\s*SKIP", l, re.IGNORECASE):
                    skips_here += 1
                    continue
                oks += 1
            elif re.match(r"^not ok\b", l):
                nots += 1
                failures.append("%s: %s" % (t["name"], l))
        if t["result"] == "SKIP" and oks + nots + skips_here == 0:
            skips_here = 1  # the whole program said it cannot run here (exit 77)
        if skips_here:
            skipped += skips_here
            skips[t["name"]] = skips_here
        if t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and nots == 0:
            nots = 1
            failures.append("%s: %s (exit %s)" % (t["name"], t["result"], t.get("returncode")))
        passed += oks
        failed += nots
for f in failures:
    print("FAILED " + f)
for name, n in sorted(skips.items()):
    print("SKIPPED %s: %d" % (name, n))
print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
sys.exit(1 if failed else 0)
