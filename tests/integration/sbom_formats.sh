#!/usr/bin/env bash
# `imagegate sbom` on the bundled example image, in every format: each document
# validates against its official JSON schema (CycloneDX 1.4/1.5/1.6 from npm;
# SPDX 2.3 read in place from ../shared/schemas), two runs
# give identical bytes, and the packages are exactly the example's. Then
# --output, --timestamp, a bad --format, and a root file system (dir:).
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
PY=/usr/bin/python3
LIB=$IG_SOURCE_DIR/tests/integration/lib
"$PY" -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema missing: run scripts/install-deps" >&2; exit 1; }
# shellcheck source=lib/sbom_schemas.sh
. "$LIB/sbom_schemas.sh"
SCHEMAS=$(sbom_schema_dir)
SPDX_SCHEMA=$(sbom_spdx_schema)
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache

# The example layout's one manifest is the image; its digest is the SBOM's subject.
DIGEST=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
  "$IG_BUILD_DIR/example/image/index.json")

# Every format, twice: byte-identical output.
for f in cyclonedx cyclonedx@1.6 cyclonedx@1.5 cyclonedx@1.4 spdx-json table json; do
  "$IMAGEGATE" sbom --format "$f" "$IMAGE" > "$T/$f.1" || fail "sbom --format $f exited $?"
  "$IMAGEGATE" sbom -f "$f" --no-cache "$IMAGE" > "$T/$f.2" || fail "sbom -f $f --no-cache exited $?"
  cmp -s "$T/$f.1" "$T/$f.2" || { diff "$T/$f.1" "$T/$f.2" | head -20 >&2; fail "$f: two runs differ"; }
done
cmp -s "$T/cyclonedx.1" "$T/cyclonedx@1.6.1" || fail "cyclonedx is not cyclonedx@1.6"

# Schema validity.
for v in 1.6 1.5 1.4; do
  "$PY" "$LIB/sbom_validate.py" cyclonedx "$SCHEMAS" "$v" "$T/cyclonedx@$v.1" || fail "CycloneDX $v invalid"
done
"$PY" "$LIB/sbom_validate.py" spdx "$SPDX_SCHEMA" "$T/spdx-json.1" || fail "SPDX invalid"
"$PY" "$LIB/sbom_validate.py" spdx-refs "$SCHEMAS" "$T/spdx-json.1" || fail "SPDX references invalid"
# The license ids compiled into imagegate are all ids the CycloneDX schema accepts.
mapfile -t ids < <(grep -o '"[^"]*"' "$IG_SOURCE_DIR/src/report/sbom_license_ids.inc" | tr -d '"')
[ "${#ids[@]}" -gt 700 ] || fail "license id table looks truncated (${#ids[@]} ids)"
"$PY" "$LIB/sbom_validate.py" license-ids "$SCHEMAS" "${ids[@]}" || fail "unknown SPDX ids in sbom_license_ids.inc"

# Content: the example image's OS and packages, in each format.
"$PY" - "$T" "$DIGEST" <<'PY'
import json, sys
t, digest = sys.argv[1], sys.argv[2]
want = {  # name -> (ecosystem, version, source name)
    "bash": ("deb", "5.2.15-2+b2", "bash"),  # dpkg: no Source: field means the package is its own source
    "libssl3": ("deb", "3.0.11-1~deb12u2", "openssl"),
    "zlib1g": ("deb", "1:1.2.13.dfsg-1", "zlib"),
    "left-pad": ("npm", "1.3.0", None),
}
def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)

# imagegate's own JSON: exact package list.
j = json.load(open(f"{t}/json.1"))
check(j["schema_version"] == 1, "json schema_version")
check(j["image"]["digest"] == digest, "json image digest")
check(j["os"]["id"] == "debian" and j["os"]["version_id"] == "12", f"json os {j['os']}")
got = {p["name"]: (p["ecosystem"], p["version"], p.get("source_name")) for p in j["packages"]}
check(got == want, f"json packages {got}")
check(len(j["packages"]) == 4, "json package count")
pad = next(p for p in j["packages"] if p["name"] == "left-pad")
check(pad["locations"] == ["usr/lib/node_modules/left-pad/package.json"], f"left-pad locations {pad['locations']}")

# CycloneDX (1.6 and 1.4).
for v in ("1.6", "1.4"):
    c = json.load(open(f"{t}/cyclonedx@{v}.1"))
    check(c["specVersion"] == v, f"cdx {v} specVersion")
    meta = c["metadata"]["component"]
    check(meta["type"] == "container" and meta["version"] == digest, f"cdx {v} image component {meta}")
    check(meta["purl"].startswith("pkg:oci/image@sha256%3A" + digest[7:]), f"cdx {v} image purl {meta['purl']}")
    check("timestamp" not in c["metadata"], f"cdx {v} has a timestamp without --timestamp")
    comps = c["components"]
    oss = [x for x in comps if x["type"] == "operating-system"]
    check(len(oss) == 1 and oss[0]["name"] == "debian" and oss[0]["version"] == "12", f"cdx {v} os {oss}")
    libs = {x["name"]: x for x in comps if x["type"] == "library"}
    check(set(libs) == set(want), f"cdx {v} libraries {sorted(libs)}")
    for name, (eco, ver, src) in want.items():
        x = libs[name]
        props = {}
        for p in x.get("properties", []):
            props.setdefault(p["name"], []).append(p["value"])
        check(x["version"] == ver, f"cdx {v} {name} version {x['version']}")
        check(x["purl"].startswith(f"pkg:{eco}/"), f"cdx {v} {name} purl {x['purl']}")
        check(x["bom-ref"] == x["purl"], f"cdx {v} {name} bom-ref")
        check(props.get("imagegate:ecosystem") == [eco], f"cdx {v} {name} ecosystem {props}")
        check(props.get("imagegate:source_name") == ([src] if src else None), f"cdx {v} {name} source {props}")
        check(props.get("imagegate:layer_diff_id", [""])[0].startswith("sha256:"), f"cdx {v} {name} layer")
    check(libs["left-pad"]["licenses"][0]["license"]["id"] == "WTFPL", "cdx left-pad license")
    deps = {d["ref"]: d["dependsOn"] for d in c["dependencies"]}
    reachable = set(deps[meta["bom-ref"]])
    for r in list(reachable):
        reachable |= set(deps.get(r, []))
    check(reachable == {x["bom-ref"] for x in comps}, f"cdx {v}: not every component depends from the image")

# SPDX.
s = json.load(open(f"{t}/spdx-json.1"))
pk = {p["name"]: p for p in s["packages"]}
purposes = sorted(p.get("primaryPackagePurpose") for p in s["packages"])
check(purposes == ["CONTAINER", "LIBRARY", "LIBRARY", "LIBRARY", "LIBRARY", "OPERATING_SYSTEM"], f"spdx purposes {purposes}")
for name, (eco, ver, src) in want.items():
    check(pk[name]["versionInfo"] == ver, f"spdx {name} version")
    refs = pk[name]["externalRefs"]
    check(refs[0]["referenceType"] == "purl" and refs[0]["referenceLocator"].startswith(f"pkg:{eco}/"), f"spdx {name} purl")
    if src:
        check(f"built package from: {src}" in pk[name]["sourceInfo"], f"spdx {name} sourceInfo")
check(s["creationInfo"]["created"] == "2026-01-01T00:00:00Z", "spdx created is not the config's created time")
check(s["documentNamespace"].startswith("https://imagegate.invalid/spdx/image-"), "spdx namespace")

# Table.
lines = open(f"{t}/table.1").read().splitlines()
check(lines[0].startswith("Image: oci:") and any(l == "OS: Debian GNU/Linux 12 (bookworm)" for l in lines), "table header")
rows = [l.split() for l in lines[lines.index(next(l for l in lines if l.startswith("NAME"))) + 1:]]
check(rows == [["bash", "5.2.15-2+b2", "deb"], ["left-pad", "1.3.0", "npm"],
               ["libssl3", "3.0.11-1~deb12u2", "deb"], ["zlib1g", "1:1.2.13.dfsg-1", "deb"]], f"table rows {rows}")
PY

# --output writes the same bytes atomically; --timestamp adds a time that still validates.
"$IMAGEGATE" sbom -f spdx-json -o "$T/out.spdx.json" "$IMAGE"
cmp -s "$T/out.spdx.json" "$T/spdx-json.1" || fail "--output content differs from stdout"
if ls "$T" | grep -q 'out.spdx.json.tmp'; then fail "--output left a temporary file"; fi
"$IMAGEGATE" sbom -f cyclonedx --timestamp "$IMAGE" > "$T/ts.cdx.json"
"$PY" "$LIB/sbom_validate.py" cyclonedx "$SCHEMAS" 1.6 "$T/ts.cdx.json" || fail "CycloneDX with timestamp invalid"
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["metadata"]["timestamp"]; assert t.endswith("Z") and len(t)==20, t' "$T/ts.cdx.json" ||
  fail "--timestamp: no metadata.timestamp"
"$IMAGEGATE" sbom -f spdx-json --timestamp "$IMAGE" > "$T/ts.spdx.json"
"$PY" "$LIB/sbom_validate.py" spdx "$SPDX_SCHEMA" "$T/ts.spdx.json" || fail "SPDX with timestamp invalid"

# A bad format is a usage error (exit 2) that names the accepted formats.
set +e
"$IMAGEGATE" sbom --format spdx "$IMAGE" > /dev/null 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "bad --format: exit $rc, want 2"
grep -q "spdx-json" "$T/err" || fail "bad --format message does not list formats: $(cat "$T/err")"

# A root file system: the example's layers unpacked into a directory give the same packages.
mkdir -p "$T/rootfs"
cp -a "$IG_SOURCE_DIR/example/layers/1/." "$T/rootfs/"
cp -a "$IG_SOURCE_DIR/example/layers/2/." "$T/rootfs/"
rm -f "$T/rootfs/app/.wh.old.txt" "$T/rootfs/app/old.txt"
"$IMAGEGATE" sbom -f json "dir:$T/rootfs" > "$T/dir.json"
"$IMAGEGATE" sbom -f cyclonedx "dir:$T/rootfs" > "$T/dir.cdx.json"
"$IMAGEGATE" sbom -f cyclonedx "dir:$T/rootfs" | cmp -s - "$T/dir.cdx.json" || fail "dir: two runs differ"
"$PY" "$LIB/sbom_validate.py" cyclonedx "$SCHEMAS" 1.6 "$T/dir.cdx.json" || fail "dir: CycloneDX invalid"
"$IMAGEGATE" sbom -f spdx-json "dir:$T/rootfs" > "$T/dir.spdx.json"
"$PY" "$LIB/sbom_validate.py" spdx "$SPDX_SCHEMA" "$T/dir.spdx.json" || fail "dir: SPDX invalid"
"$PY" "$LIB/sbom_validate.py" spdx-refs "$SCHEMAS" "$T/dir.spdx.json" || fail "dir: SPDX references invalid"
"$PY" - "$T/dir.json" "$T/json.1" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
key = lambda d: sorted((p["ecosystem"], p["name"], p["version"]) for p in d["packages"])
assert key(a) == key(b), f"dir: packages {key(a)} != image packages {key(b)}"
assert a["os"] == b["os"], (a["os"], b["os"])
PY
echo "sbom_formats: all checks passed"
