#!/usr/bin/env bash
# HTML report benchmark: a page of 5,000 findings (the bundled example image
# plus 4,997 made-up npm advisories, tests/integration/lib/report_osv_gen.py)
# opened in headless Chromium, no network. The page writes
# performance.now() at the end of its script into #ig-status (data-render-ms:
# from navigation start to the first rows drawn, charts and tables included);
# each run is a fresh browser, 5 runs, median. Also the time `scan --format
# html` takes and the page's size.
#
# usage: bench/run-html-bench.sh [IMAGEGATE_BINARY]   (default build/release/imagegate)
# Needs the example image (cmake --build --preset release --target example_image).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
ig=${1:-$src/build/release/imagegate}
runs=${IG_BENCH_RUNS:-5}
count=${IG_BENCH_FINDINGS:-5000}
image=oci:$src/build/release/example/image:latest
for tool in chromium python3 jq; do
  command -v "$tool" >/dev/null || { echo "run-html-bench: $tool is missing (scripts/install-deps)"; exit 1; }
done
[ -x "$ig" ] || { echo "run-html-bench: no imagegate binary at $ig"; exit 1; }
[ -f "$src/build/release/example/image/index.json" ] || { echo "run-html-bench: build the example_image target first"; exit 1; }
data=/tmp/imagegate-html-bench
rm -rf "$data" && mkdir -p "$data"
export IMAGEGATE_CACHE_DIR=$data/cache IMAGEGATE_DB=$data/db.sqlite
python3 "$src/tests/integration/lib/report_osv_gen.py" $((count - 3)) "$data/osv"
"$ig" db import "$src/example/advisories/debian-tracker.json" "$src/example/advisories/osv" "$data/osv" >/dev/null
"$ig" scan -f html "$image" -o "$data/report.html"   # warms the layer cache
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "%e" -o "$data/time.out" "$ig" scan -f html "$image" -o "$data/report.html"
  cat "$data/time.out" >> "$data/write.times"
done
findings=$(grep -o '"VulnerabilityID"' "$data/report.html" | wc -l)
page() { # FRAGMENT -> data-render-ms
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --disable-background-networking --proxy-server=127.0.0.1:9 --user-data-dir="$data/profile" \
    --dump-dom "file://$data/report.html$1" 2>/dev/null |
    grep -o '<div id="ig-status"[^>]*data-ready="1"[^>]*>' | sed -n 's/.*data-render-ms="\([0-9]*\)".*/\1/p'
}
for i in $(seq 1 "$runs"); do
  rm -rf "$data/profile"
  page "" >> "$data/open.ms"
  rm -rf "$data/profile"
  page "#severity=CRITICAL&fix=unfixed" >> "$data/filtered.ms"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'findings on the page: %s; page size %s KiB\n' "$findings" "$(( $(stat -c %s "$data/report.html") / 1024 ))"
printf 'scan -f html (warm cache), wall s:        %s\n' "$(median < "$data/write.times")"
printf 'page drawn, ms from navigation start:      %s  (runs: %s)\n' "$(median < "$data/open.ms")" "$(tr '\n' ' ' < "$data/open.ms")"
printf 'page drawn with a filter in the URL, ms:   %s  (runs: %s)\n' "$(median < "$data/filtered.ms")" "$(tr '\n' ' ' < "$data/filtered.ms")"
echo "(medians of $runs runs, a fresh headless Chromium each)"
