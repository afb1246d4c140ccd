#!/usr/bin/env bash
# `imagegate scan --format sarif|cyclonedx` on the bundled example image with
# the example advisories: the SARIF validates against the SARIF 2.1.0 JSON
# schema and passes Microsoft's SARIF validator with its GitHub ingestion rules
# (both from the npm package @microsoft/sarif-multitool-linux); the CycloneDX
# document validates against the official 1.6 schema (as in sbom_formats.sh);
# both hold exactly the example's rules/results and vulnerabilities, and two
# runs give identical bytes. Then the database checks: the age warning
# (--db-max-age, --skip-db-age-check) and the refusal of a newer schema.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
PY=/usr/bin/python3
LIB=$IG_SOURCE_DIR/tests/integration/lib
"$PY" -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema missing: run scripts/install-deps" >&2; exit 1; }
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
ADV=$IG_SOURCE_DIR/example/advisories
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite

# The SARIF schema and validator: fetched once into the test cache. Skip (77)
# only when the npm registry cannot be reached at all.
SARIF_TOOL_VERSION=5.7.0
# shellcheck source=lib/test_cache.sh
. "$IG_SOURCE_DIR/tests/integration/lib/test_cache.sh"
sarif_fetch() {
  command -v npm >/dev/null || { echo "npm is missing: run scripts/install-deps"; return 1; }
  if ! (cd "$1" && npm pack --silent "@microsoft/sarif-multitool-linux@$SARIF_TOOL_VERSION" >"$1/pack.log" 2>&1); then
    cat "$1/pack.log"
    grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network' "$1/pack.log" && return 77
    echo "npm pack @microsoft/sarif-multitool-linux@$SARIF_TOOL_VERSION failed"
    return 1
  fi
  tar xzf "$1"/microsoft-sarif-multitool-linux-*.tgz -C "$1"
  rm -f "$1"/*.tgz "$1/pack.log"
  # npm pack keeps the tarball's modes, and this package ships its binary as 0644.
  chmod +x "$1/package/Sarif.Multitool"
}
rc=0
SARIF_DIR=$(test_cache_entry "npm/sarif-multitool-linux-$SARIF_TOOL_VERSION.v2" sarif_fetch)/package || rc=$?
[ "$rc" -ne 77 ] || { echo "SKIP: the npm registry is unreachable"; exit 77; }
[ "$rc" -eq 0 ] || fail "could not fetch @microsoft/sarif-multitool-linux@$SARIF_TOOL_VERSION"
# shellcheck source=lib/sbom_schemas.sh
. "$LIB/sbom_schemas.sh"
CDX_SCHEMAS=$(sbom_schema_dir) || fail "could not fetch the CycloneDX schemas"

"$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" > "$T/import.out"

for f in sarif cyclonedx; do
  "$IMAGEGATE" scan --format "$f" "$IMAGE" > "$T/$f.1" 2> "$T/$f.err" || fail "scan --format $f exited $?"
  [ ! -s "$T/$f.err" ] || fail "scan --format $f warned: $(cat "$T/$f.err")"
  "$IMAGEGATE" scan -f "$f" --no-cache -o "$T/$f.2" "$IMAGE" 2>/dev/null || fail "scan -f $f -o exited $?"
  cmp -s "$T/$f.1" "$T/$f.2" || { diff "$T/$f.1" "$T/$f.2" | head -20 >&2; fail "$f: two runs differ"; }
done

# SARIF: the JSON schema, then Microsoft's validator with the SARIF and GitHub rules.
"$PY" - "$SARIF_DIR/sarif-2.1.0.json" "$T/sarif.1" <<'PY' || fail "SARIF does not match the SARIF 2.1.0 schema"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
for e in errors:
    print(f"{'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
PY
if "$SARIF_DIR/Sarif.Multitool" --version > /dev/null 2>&1; then
  "$SARIF_DIR/Sarif.Multitool" validate --rule-kind "Sarif;Gh" --log ForceOverwrite -o "$T/validation.sarif" \
    "$T/sarif.1" > "$T/validate.out" 2>&1 || true
  [ -f "$T/validation.sarif" ] || fail "Sarif.Multitool validate wrote no log: $(cat "$T/validate.out")"
  "$PY" - "$T/validation.sarif" <<'PY' || fail "Sarif.Multitool validate found errors"
import json, sys
log = json.load(open(sys.argv[1]))
bad = [r for run in log["runs"] for r in run.get("results", []) if r.get("level", "warning") == "error"]
for r in bad:
    print(r.get("ruleId"), r["message"].get("text") or r["message"].get("arguments"), file=sys.stderr)
notes = [n for run in log["runs"] for inv in run.get("invocations", [])
         for n in inv.get("toolExecutionNotifications", []) if n.get("level") == "error"]
for n in notes:
    print("tool error:", n["message"].get("text"), file=sys.stderr)
sys.exit(1 if bad or notes else 0)
PY
else
  echo "note: Sarif.Multitool does not run here; checked the schema only" >&2
fi

# SARIF content: exactly the example's rules and results.
"$PY" - "$T/sarif.1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)
check(d["version"] == "2.1.0" and len(d["runs"]) == 1, "one SARIF 2.1.0 run")
run = d["runs"][0]
drv = run["tool"]["driver"]
check(drv["name"] == "imagegate" and drv["version"] and drv["informationUri"].startswith("https://"), f"driver {drv}")
rules = drv["rules"]
check([r["id"] for r in rules] == ["CVE-2023-45853", "CVE-2023-5678", "CVE-2024-0727"], f"rule ids {[r['id'] for r in rules]}")
sev = {r["id"]: (r["properties"]["security-severity"], r["properties"]["tags"]) for r in rules}
check(sev == {"CVE-2023-45853": ("9.8", ["vulnerability", "security", "CRITICAL"]),
              "CVE-2023-5678": ("5.3", ["vulnerability", "security", "MEDIUM"]),
              "CVE-2024-0727": ("5.5", ["vulnerability", "security", "MEDIUM"])}, f"rule severities {sev}")
for r in rules:
    check(r["shortDescription"]["text"] and r["fullDescription"]["text"], f"{r['id']} descriptions")
    check(r["help"]["text"] and r["help"]["markdown"], f"{r['id']} help")
check(rules[0]["helpUri"] == "https://github.com/madler/zlib/pull/843", f"helpUri {rules[0].get('helpUri')}")
res = run["results"]
got = [(r["ruleId"], r["ruleIndex"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in res]
want = [("CVE-2023-5678", 1, "warning", "var/lib/dpkg/status", 1),
        ("CVE-2024-0727", 2, "warning", "var/lib/dpkg/status", 1),
        ("CVE-2023-45853", 0, "error", "var/lib/dpkg/status", 1)]
check(got == want, f"results {got}")
m = res[0]["message"]["text"]
check("Package: libssl3" in m and "Installed version: 3.0.11-1~deb12u2" in m and "Fixed version: 3.0.13-1~deb12u1" in m,
      f"message {m!r}")
check("Fixed version: none (will_not_fix)" in res[2]["message"]["text"], f"zlib message {res[2]['message']['text']!r}")
PY

# CycloneDX: the 1.6 schema, the SBOM's components, and the vulnerabilities.
"$PY" "$LIB/sbom_validate.py" cyclonedx "$CDX_SCHEMAS" 1.6 "$T/cyclonedx.1" || fail "CycloneDX 1.6 invalid"
"$IMAGEGATE" sbom --format cyclonedx "$IMAGE" > "$T/sbom.cdx"
"$PY" "$LIB/sbom_validate.py" cyclonedx "$CDX_SCHEMAS" 1.6 "$T/sbom.cdx" || fail "sbom CycloneDX 1.6 invalid"
"$PY" - "$T/cyclonedx.1" "$T/sbom.cdx" <<'PY'
import json, sys
d, sbom = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def check(cond, msg):
    if not cond:
        sys.exit("FAIL: " + msg)
check(d["specVersion"] == "1.6" and d["components"] == sbom["components"], "components differ from `imagegate sbom`")
check(d["serialNumber"] != sbom["serialNumber"], "the scan document reuses the SBOM's serial number")
purl = {c["name"]: c["bom-ref"] for c in d["components"] if c["type"] == "library"}
got = [(v["id"], v["bom-ref"], [a["ref"] for a in v["affects"]], v["analysis"]["state"], v["analysis"].get("response"),
        v.get("recommendation")) for v in d["vulnerabilities"]]
want = [("CVE-2023-45853", "CVE-2023-45853", [purl["zlib1g"]], "exploitable", ["will_not_fix"], None),
        ("CVE-2023-5678", "CVE-2023-5678", [purl["libssl3"]], "exploitable", ["update"], "Upgrade libssl3 to 3.0.13-1~deb12u1"),
        ("CVE-2024-0727", "CVE-2024-0727", [purl["libssl3"]], "exploitable", ["update"], "Upgrade libssl3 to 3.0.13-1~deb12u1")]
check(got == want, f"vulnerabilities {got}")
z = d["vulnerabilities"][0]
check(z["affects"][0]["versions"] == [{"version": "1:1.2.13.dfsg-1", "status": "affected"}], f"zlib affects {z['affects']}")
r = [x for x in z["ratings"] if x.get("method") == "CVSSv31"]
check(len(r) == 1 and r[0]["score"] == 9.8 and r[0]["severity"] == "critical"
      and r[0]["vector"] == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", f"zlib ratings {z['ratings']}")
check(z["source"] == {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-45853"}, f"source {z['source']}")
check(z["published"] == "2023-10-14T02:15:09Z" and z["updated"] == "2024-05-01T00:00:00Z", "dates")
check(z["advisories"] == [{"url": "https://github.com/madler/zlib/pull/843"}], f"advisories {z.get('advisories')}")
PY

# Database age: a database built long ago warns (on stderr and in the JSON
# warnings) unless --skip-db-age-check, or --db-max-age allows it.
cp "$T/db.sqlite" "$T/old.sqlite"
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", ("built_at", "2020-01-01T00:00:00Z")); c.commit()' "$T/old.sqlite"
"$IMAGEGATE" --db "$T/old.sqlite" scan -f json "$IMAGE" > "$T/old.json" 2> "$T/old.err" || fail "old db scan exited $?"
grep -q "was built .* ago (2020-01-01T00:00:00Z), more than --db-max-age 7d" "$T/old.err" || fail "no age warning: $(cat "$T/old.err")"
"$PY" -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; sys.exit(0 if len(w)==1 and "--db-max-age" in w[0] else 1)' "$T/old.json" \
  || fail "age warning not in the JSON warnings"
"$IMAGEGATE" --db "$T/old.sqlite" scan --skip-db-age-check "$IMAGE" > /dev/null 2> "$T/skip.err"
[ ! -s "$T/skip.err" ] || fail "--skip-db-age-check still warned: $(cat "$T/skip.err")"
"$IMAGEGATE" --db "$T/old.sqlite" scan --db-max-age 5000d "$IMAGE" > /dev/null 2> "$T/long.err"
[ ! -s "$T/long.err" ] || fail "--db-max-age 5000d still warned: $(cat "$T/long.err")"
"$IMAGEGATE" --db "$T/old.sqlite" scan --db-max-age 36h "$IMAGE" > /dev/null 2> "$T/36h.err"
grep -q "more than --db-max-age 1d 12h" "$T/36h.err" || fail "--db-max-age 36h: $(cat "$T/36h.err")"
set +e
out=$("$IMAGEGATE" scan --db-max-age 3x "$IMAGE" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "'3x' is not a duration" <<<"$out" || fail "bad --db-max-age: exit $rc ($out)"

# A database of a newer schema is refused (usage, 2) with the fix named.
cp "$T/db.sqlite" "$T/future.sqlite"
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$T/future.sqlite"
set +e
out=$("$IMAGEGATE" --db "$T/future.sqlite" scan -f sarif "$IMAGE" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "newer schema: exit $rc, want 2 ($out)"
grep -q "has schema version 99; this imagegate understands up to" <<<"$out" || fail "newer schema message: $out"
echo "scan_formats: OK"
