#!/usr/bin/env bash
# `--format html` in headless Chromium (Debian's chromium, no network: a dead
# proxy, file:// URLs). The bundled example image with its advisories plus 500
# made-up npm advisories (lib/report_osv_gen.py; titles hold </script> and
# quotes): the page's script writes what it drew into #ig-status, read back
# with --dump-dom. Checks: no script error or console error; the counts shown
# equal `scan --format json`'s; filters driven by the URL fragment
# (#severity=, #fix=, #kev=, #pkg=) show the matching number of findings;
# check shows the verdict and rules; sbom lists the packages and the package
# search works. Screenshots (check at desktop width, scan at phone width) are kept in
# $IG_BUILD_DIR/test-artifacts/report_html/.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium is not installed (scripts/install-deps installs it)"; exit 77; }
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
ADV=$IG_SOURCE_DIR/example/advisories
ART=$IG_BUILD_DIR/test-artifacts/report_html
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite
mkdir -p "$ART"

python3 "$IG_SOURCE_DIR/tests/integration/lib/report_osv_gen.py" 500 "$T/osv"
# One example finding listed as known exploited, so the KEV filter has one to find.
cat > "$T/kev.json" <<'JSON'
{"title": "KEV list for imagegate's report_html test", "catalogVersion": "2024.01.02",
 "dateReleased": "2024-01-02T15:00:00.0000Z", "count": 1,
 "vulnerabilities": [{"cveID": "CVE-2024-0727", "vendorProject": "OpenSSL", "product": "OpenSSL",
   "vulnerabilityName": "Test entry", "dateAdded": "2024-01-02", "shortDescription": "Test entry.",
   "requiredAction": "Apply updates.", "dueDate": "2024-01-23", "knownRansomwareCampaignUse": "Unknown", "notes": ""}]}
JSON
"$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" "$T/osv" "$T/kev.json" > /dev/null

# chromium ARGS... : headless, sandbox off (root in CI containers), no GPU,
# no network (every request goes to a closed port), a throwaway profile.
chromium_run() {
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --disable-background-networking --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
    --user-data-dir="$T/profile" --virtual-time-budget=5000 "$@" 2> "$T/chromium.err"
}
# Every page and fragment is loaded once, in one Chromium start: a harness
# page frames each of them and copies each frame's #ig-status into its own
# DOM, which --dump-dom prints. PAGES lines are "FILE FRAGMENT".
load_all() {
  local frames="" i=0 file frag
  while read -r file frag; do
    frames+="[\"$file\",\"$frag\"],"
    i=$((i + 1))
  done <<< "$PAGES"
  cat > "$T/harness.html" <<HTML
<!DOCTYPE html><html><body><div id="out"></div><script>
var pages = [${frames%,}], left = pages.length;
pages.forEach(function (p, i) {
  var f = document.createElement('iframe');
  f.src = p[0] + p[1];
  f.onload = function () {
    var d = document.createElement('div'), st = null;
    try { st = f.contentDocument.getElementById('ig-status'); } catch (e) { d.setAttribute('data-harness-error', String(e)); }
    d.id = 'r' + i;
    if (st) for (var k = 0; k < st.attributes.length; k++) d.setAttribute(st.attributes[k].name, st.attributes[k].value);
    d.setAttribute('data-page', p[0] + p[1]);
    d.textContent = st ? st.textContent : 'no #ig-status';
    document.getElementById('out').appendChild(d);
  };
  document.body.appendChild(f);
});
</script></body></html>
HTML
  chromium_run --allow-file-access-from-files --dump-dom "file://$T/harness.html" > "$T/dom.html" ||
    { cat "$T/chromium.err" >&2; fail "chromium could not load the pages"; }
}
# status FILE FRAGMENT: the #ig-status attributes that page showed.
status() {
  local line
  line=$(grep -o "<div [^>]*data-page=\"$1$2\"[^>]*>" "$T/dom.html" | head -1)
  [ -n "$line" ] || fail "no status from $1$2 (did it load?)"
  echo "$line"
}
# attr STATUS NAME: one data-NAME value.
attr() { sed -n "s/.* data-$2=\"\\([^\"]*\\)\".*/\\1/p" <<< "$1"; }
expect() { # STATUS NAME VALUE WHAT
  local got
  got=$(attr "$1" "$2")
  [ "$got" = "$3" ] || fail "$4: data-$2 is '$got', expected '$3' (status: $1)"
}

"$IMAGEGATE" scan -f json "$IMAGE" > "$T/scan.json"
"$IMAGEGATE" scan -f html "$IMAGE" -o "$T/scan.html"
total=$(jq '.findings | length' "$T/scan.json")
[ "$total" -eq 503 ] || fail "expected 503 findings in the JSON report, got $total"
rc=0
"$IMAGEGATE" check -f html -o "$T/check.html" "$IMAGE" || rc=$?
[ "$rc" -eq 21 ] || fail "check exited $rc, expected 21"
"$IMAGEGATE" sbom -f json "$IMAGE" > "$T/sbom.json"
"$IMAGEGATE" sbom -f html "$IMAGE" -o "$T/sbom.html"

FILTERS=("#severity=CRITICAL" "#severity=HIGH,LOW" "#fix=fixed" "#fix=unfixed&severity=HIGH" "#pkg=libssl"
  "#pkg=CVE-2023-45853" "#kev=1")
PAGES="scan.html "
for f in "${FILTERS[@]}"; do PAGES+=$'\n'"scan.html $f"; done
PAGES+=$'\n'"check.html "$'\n'"sbom.html "$'\n'"sbom.html #q=wtfpl"
load_all

s=$(status scan.html "")
expect "$s" ready 1 "scan page"
expect "$s" errors 0 "scan page (script or console errors: $s)"
expect "$s" total "$total" "all findings"
expect "$s" shown "$total" "unfiltered"
for sev in critical high medium low unknown; do
  n=$(jq --arg s "${sev^^}" '[.findings[] | select(.severity == $s)] | length' "$T/scan.json")
  expect "$s" "$sev" "$n" "$sev count"
done
# Rows are drawn in chunks, not all at once.
rendered=$(attr "$s" rendered)
[ "$rendered" -ge 200 ] && [ "$rendered" -le "$total" ] || fail "rendered $rendered rows of $total"

check_filter() { # FRAGMENT JQ_SELECT WHAT
  local want st
  want=$(jq "[.findings[] | select($2)] | length" "$T/scan.json")
  st=$(status scan.html "$1")
  expect "$st" errors 0 "$3"
  expect "$st" shown "$want" "$3 ($1)"
}
check_filter "#severity=CRITICAL" '.severity == "CRITICAL"' "severity filter"
check_filter "#severity=HIGH,LOW" '.severity == "HIGH" or .severity == "LOW"' "two severities"
check_filter "#fix=fixed" '(.fixed_versions | length) > 0' "fixed filter"
check_filter "#fix=unfixed&amp;severity=HIGH" '(.fixed_versions | length) == 0 and .severity == "HIGH"' "unfixed high"
check_filter "#pkg=libssl" '.package.name | contains("libssl")' "package filter"
check_filter "#pkg=CVE-2023-45853" '.id == "CVE-2023-45853"' "id filter"
check_filter "#kev=1" '.kev' "KEV filter"
[ "$(jq '[.findings[] | select(.kev)] | length' "$T/scan.json")" -eq 1 ] || fail "the KEV list did not mark CVE-2024-0727"
[ "$(attr "$(status scan.html "#severity=CRITICAL")" shown)" -lt "$total" ] || fail "the severity filter removed nothing"

# check: the verdict (the example's CRITICAL finding denies) and the same counts.
s=$(status check.html "")
expect "$s" errors 0 "check page"
expect "$s" decision deny "check verdict"
expect "$s" total "$total" "check findings"

# sbom: the packages, searchable.
s=$(status sbom.html "")
expect "$s" errors 0 "sbom page"
expect "$s" packages "$(jq '.packages | length' "$T/sbom.json")" "sbom packages"
expect "$(status sbom.html "#q=wtfpl")" packages-shown 1 "package search by license"

chromium_run --window-size=1280,1600 --screenshot="$ART/check.png" "file://$T/check.html" || fail "no desktop screenshot"
chromium_run --window-size=390,844 --screenshot="$ART/scan-phone.png" "file://$T/scan.html#severity=CRITICAL" ||
  fail "no phone screenshot"
[ -s "$ART/check.png" ] && [ -s "$ART/scan-phone.png" ] || fail "screenshots are empty"
cp "$T/dom.html" "$ART/statuses.html"
echo "OK: report_html (screenshots in $ART)"
