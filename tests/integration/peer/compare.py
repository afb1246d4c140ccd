#!/usr/bin/env python3
"""Compares the package sets of two CycloneDX documents by PURL.

Usage: compare.py IMAGE_NAME OURS.cdx.json TRIVY.cdx.json

Prints one line per package that only one side reports:
    IMAGE_NAME only-imagegate pkg:TYPE/NAMESPACE/NAME@VERSION
    IMAGE_NAME only-trivy     pkg:TYPE/NAMESPACE/NAME@VERSION
sorted, and nothing else. Two PURLs are the same package when type,
namespace, name and version are equal after percent-decoding; qualifiers and
subpaths are ignored (their order and set differ between tools), except that
an `epoch` qualifier is folded into the version as "EPOCH:VERSION", since
Trivy writes a Debian epoch as a qualifier and imagegate in the version.
"""
import json
import sys
from urllib.parse import unquote


def purl_key(purl):
    if not purl.startswith("pkg:"):
        return None
    rest = purl[4:].split("#", 1)[0]
    rest, _, query = rest.partition("?")
    quals = dict(q.split("=", 1) for q in query.split("&") if "=" in q)
    path, _, version = rest.rpartition("@") if "@" in rest.split("/", 1)[-1] else (rest, "", "")
    parts = [unquote(p) for p in path.strip("/").split("/") if p]
    if len(parts) < 2:
        return None
    version = unquote(version)
    epoch = unquote(quals.get("epoch", ""))
    if epoch and epoch != "0" and not version.startswith(epoch + ":"):
        version = f"{epoch}:{version}"
    return "pkg:" + parts[0].lower() + "/" + "/".join(parts[1:]) + "@" + version


def components(doc):
    stack = list(doc.get("components", []))
    while stack:
        c = stack.pop()
        stack.extend(c.get("components", []))
        yield c


def package_keys(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    keys = set()
    for c in components(doc):
        if c.get("type") in ("operating-system", "container", "application") and not c.get("purl"):
            continue
        key = purl_key(c.get("purl") or "")
        if key is not None:
            keys.add(key)
    return keys


def main():
    name, ours, theirs = sys.argv[1:4]
    a, b = package_keys(ours), package_keys(theirs)
    lines = [f"{name} only-imagegate {k}" for k in a - b] + [f"{name} only-trivy {k}" for k in b - a]
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main()
