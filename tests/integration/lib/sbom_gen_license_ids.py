#!/usr/bin/python3
"""Regenerates src/report/sbom_license_ids.inc from the npm packages
spdx-license-ids and spdx-exceptions (both CC0-1.0).

  cd "$(mktemp -d)" && npm pack spdx-license-ids spdx-exceptions
  mkdir ids exc && tar xzf spdx-license-ids-*.tgz -C ids && tar xzf spdx-exceptions-*.tgz -C exc
  sbom_gen_license_ids.py ids/package exc/package > src/report/sbom_license_ids.inc
"""
import json
import os
import sys


def table(name, items):
    items = sorted(set(items), key=str.lower)
    out = [f"inline constexpr std::string_view {name}[] = {{"]
    line = "   "
    for i in items:
        tok = f' "{i}",'
        if len(line) + len(tok) > 110:
            out.append(line)
            line = "   "
        line += tok
    out.append(line)
    out.append("};")
    return "\n".join(out)


def main(ids_dir, exc_dir):
    def load(d, f):
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            return json.load(fh)
    ids = load(ids_dir, "index.json") + load(ids_dir, "deprecated.json")
    exc = load(exc_dir, "index.json")
    ver_ids = load(ids_dir, "package.json")["version"]
    ver_exc = load(exc_dir, "package.json")["version"]
    print(f"""// SPDX license and exception identifiers (ids only), sorted case-insensitively.
// Generated from the npm packages spdx-license-ids {ver_ids} (index.json plus
// deprecated.json) and spdx-exceptions {ver_exc}, both CC0-1.0. To refresh: npm pack
// those packages and re-run the generator described in docs/sbom.md.
// Included only by sbom_licenses.cpp.
#pragma once

#include <string_view>

namespace ig::report::spdx_ids {{

{table("k_licenses", ids)}

{table("k_exceptions", exc)}

}}  // namespace ig::report::spdx_ids""")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
