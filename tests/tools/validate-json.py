#!/usr/bin/python3
"""Validate JSON documents against a JSON Schema with python3-jsonschema.

usage: validate-json.py SCHEMA [--with REFERENCED-SCHEMA]... DOC...

Referenced schemas are registered under their own $id and under their file
name resolved against the main schema's $id (how the CycloneDX schemas name
spdx.SNAPSHOT.schema.json and jsf-0.82.SNAPSHOT.schema.json), so nothing is
fetched.  Formats that the installed checkers know are checked too.  Prints
"valid DOC" or the first errors; exit 0 only when every document is valid.
"""
import json
import os
import sys
import urllib.parse

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7


def main(argv):
    schema_path, rest = argv[0], argv[1:]
    extra, docs = [], []
    while rest:
        if rest[0] == "--with":
            extra.append(rest[1])
            rest = rest[2:]
        else:
            docs.append(rest.pop(0))
    with open(schema_path) as f:
        schema = json.load(f)
    base = schema.get("$id", "")
    registry = Registry()
    for p in extra:
        with open(p) as f:
            s = json.load(f)
        r = Resource.from_contents(s, default_specification=DRAFT7)
        names = {urllib.parse.urljoin(base, os.path.basename(p))}
        if "$id" in s:
            names.add(s["$id"])
        for n in names:
            registry = registry.with_resource(n, r)
    cls = jsonschema.validators.validator_for(schema)
    v = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    bad = 0
    for d in docs:
        with open(d) as f:
            doc = json.load(f)
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            print("invalid %s: %d errors" % (d, len(errors)))
            for e in errors[:5]:
                print("  at /%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300]))
        else:
            print("valid %s" % d)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
