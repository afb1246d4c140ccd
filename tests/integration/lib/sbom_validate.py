#!/usr/bin/python3
"""Validates SBOM documents against JSON schemas with python3-jsonschema.

Usage:
  sbom_validate.py cyclonedx SCHEMA_DIR 1.6 FILE   # the official CycloneDX schema
  sbom_validate.py spdx SCHEMA_FILE FILE           # an SPDX 2.3 JSON schema
  sbom_validate.py spdx-refs SCHEMA_DIR FILE        # SPDX cross-references and license ids
  sbom_validate.py license-ids SCHEMA_DIR IDS...   # every id is in CycloneDX's SPDX id list

SCHEMA_DIR holds the CycloneDX schemas as shipped by the npm package
@cyclonedx/cyclonedx-library (res/schema: bom-1.x.SNAPSHOT.schema.json,
spdx.SNAPSHOT.schema.json, jsf-0.82.SNAPSHOT.schema.json). Their $refs point
at cyclonedx.org; they are served from SCHEMA_DIR so nothing is fetched.
Exit status 0 when valid; 1 with every error listed otherwise.
"""
import json
import os
import sys

import jsonschema
import jsonschema._validators


def _extras_msg(extras):
    # Debian bookworm's jsonschema 4.10 sorts the extra items to build this
    # message, which raises TypeError for objects (CycloneDX 1.5+ licenses are
    # arrays of objects checked against a oneOf); later releases do not sort.
    return ", ".join(repr(e) for e in extras), "was" if len(extras) == 1 else "were"


jsonschema._validators.extras_msg = _extras_msg


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def cyclonedx_validator(schema_dir, version):
    schema = load(os.path.join(schema_dir, f"bom-{version}.SNAPSHOT.schema.json"))
    store = {}
    for name in ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"):
        doc = load(os.path.join(schema_dir, name))
        # Reachable both by the relative $ref and by the document's own $id.
        store["http://cyclonedx.org/schema/" + name] = doc
        if "$id" in doc:
            store[doc["$id"]] = doc
    resolver = jsonschema.RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def plain_validator(schema_path):
    schema = load(schema_path)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def report(validator, path):
    errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{path}: {where}: {e.message[:300]}", file=sys.stderr)
    return 1 if errors else 0


def spdx_refs(schema_dir, path):
    """What a JSON schema cannot say: ids unique, relationships and LicenseRefs resolve,
    license ids listed by SPDX."""
    known = set(load(os.path.join(schema_dir, "spdx.SNAPSHOT.schema.json"))["enum"])
    doc = load(path)
    errors = []
    ids = [p["SPDXID"] for p in doc.get("packages", [])]
    if len(ids) != len(set(ids)):
        errors.append("duplicate SPDXIDs")
    defined = set(ids) | {"SPDXRef-DOCUMENT"}
    for r in doc.get("relationships", []):
        for k in ("spdxElementId", "relatedSpdxElement"):
            if r[k] not in defined:
                errors.append(f"relationship names undefined {r[k]}")
    refs = {e["licenseId"] for e in doc.get("hasExtractedLicensingInfos", [])}
    described = [r for r in doc.get("relationships", []) if r["relationshipType"] == "DESCRIBES"]
    if not described:
        errors.append("nothing DESCRIBED by the document")
    for p in doc.get("packages", []):
        for field in ("licenseDeclared", "licenseConcluded"):
            for tok in p.get(field, "").replace("(", " ").replace(")", " ").split():
                if tok in ("AND", "OR", "WITH", "NOASSERTION", "NONE"):
                    continue
                if tok.startswith("LicenseRef-"):
                    if tok not in refs:
                        errors.append(f"{p['SPDXID']}: {tok} not in hasExtractedLicensingInfos")
                elif tok.rstrip("+") not in known:
                    errors.append(f"{p['SPDXID']}: {tok} is not an SPDX license id")
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    return 1 if errors else 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "cyclonedx":
        return report(cyclonedx_validator(argv[2], argv[3]), argv[4])
    if len(argv) == 4 and argv[1] == "spdx":
        return report(plain_validator(argv[2]), argv[3])
    if len(argv) == 4 and argv[1] == "spdx-refs":
        return spdx_refs(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "license-ids":
        known = set(load(os.path.join(argv[2], "spdx.SNAPSHOT.schema.json"))["enum"])
        missing = [i for i in argv[3:] if i not in known]
        for m in missing:
            print(f"not an SPDX id in CycloneDX's list: {m}", file=sys.stderr)
        return 1 if missing else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
