#!/usr/bin/env python3
"""Generates a large synthetic OSV data set in osv.dev's real layout (a zip of
one JSON record per entry, like https://osv-vulnerabilities.storage.googleapis.com/ECOSYSTEM/all.zip)
for the vulndb benchmark.

    bench/gen-osv.py --records 200000 --output /tmp/osv-200k.zip

Records spread over PyPI, npm, Go, Maven, crates.io, Debian:12, Alpine:v3.18
and Ubuntu:22.04:LTS, with ranges, aliases, CVSS v3 severities and references
shaped like the real feeds. Deterministic for a given --seed.
"""
import argparse
import json
import random
import zipfile

ECOSYSTEMS = [
    ("PyPI", "ECOSYSTEM", "py"),
    ("npm", "SEMVER", "js"),
    ("Go", "SEMVER", "github.com/example/mod"),
    ("Maven", "ECOSYSTEM", "org.example:artifact"),
    ("crates.io", "SEMVER", "crate"),
    ("Debian:12", "ECOSYSTEM", "deb"),
    ("Alpine:v3.18", "ECOSYSTEM", "apk"),
    ("Ubuntu:22.04:LTS", "ECOSYSTEM", "ubu"),
]
VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
]


def version(rng, eco):
    major, minor, patch = rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 20)
    if eco.startswith("Debian") or eco.startswith("Ubuntu"):
        return f"{major}.{minor}.{patch}-{rng.randint(1, 5)}"
    if eco.startswith("Alpine"):
        return f"{major}.{minor}.{patch}-r{rng.randint(0, 5)}"
    return f"{major}.{minor}.{patch}"


def record(i, rng, packages_per_ecosystem):
    eco, range_type, prefix = ECOSYSTEMS[i % len(ECOSYSTEMS)]
    pkg = f"{prefix}-pkg{rng.randrange(packages_per_ecosystem)}"
    cve = f"CVE-{2015 + i % 10}-{100000 + i}"
    affected = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        intro, fixed = sorted([version(rng, eco), version(rng, eco)])
        events = [{"introduced": "0" if rng.random() < 0.5 else intro}]
        if rng.random() < 0.85:
            events.append({"fixed": fixed})
        affected.append({
            "package": {"ecosystem": eco, "name": pkg},
            "ranges": [{"type": range_type, "events": events}],
            "database_specific": {"source": "generated"},
        })
    rec = {
        "schema_version": "1.6.0",
        "id": f"GEN-{i:07d}",
        "modified": "2024-01-01T00:00:00Z",
        "published": "2023-01-01T00:00:00Z",
        "aliases": [cve],
        "summary": f"Synthetic vulnerability {i} in {pkg}",
        "details": "Generated for imagegate's vulndb benchmark. " * rng.randint(1, 6),
        "severity": [{"type": "CVSS_V3", "score": rng.choice(VECTORS)}],
        "affected": affected,
        "references": [
            {"type": "ADVISORY", "url": f"https://example.org/advisories/{cve}"},
            {"type": "WEB", "url": f"https://example.org/{pkg}/issues/{i}"},
        ],
    }
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--packages", type=int, default=5000, help="distinct packages per ecosystem")
    ap.add_argument("--output", required=True, help="zip file to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first", type=int, default=0, help="index of the first record (ids GEN-<index>), so that "
                    "several archives can hold distinct records")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with zipfile.ZipFile(args.output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(args.first, args.first + args.records):
            rec = record(i, rng, args.packages)
            z.writestr(f"{rec['id']}.json", json.dumps(rec, indent=2))


if __name__ == "__main__":
    main()
