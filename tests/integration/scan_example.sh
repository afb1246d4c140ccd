#!/usr/bin/env bash
# `imagegate scan` on the bundled example image with the example advisories
# (example/advisories): the exact findings in JSON and in the table, the exit
# codes of --exit-code with and without findings left, the severity filters,
# an ignore file with an expired and an unused entry, a release the database
# has no data for, and the failures a user can cause.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
ADV=$IG_SOURCE_DIR/example/advisories
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite

# Without a database: not found (3), saying how to make one.
set +e
out=$("$IMAGEGATE" scan "$IMAGE" 2>&1); rc=$?
set -e
[ "$rc" -eq 3 ] || fail "scan without a database: exit $rc, want 3 ($out)"
grep -q "imagegate db import" <<<"$out" || fail "no fix in: $out"

"$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" > "$T/import.out"

# The exact findings, as JSON.
"$IMAGEGATE" scan --format json "$IMAGE" > "$T/scan.json" 2> "$T/scan.err" || fail "scan exited $?"
got=$(jq -r '.findings[] | [.package.name, .id, .severity, .status, .package.version, (.fixed_versions | join(",")), .matched_package] | @tsv' "$T/scan.json")
want=$(printf '%s\n' \
  $'libssl3\tCVE-2023-5678\tMEDIUM\tfixed\t3.0.11-1~deb12u2\t3.0.13-1~deb12u1\topenssl' \
  $'libssl3\tCVE-2024-0727\tMEDIUM\tfixed\t3.0.11-1~deb12u2\t3.0.13-1~deb12u1\topenssl' \
  $'zlib1g\tCVE-2023-45853\tCRITICAL\twill_not_fix\t1:1.2.13.dfsg-1\t\tzlib')
[ "$got" = "$want" ] || fail "findings differ:"$'\n'"$got"$'\n'"want:"$'\n'"$want"
[ "$(jq -r '.schema_version, .os.distro_release, .summary.total, .summary.critical, .summary.medium' "$T/scan.json" | tr '\n' ' ')" = "1 debian:12 3 1 2 " ] \
  || fail "header/summary: $(jq -c '{schema_version, os, summary}' "$T/scan.json")"
[ "$(jq -r '.findings[2].cvss.score, .findings[2].cvss.vector' "$T/scan.json" | tr '\n' ' ')" = "9.8 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H " ] \
  || fail "zlib CVSS: $(jq -c '.findings[2].cvss' "$T/scan.json")"
digest=$(jq -r '.manifests[0].digest' "$IG_BUILD_DIR/example/image/index.json")
[ "$(jq -r .image.digest "$T/scan.json")" = "$digest" ] || fail "image digest"
[ ! -s "$T/scan.err" ] || fail "unexpected warnings: $(cat "$T/scan.err")"

# The table: grouped, with the summary line last; two runs are identical.
"$IMAGEGATE" scan "$IMAGE" > "$T/table.1"
"$IMAGEGATE" scan --format table "$IMAGE" > "$T/table.2"
cmp -s "$T/table.1" "$T/table.2" || fail "two table runs differ"
grep -q '^debian 12 (deb)$' "$T/table.1" || fail "no OS target in: $(cat "$T/table.1")"
grep -qE '^zlib1g +CVE-2023-45853 +CRITICAL +will_not_fix +1:1.2.13.dfsg-1' "$T/table.1" || fail "zlib row: $(cat "$T/table.1")"
[ "$(tail -n1 "$T/table.1")" = "Total: 3 (CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, UNKNOWN: 0)" ] || fail "summary: $(tail -n1 "$T/table.1")"

# --exit-code: returned with findings left, 0 when the filters leave none.
set +e
"$IMAGEGATE" scan --exit-code 1 "$IMAGE" > /dev/null; rc=$?
set -e
[ "$rc" -eq 1 ] || fail "--exit-code 1 with findings: exit $rc"
"$IMAGEGATE" scan --exit-code 1 --severity HIGH,LOW "$IMAGE" > "$T/none.txt" || fail "--severity HIGH,LOW left findings"
[ "$(tail -n1 "$T/none.txt")" = "Total: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)" ] || fail "$(cat "$T/none.txt")"
[ "$("$IMAGEGATE" scan -f json --severity-threshold HIGH "$IMAGE" | jq -r '[.findings[].id] | join(" ")')" = "CVE-2023-45853" ] \
  || fail "--severity-threshold HIGH"
[ "$("$IMAGEGATE" scan -f json --ignore-unfixed "$IMAGE" | jq -r '.summary.total')" = "2" ] || fail "--ignore-unfixed"
[ "$("$IMAGEGATE" scan -f json --ignore-status will_not_fix "$IMAGE" | jq -r '.summary.total')" = "2" ] || fail "--ignore-status"

# Ignore file: one live entry, one expired, one matching nothing.
cat > "$T/ignore.yaml" <<'YAML'
ignore:
  - id: CVE-2023-45853
    purl: pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1
    statement: minizip is not shipped
  - id: CVE-2024-0727
    expires: 2020-01-01
  - id: CVE-2000-0001
YAML
"$IMAGEGATE" scan -f json --ignore-file "$T/ignore.yaml" -o "$T/ign.json" "$IMAGE" 2> "$T/ign.err"
[ "$(jq -r '[.findings[].id] | join(" ")' "$T/ign.json")" = "CVE-2023-5678 CVE-2024-0727" ] || fail "ignore: $(jq -c '[.findings[].id]' "$T/ign.json")"
[ "$(jq -r '.suppressed[0].reason' "$T/ign.json")" = "ignored by $T/ignore.yaml:2: minizip is not shipped" ] || fail "reason: $(jq -c .suppressed "$T/ign.json")"
grep -q "CVE-2024-0727 ($T/ignore.yaml:5) expired on 2020-01-01" "$T/ign.err" || fail "no expiry warning: $(cat "$T/ign.err")"
grep -q "CVE-2000-0001 ($T/ignore.yaml:7) matched no finding" "$T/ign.err" || fail "no unused warning: $(cat "$T/ign.err")"
printf '# accepted\nCVE-2023-45853\nCVE-2023-5678 exp:2999-01-01\n' > "$T/.trivyignore"
[ "$("$IMAGEGATE" scan -f json --ignore-file "$T/.trivyignore" "$IMAGE" | jq -r '[.findings[].id] | join(" ")')" = "CVE-2024-0727" ] \
  || fail ".trivyignore"

# A release without data: a warning, no fallback, exit 0 even with --exit-code.
mkdir -p "$T/root/etc" "$T/root/var/lib/dpkg"
printf 'ID=debian\nVERSION_ID="14"\nVERSION_CODENAME=forky\n' > "$T/root/etc/os-release"
cp "$IG_SOURCE_DIR/example/layers/1/var/lib/dpkg/status" "$T/root/var/lib/dpkg/status"
"$IMAGEGATE" scan --exit-code 1 -f json "dir:$T/root" > "$T/d14.json" 2> "$T/d14.err" || fail "debian 14 scan exited $?"
grep -q "no advisory data for debian 14 in the database" "$T/d14.err" || fail "no release warning: $(cat "$T/d14.err")"
[ "$(jq -r '.summary.total, (.warnings | length)' "$T/d14.json" | tr '\n' ' ')" = "0 1 " ] || fail "debian 14: $(cat "$T/d14.json")"

# Failures a user can cause: usage (2) with the fix named.
for args in "--severity SEVERE" "--severity-threshold bad" "--ignore-status maybe" "--ignore-file $T/missing.yaml"; do
  set +e
  # shellcheck disable=SC2086
  out=$("$IMAGEGATE" scan $args "$IMAGE" 2>&1); rc=$?
  set -e
  case "$args" in --ignore-file*) want=3 ;; *) want=2 ;; esac
  [ "$rc" -eq "$want" ] || fail "scan $args: exit $rc, want $want ($out)"
done
printf 'ignore:\n  - statement: no id\n' > "$T/bad.yaml"
set +e
out=$("$IMAGEGATE" scan --ignore-file "$T/bad.yaml" "$IMAGE" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "bad.yaml:2: the entry has no 'id'" <<<"$out" || fail "bad ignore file: exit $rc ($out)"
echo "scan_example: OK"
