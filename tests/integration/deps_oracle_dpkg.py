#!/usr/bin/env python3
"""required_by of every installed package, from dpkg-query output alone.

Reads lines "STATUS-ABBREV<TAB>Package<TAB>Version<TAB>Depends<TAB>Pre-Depends
<TAB>Provides" (dpkg-query -W -f=...) on stdin and prints
"name<TAB>required_by names, space-separated, sorted" for every installed
package (status abbrev second letter one of iUFWth, as dpkg-query -l shows
packages whose files are on disk).  Alternatives, version constraints and
Provides are resolved against the installed packages (Debian Policy 7.1,
7.5); versions are compared by `dpkg --compare-versions`.  A package never
counts as requiring itself.  Independent of ocigate's code on purpose."""
import re
import subprocess
import sys

OPS = {"<<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">>": "gt", "<": "le", ">": "ge"}
REL = re.compile(r"^\s*([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?\s*$")
_cache = {}


def vercmp(a, op, b):
    key = (a, op, b)
    if key not in _cache:
        _cache[key] = subprocess.run(["dpkg", "--compare-versions", a, OPS[op], b]).returncode == 0
    return _cache[key]


def relations(field):
    """[[(name, op, version), ...alternatives], ...clauses]"""
    out = []
    for clause in filter(None, (c.strip() for c in field.split(","))):
        alts = []
        for alt in clause.split("|"):
            alt = re.sub(r"\[[^]]*\]|<[^>]*>", "", alt)  # arch and profile restrictions
            m = REL.match(alt)
            if not m:
                sys.exit("cannot parse relation %r" % alt)
            alts.append(m.groups())
        out.append(alts)
    return out


def main():
    pkgs = {}
    for line in sys.stdin:
        st, name, version, dep, pre, prov = line.rstrip("\n").split("\t")
        if len(st) < 2 or st[1] not in "iUFWth":
            continue
        pkgs[name] = (version, relations(pre) + relations(dep), relations(prov))
    providers = {}  # name -> [(package, version or None)]
    for name, (version, _, prov) in pkgs.items():
        providers.setdefault(name, []).append((name, version))
        for (alt,) in prov:
            pname, op, pver = alt
            providers.setdefault(pname, []).append((name, pver if op == "=" else None, True))
    rby = {name: set() for name in pkgs}
    for name, (_, clauses, _) in pkgs.items():
        for alts in clauses:
            for dname, op, dver in alts:
                for prov in providers.get(dname, []):
                    who, pver = prov[0], prov[1]
                    if who == name:
                        continue
                    if op is None or (pver is not None and vercmp(pver, op, dver)):
                        rby[who].add(name)
    for name in sorted(pkgs):
        print("%s\t%s" % (name, " ".join(sorted(rby[name]))))


main()
