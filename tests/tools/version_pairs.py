#!/usr/bin/env python3
"""Seeded generator of version pairs for tests/integration/version_oracle.sh.

    version_pairs.py KIND SEED COUNT   ->  COUNT lines "A B" on stdout

KIND is rpmseg (bare rpm version/release strings: no '-' and no ':', so
rpm.vercmp compares them with plain rpmvercmp), rpmevr ([E:]V[-R] strings,
with extra '-' and ':' to exercise rpm's split at the last '-' and at the
leading digit run), or dpkg (versions dpkg parses without error or warning).

Half of the pairs are small mutations of each other (one piece replaced,
inserted, dropped, '~' or '^' appended, leading zeros added), since random
independent strings almost always differ in their first segment.  The same
seed gives the same pairs on every machine (Python's random is specified).
"""
import random
import sys

DIGITS = ["0", "00", "1", "2", "9", "10", "01", "007", "99", "100", "4294967296",
          "18446744073709551616", "123456789012345678901234567890"]
LETTERS = ["a", "b", "z", "A", "Z", "rc", "alpha", "beta", "p", "pre", "el", "fc", "git"]
RPM_SEPS = [".", ".", ".", "_", "+", "%", "~", "~", "^", "^"]
DEB_SEPS = [".", ".", ".", "+", "~", "~"]


def pick(r, pools):
    pool = r.choice(pools)
    return r.choice(pool)


def pieces(r, pools, lo=1, hi=6, first=None):
    out = [r.choice(first)] if first else []
    while len(out) < r.randint(lo, hi):
        out.append(pick(r, pools))
    return out


def mutate(r, ps, pools, extra):
    ps = list(ps)
    op = r.randrange(7)
    i = r.randrange(len(ps)) if ps else 0
    if op == 0 and ps:
        ps[i] = pick(r, pools)
    elif op == 1:
        ps.insert(i, pick(r, pools))
    elif op == 2 and len(ps) > 1:
        del ps[i]
    elif op == 3:
        ps.append(r.choice(extra))
    elif op == 4:
        ps.append(r.choice(extra) + pick(r, pools))
    elif op == 5 and ps and ps[i][:1].isdigit():
        ps[i] = "0" + ps[i]
    else:
        ps.append(pick(r, pools))
    return ps


def rpmseg(r):
    pools = [DIGITS, LETTERS, RPM_SEPS]
    a = pieces(r, pools)
    b = mutate(r, a, pools, ["~", "^", ".", "a", "1"]) if r.random() < 0.6 else pieces(r, pools)
    if r.random() < 0.05:
        b = list(a)
    return "".join(a), "".join(b)


def rpmevr_parts(r):
    pools = [DIGITS, LETTERS, RPM_SEPS]
    e = r.choice([None, None, None, "", "0", "00", "1", "2", "10"])
    v = pieces(r, pools, 1, 5)
    if r.random() < 0.1:
        v += ["-"] + pieces(r, pools, 1, 2)   # a '-' inside V: rpm splits at the last
    if r.random() < 0.05:
        v = [r.choice(LETTERS), ":"] + v       # not an epoch: no leading digit run
    rel = pieces(r, pools, 1, 4) if r.random() < 0.7 else None
    if rel is not None and r.random() < 0.03:
        rel = []                               # "1.0-": an empty release
    return e, v, rel


def evr_join(e, v, rel):
    """[EPOCH:]VERSION[-RELEASE], the same for rpm and dpkg (dpkg's upstream
    version and revision stand where rpm's version and release do)."""
    s = "" if e is None else e + ":"
    s += "".join(v)
    if rel is not None:
        s += "-" + "".join(rel)
    return s


def evr_pair(r, parts, change):
    """Two versions: drawn apart (40%), or the first with one of its parts
    changed by change(r, e, v, rel)."""
    e, v, rel = parts(r)
    if r.random() < 0.4:
        e2, v2, rel2 = parts(r)
    else:
        e2, v2, rel2 = change(r, e, list(v), rel)
    return evr_join(e, v, rel), evr_join(e2, v2, rel2)


def rpmevr_change(r, e, v, rel):
    pools = [DIGITS, LETTERS, RPM_SEPS]
    e2, v2, rel2 = e, v, rel
    what = r.randrange(5)
    if what == 0:
        e2 = r.choice([None, "", "0", "1", "01", "2"])
    elif what == 1:
        v2 = mutate(r, v, pools, ["~", "^", ".", "a", "1"])
    elif what == 2 and rel is not None:
        rel2 = mutate(r, rel, pools, ["~", "^", ".", "a", "1"])
    else:
        rel2 = None if rel is not None else pieces(r, pools, 1, 3)
    return e2, v2, rel2


def rpmevr(r):
    a, b = evr_pair(r, rpmevr_parts, rpmevr_change)
    return (a or "0"), (b or "0")


def dpkg_parts(r):
    upools = [DIGITS, LETTERS, DEB_SEPS]
    rpools = [DIGITS, LETTERS, DEB_SEPS]
    e = r.choice([None, None, None, "0", "1", "2", "10", "007"])
    u = pieces(r, upools, 1, 6, first=DIGITS)
    rev = pieces(r, rpools, 1, 3) if r.random() < 0.6 else None
    if rev is not None and r.random() < 0.15:
        u += ["-"] + pieces(r, upools, 1, 2)    # '-' in upstream needs a revision
    if e is not None and r.random() < 0.1:
        u += [":"] + pieces(r, upools, 1, 2)    # ':' in upstream needs an epoch
    return e, u, rev


def dpkg_change(r, e, u, rev):
    upools = [DIGITS, LETTERS, DEB_SEPS]
    e2, u2, rev2 = e, u, rev
    what = r.randrange(4)
    if what == 0:
        e2 = r.choice([None, "0", "1", "00", "2"])
        if e2 is None and ":" in u2:
            e2 = "0"
    elif what == 1:
        u2 = [u[0]] + mutate(r, u[1:], upools, ["~", ".", "+", "a", "1"])
    elif what == 2 and rev is not None:
        rev2 = mutate(r, rev, upools, ["~", ".", "+", "a", "1"])
        rev2 = [p for p in rev2 if p != "-"] or ["0"]
    else:
        rev2 = None if rev is not None and "-" not in u else ["0"]
    return e2, u2, rev2


def dpkg(r):
    return evr_pair(r, dpkg_parts, dpkg_change)


def main():
    kind, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    gen = {"rpmseg": rpmseg, "rpmevr": rpmevr, "dpkg": dpkg}[kind]
    r = random.Random(f"{kind}:{seed}")
    for _ in range(count):
        a, b = gen(r)
        print(a, b)


if __name__ == "__main__":
    main()
