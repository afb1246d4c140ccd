#!/usr/bin/env python3
"""Generates a large Debian security tracker JSON (the format of
https://security-tracker.debian.org/tracker/data/json) for the scan benchmark.

    bench/gen-debian-tracker.py --dpkg-status ROOT/var/lib/dpkg/status \\
        --cves 30000 --output /tmp/tracker-bench.json

Every source package installed in the image (read from the dpkg status file)
gets --per-package CVEs whose bookworm fixed versions fall both below and above
the installed version, plus open, no-dsa, postponed and end-of-life entries, so
the scan finds and rejects real matches. The rest of --cves go to made-up
source packages. Each CVE carries five releases (bookworm, bullseye, buster,
trixie, sid), i.e. five affected-package records. CVE ids are made up
(CVE-2099-NNNNNN); descriptions are generated. Deterministic for a --seed.
"""
import argparse
import json
import random

RELEASES = ["bookworm", "bullseye", "buster", "trixie", "sid"]
URGENCIES = ["low", "medium", "high", "unimportant", "not yet assigned"]


def installed_sources(status_path):
    """{source package: version} from a dpkg status file."""
    out = {}
    fields = {}

    def flush():
        if fields.get("Package") and "installed" in fields.get("Status", ""):
            src = fields.get("Source", fields["Package"])
            version = fields["Version"]
            if " (" in src:  # "Source: name (version)" when they differ
                src, version = src.split(" (", 1)
                version = version.rstrip(")")
            out[src] = version

    with open(status_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                flush()
                fields = {}
            elif not line.startswith(" ") and ":" in line:
                k, v = line.split(":", 1)
                fields[k] = v.strip()
    flush()
    return out


def bump(version, rng, up):
    """A Debian version just below (up=False) or above (up=True) `version`."""
    if up:
        return version + "+deb12u" + str(rng.randint(1, 9))
    return version + "~" + rng.choice(["rc1", "beta2", "pre"])


def entry(rng, cve_no, installed):
    releases = {}
    for rel in RELEASES:
        roll = rng.random()
        if rel == "bookworm" and installed:
            if roll < 0.45:
                releases[rel] = {"status": "resolved", "fixed_version": bump(installed, rng, False),
                                 "urgency": rng.choice(URGENCIES)}
            elif roll < 0.75:
                releases[rel] = {"status": "resolved", "fixed_version": bump(installed, rng, True),
                                 "urgency": rng.choice(URGENCIES)}
            elif roll < 0.85:
                releases[rel] = {"status": "open", "urgency": rng.choice(URGENCIES)}
            elif roll < 0.92:
                releases[rel] = {"status": "open", "urgency": "low", "nodsa": "Minor issue",
                                 "nodsa_reason": rng.choice(["ignored", "postponed"])}
            else:
                releases[rel] = {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"}
            continue
        if rel == "buster" and roll < 0.3:
            releases[rel] = {"status": "open", "urgency": "end-of-life"}
        elif roll < 0.8:
            v = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}-{rng.randint(1, 5)}"
            releases[rel] = {"status": "resolved", "fixed_version": v, "urgency": rng.choice(URGENCIES)}
        else:
            releases[rel] = {"status": "open", "urgency": rng.choice(URGENCIES)}
    for r in releases.values():
        r["repositories"] = {}
    return {
        "description": f"Generated benchmark issue {cve_no}.",
        "scope": rng.choice(["local", "remote"]),
        "releases": releases,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpkg-status", required=True, help="the image's var/lib/dpkg/status")
    ap.add_argument("--cves", type=int, default=30000, help="CVE entries in total (x5 releases = records)")
    ap.add_argument("--per-package", type=int, default=40, help="CVEs per installed source package")
    ap.add_argument("--output", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    installed = installed_sources(args.dpkg_status)
    data = {}
    n = 0
    for src in sorted(installed):
        pkg = data.setdefault(src, {})
        for _ in range(args.per_package):
            n += 1
            pkg[f"CVE-2099-{n:06d}"] = entry(rng, n, installed[src])
    synthetic = 0
    while n < args.cves:
        name = f"bench-src{synthetic % 8000}"
        synthetic += 1
        n += 1
        data.setdefault(name, {})[f"CVE-2099-{n:06d}"] = entry(rng, n, None)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"{n} CVEs, {n * len(RELEASES)} affected records, {len(installed)} installed source packages")


if __name__ == "__main__":
    main()
