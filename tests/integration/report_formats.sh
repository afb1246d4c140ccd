#!/usr/bin/env bash
# `--format junit|gitlab|markdown|template` of scan, check and sbom on the
# bundled example image with its advisories. JUnit validates against our
# JUnit XSD (tests/schemas/junit.xsd) with xmllint and has one test case per
# finding (scan) or per enabled policy rule (check); the GitLab report
# validates against the container-scanning required fields
# (tests/schemas/gitlab-container-scanning-required.json) with one
# vulnerability per finding; the Markdown stays under GitHub's limit with
# 1,000 more findings and counts what it left out; templates render the same
# findings as the JSON report, and bad templates fail with their line and column.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
command -v xmllint >/dev/null || { echo "xmllint missing: run scripts/install-deps (libxml2-utils)" >&2; exit 1; }
python3 -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema missing: run scripts/install-deps" >&2; exit 1; }
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
ADV=$IG_SOURCE_DIR/example/advisories
SCHEMAS=$IG_SOURCE_DIR/tests/schemas
FIX=$IG_SOURCE_DIR/tests/fixtures/report
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite
"$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" > /dev/null
"$IMAGEGATE" scan -f json "$IMAGE" > "$T/scan.json"
total=$(jq '.findings | length' "$T/scan.json")
[ "$total" -eq 3 ] || fail "expected the example's 3 findings, got $total"

# JUnit: valid, one failing case per finding; check one case per rule.
"$IMAGEGATE" scan -f junit "$IMAGE" > "$T/scan.xml"
xmllint --noout --schema "$SCHEMAS/junit.xsd" "$T/scan.xml" 2> "$T/xmllint.err" || fail "scan JUnit: $(cat "$T/xmllint.err")"
[ "$(xmllint --xpath 'count(//testcase/failure)' "$T/scan.xml")" -eq "$total" ] || fail "scan JUnit: not one failure per finding"
for id in $(jq -r '.findings[].id' "$T/scan.json"); do
  grep -q "name=\"$id in " "$T/scan.xml" || fail "scan JUnit has no test case for $id"
done
cat > "$T/policy.yaml" <<'YAML'
version: 1
vulnerabilities:
  severities: [CRITICAL]
config:
  runs_as_root: notify
  denied_tags: [latest]
licenses:
  deny: [GPL-3.0-only]
YAML
rc=0
"$IMAGEGATE" check --policy "$T/policy.yaml" -f junit "$IMAGE" > "$T/check.xml" || rc=$?
[ "$rc" -eq 21 ] || fail "check exited $rc, expected 21 (the CRITICAL finding)"
xmllint --noout --schema "$SCHEMAS/junit.xsd" "$T/check.xml" 2> "$T/xmllint.err" || fail "check JUnit: $(cat "$T/xmllint.err")"
[ "$(xmllint --xpath 'count(//testcase)' "$T/check.xml")" -eq 4 ] || fail "check JUnit: expected 4 rules"
[ "$(xmllint --xpath 'string(//testcase[@name="vulnerabilities.severity"]/failure/@type)' "$T/check.xml")" = deny ] ||
  fail "check JUnit: the severity rule does not fail"
[ "$(xmllint --xpath 'count(//testcase[@name="licenses.deny"]/failure)' "$T/check.xml")" -eq 0 ] ||
  fail "check JUnit: the license rule fails though no package is GPL"
"$IMAGEGATE" sbom -f junit "$IMAGE" > "$T/sbom.xml"
xmllint --noout --schema "$SCHEMAS/junit.xsd" "$T/sbom.xml" 2> "$T/xmllint.err" || fail "sbom JUnit: $(cat "$T/xmllint.err")"

# GitLab: the required structure, one vulnerability per finding, stable ids.
"$IMAGEGATE" scan -f gitlab "$IMAGE" -o "$T/gl.json"
"$IMAGEGATE" check -f gitlab "$IMAGE" -o "$T/gl-check.json" || true
python3 - "$SCHEMAS/gitlab-container-scanning-required.json" "$T/gl.json" "$T/gl-check.json" "$T/scan.json" <<'PY' ||
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
scan = json.load(open(sys.argv[4]))
ids = None
for path in sys.argv[2:4]:
    doc = json.load(open(path))
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    got = sorted((v["identifiers"][0]["value"], v["location"]["dependency"]["package"]["name"]) for v in doc["vulnerabilities"])
    want = sorted((f["id"], f["package"]["name"]) for f in scan["findings"])
    assert got == want, (path, got, want)
    these = sorted(v["id"] for v in doc["vulnerabilities"])
    assert ids is None or these == ids, "ids differ between runs"
    ids = these
PY
  fail "GitLab report"

# Markdown: the counts; then 1,000 more findings and the limit.
"$IMAGEGATE" scan -f markdown "$IMAGE" > "$T/scan.md"
grep -qF "| 1 | 0 | 2 | 0 | 0 | 3 |" "$T/scan.md" || fail "markdown counts: $(cat "$T/scan.md")"
python3 "$IG_SOURCE_DIR/tests/integration/lib/report_osv_gen.py" 1000 "$T/osv"
"$IMAGEGATE" db import "$T/osv" > /dev/null
"$IMAGEGATE" check -f markdown "$IMAGE" > "$T/big.md" || true
chars=$(python3 -c 'import sys; print(len(open(sys.argv[1], encoding="utf-8").read()))' "$T/big.md")
[ "$chars" -le 65536 ] || fail "markdown has $chars characters"
rows=$(grep -c '^| \(CRITICAL\|HIGH\|MEDIUM\|LOW\|UNKNOWN\) |' "$T/big.md")
grep -qF "$((1003 - rows)) of 1003 findings" "$T/big.md" || fail "markdown does not count the $((1003 - rows)) findings left out"
grep -qF "## imagegate check: ❌ DENY" "$T/big.md" || fail "markdown has no verdict"

# Templates: the same findings as the JSON report.
rm -f "$IMAGEGATE_DB" && "$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" > /dev/null
"$IMAGEGATE" scan -f template --template "$FIX/findings.csv.tpl" "$IMAGE" > "$T/scan.csv"
jq -r '"id,package,installed,fixed,severity,kev", (.findings | sort_by(.id)[] |
  "\(.id),\(.package.name),\(.package.version),\(.fixed_versions | join(";")),\(.severity),\(if .kev then "yes" else "no" end)")' \
  "$T/scan.json" > "$T/want.csv"
diff <(head -1 "$T/scan.csv"; tail -n +2 "$T/scan.csv" | sort) <(head -1 "$T/want.csv"; tail -n +2 "$T/want.csv" | sort) ||
  fail "the CSV template differs from the JSON report"
"$IMAGEGATE" scan -f template --template "$FIX/junit-like.xml.tpl" "$IMAGE" > "$T/tpl.xml"
xmllint --noout --schema "$SCHEMAS/junit.xsd" "$T/tpl.xml" 2> "$T/xmllint.err" || fail "XML template: $(cat "$T/xmllint.err")"

# Template errors: usage (2), naming the file, line and column, before any work.
rc=0
"$IMAGEGATE" scan -f template --template "$FIX/bad.tpl" "$IMAGE" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "a bad template exited $rc, expected 2"
grep -qF "$FIX/bad.tpl:1:1: {{ range }} is never closed: add {{ end }}" "$T/err" || fail "bad template message: $(cat "$T/err")"
rc=0
"$IMAGEGATE" scan -f template "$IMAGE" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--format template needs --template FILE" "$T/err" || fail "no --template: rc $rc, $(cat "$T/err")"
rc=0
"$IMAGEGATE" scan -f json --template "$FIX/bad.tpl" "$IMAGE" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "only read with --format template" "$T/err" || fail "--template with json: rc $rc, $(cat "$T/err")"
rc=0
"$IMAGEGATE" sbom -f template --template "$T/missing.tpl" "$IMAGE" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "a missing template exited $rc, expected 3: $(cat "$T/err")"
echo '{{ .Nope }}' > "$T/nofield.tpl"
rc=0
"$IMAGEGATE" check -f template --template "$T/nofield.tpl" "$IMAGE" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "nofield.tpl:1:4: no field .Nope here" "$T/err" || fail "unknown field: rc $rc, $(cat "$T/err")"
echo "OK: report_formats"
