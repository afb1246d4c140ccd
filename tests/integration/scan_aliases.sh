#!/usr/bin/env bash
# One vulnerability, one finding, on a real Go binary (Debian's docker-registry,
# as in inventory_lang_debian.sh). Advisories written here for its real stdlib
# version, in golang/vulndb's and GitHub's OSV
# shapes and NVD's CVE JSON 2.0 shape, name each other as aliases. Each
# vulnerability must show once per package in every report, and every one that
# has a rating anywhere in the data must be rated.
set -euo pipefail
: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
for tool in jq go python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
bin=/usr/bin/docker-registry
[ -x "$bin" ] || { echo "SKIP: needs docker-registry (scripts/install-deps)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite
mkdir -p "$T/root/usr/bin" "$T/osv"
cp "$bin" "$T/root/usr/bin/"
# Debian builds it without modules: stdlib (its real Go version) is the package.
dep=stdlib

osv() {  # id, package, aliases (JSON), extra top-level fields (JSON object)
  jq -n --arg id "$1" --arg pkg "$2" --argjson aliases "$3" --argjson extra "$4" '{
    schema_version: "1.6.0", id: $id, modified: "2099-01-02T00:00:00Z", published: "2099-01-01T00:00:00Z",
    aliases: $aliases, summary: "Fixture \($id)",
    affected: [{package: {name: $pkg, ecosystem: "Go"},
                ranges: [{type: "SEMVER", events: [{introduced: "0"}, {fixed: "99.0.0"}]}]}]} + $extra' \
    > "$T/osv/$1.json"
}
crit='{"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}'
# stdlib: golang/vulndb without a rating, GitHub's advisory with CVSS 9.8, NVD with 7.5.
osv GO-2099-0101 stdlib '["CVE-2099-0101","GHSA-gofx-0101-aaaa"]' '{}'
osv GHSA-gofx-0101-aaaa stdlib '["CVE-2099-0101"]' "$crit"
# A module: rated only by NVD (5.3).
osv GO-2099-0102 "$dep" '["CVE-2099-0102"]' '{}'
# A module: no CVE, GitHub's label only.
osv GO-2099-0103 "$dep" '["GHSA-gofx-0103-aaaa"]' '{}'
osv GHSA-gofx-0103-aaaa "$dep" '[]' '{"database_specific":{"severity":"HIGH"}}'
# stdlib: rated nowhere.
osv GO-2099-0104 stdlib '[]' '{}'
python3 - "$T/nvd.json" <<'EOF'
import json, sys
def cve(i, vec):
    return {"cve": {"id": i, "vulnStatus": "Analyzed", "descriptions": [{"lang": "en", "value": "Fixture " + i}],
                    "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
                                                   "cvssData": {"version": "3.1", "vectorString": vec}}]}}}
json.dump({"format": "NVD_CVE", "version": "2.0", "vulnerabilities": [
    cve("CVE-2099-0101", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
    cve("CVE-2099-0102", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N")]}, open(sys.argv[1], "w"))
EOF
"$IMAGEGATE" -q db import "$T/osv" "$T/nvd.json" > /dev/null
for f in json table sarif cyclonedx; do
  "$IMAGEGATE" -q scan --format "$f" "dir:$T/root" > "$T/scan.$f" || fail "scan --format $f exited $?"
done

j=$T/scan.json
got=$(jq -r '.findings[] | [.package.name, .id, (.aliases | join(",")), .severity, .severity_source] | @tsv' "$j" | sort)
want=$(printf '%s\n' \
  "$dep"$'\tCVE-2099-0102\tGO-2099-0102\tMEDIUM\tnvd' \
  "$dep"$'\tGHSA-gofx-0103-aaaa\tGO-2099-0103\tHIGH\tghsa' \
  $'stdlib\tCVE-2099-0101\tGHSA-gofx-0101-aaaa,GO-2099-0101\tCRITICAL\tghsa' \
  $'stdlib\tGO-2099-0104\t\tUNKNOWN\t' | sort)
[ "$got" = "$want" ] || fail "findings:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
# No id (shown or alias) twice for one package.
dups=$(jq -r '[.findings[] | {p: .package.purl, ids: ([.id] + .aliases)}] | group_by(.p)[]
              | [.[].ids[]] | group_by(.) | map(select(length > 1)) | .[][0]' "$j")
[ -z "$dups" ] || fail "ids reported twice for one package: $dups"
[ "$(jq '.summary.total' "$j")" = 4 ] || fail "JSON summary: $(jq -c .summary "$j")"
[ "$(jq '.summary.unknown' "$j")" = 1 ] || fail "JSON summary: $(jq -c .summary "$j")"
grep -q 'Total: 4 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 1)' "$T/scan.table" || fail "table: $(cat "$T/scan.table")"
[ "$(jq '.runs[0].tool.driver.rules | length' "$T/scan.sarif")" = 4 ] || fail "SARIF rules: $(jq -c '[.runs[0].tool.driver.rules[].id]' "$T/scan.sarif")"
[ "$(jq '.runs[0].results | length' "$T/scan.sarif")" = 4 ] || fail "SARIF results"
[ "$(jq '.vulnerabilities | length' "$T/scan.cyclonedx")" = 4 ] || fail "CycloneDX: $(jq -c '[.vulnerabilities[].id]' "$T/scan.cyclonedx")"

# The gate matches any id of the group: ignoring the GO id drops the CVE finding.
printf 'GO-2099-0101\nGHSA-gofx-0103-aaaa\n' > "$T/.trivyignore"
left=$("$IMAGEGATE" -q scan --format json --ignore-file "$T/.trivyignore" "dir:$T/root" | jq -r '[.findings[].id] | sort | join(" ")')
[ "$left" = "CVE-2099-0102 GO-2099-0104" ] || fail "after ignoring aliases: $left"
# --severity CRITICAL keeps the one rated CRITICAL through its GHSA alias.
[ "$("$IMAGEGATE" -q scan --format json --severity CRITICAL "dir:$T/root" | jq -r '[.findings[].id] | join(" ")')" = "CVE-2099-0101" ] \
  || fail "--severity CRITICAL"
echo "PASS: scan_aliases"
