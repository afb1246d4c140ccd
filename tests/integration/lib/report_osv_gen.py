#!/usr/bin/env python3
"""Writes N made-up OSV records against the npm package left-pad 1.3.0 (the
npm package of the bundled example image), so that a scan of the example has
N more findings: for the HTML report's test and benchmark.

    report_osv_gen.py COUNT OUTPUT_DIR

Severities cycle through four CVSS v3.1 vectors (critical, high, medium,
low) and one record in five has none; every other record is fixed in 1.3.1;
ids are GHSA-shaped and made up. Deterministic.
"""
import json
import os
import sys

VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # 9.8 critical
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",  # 7.5 high
    "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H",  # 5.5 medium
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",  # 3.1 low
]


def record(i):
    events = [{"introduced": "0"}]
    if i % 2 == 0:
        events.append({"fixed": "1.3.1"})
    rec = {
        "schema_version": "1.6.0",
        "id": "GHSA-gen%d-%04d-%04d" % (i % 7, i // 10000, i % 10000),
        "modified": "2025-01-01T00:00:00Z",
        "summary": "Made-up advisory %d for the report tests <%s> & \"quotes\"" % (i, "b" if i % 3 else "/script"),
        "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                      "ranges": [{"type": "SEMVER", "events": events}]}],
        "references": [{"type": "ADVISORY", "url": "https://advisories.example/%d" % i}],
    }
    if i % 5 != 4:
        rec["severity"] = [{"type": "CVSS_V3", "score": VECTORS[i % 4]}]
    return rec


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        r = record(i)
        with open(os.path.join(out, r["id"] + ".json"), "w") as f:
            json.dump(r, f)


if __name__ == "__main__":
    main()
