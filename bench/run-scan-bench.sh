#!/usr/bin/env bash
# Scan benchmark: `imagegate scan` of the debootstrap Debian bookworm image
# against a database of >= 100k affected-package records (generated Debian
# tracker data: real installed source packages, made-up CVE ids), cold (empty
# imagegate cache) and warm (layer analysis cached), 3 runs each, medians.
#
# usage: bench/run-scan-bench.sh [IMAGEGATE_BINARY]   (default build/release/imagegate)
# Uses the cached debootstrap root of the tests (tests/integration/lib/test_cache.sh,
# in $IMAGEGATE_TEST_CACHE, default /var/tmp/imagegate-test-cache), making it when missing.
# Work files stay in /tmp/imagegate-scan-bench so that reruns skip generation.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
ig=${1:-$src/build/release/imagegate}
# shellcheck source=../tests/integration/lib/test_cache.sh
. "$src/tests/integration/lib/test_cache.sh"
data=/tmp/imagegate-scan-bench
runs=${IG_BENCH_RUNS:-3}
for tool in umoci python3 jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run-scan-bench: $tool is missing (scripts/install-deps)"; exit 1; }
done
[ -x "$ig" ] || { echo "run-scan-bench: no imagegate binary at $ig"; exit 1; }
root=$(test_cache_debootstrap) || { echo "run-scan-bench: no Debian root (debootstrap failed)"; exit 1; }
mkdir -p "$data"

if [ ! -f "$data/oci/index.json" ]; then
  umoci init --layout "$data/oci"
  umoci new --image "$data/oci:bench"
  umoci unpack --rootless --image "$data/oci:bench" "$data/bundle" >/dev/null
  cp -a "$root/." "$data/bundle/rootfs/"
  umoci repack --image "$data/oci:bench" "$data/bundle" >/dev/null
  rm -rf "$data/bundle"
fi
if [ ! -f "$data/tracker.json" ]; then
  python3 "$src/bench/gen-debian-tracker.py" --dpkg-status "$root/var/lib/dpkg/status" --cves 30000 \
    --output "$data/tracker.json"
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed LABEL CMD...: appends "wall user sys maxrss_kb" to $data/LABEL.times
timed() {
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$data/time.out" "$@"
  cat "$data/time.out" >>"$data/$label.times"
}
rm -f "$data"/*.times
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

for i in $(seq 1 $runs); do
  rm -f "$data/work.db"*
  timed import "$ig" --db "$data/work.db" db import --name tracker "$data/tracker.json" >/dev/null
done
"$ig" --db "$data/work.db" db build --force -o "$data/bench.db"
records=$("$ig" --db "$data/bench.db" db status --format json | jq .counts.affected)

for i in $(seq 1 $runs); do
  rm -rf "$data/cache"
  IMAGEGATE_CACHE_DIR="$data/cache" timed cold "$ig" --db "$data/bench.db" scan --format json \
    -o "$data/scan.json" "oci:$data/oci:bench"
  IMAGEGATE_CACHE_DIR="$data/cache" timed warm "$ig" --db "$data/bench.db" scan --format json \
    -o "$data/scan.json" "oci:$data/oci:bench"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '\naffected-package records: %s; database %s MiB; findings: %s over %s packages\n' "$records" \
  "$(( $(stat -c %s "$data/bench.db") >> 20 ))" "$(jq '.findings | length' "$data/scan.json")" \
  "$(jq '[.findings[].package.name] | unique | length' "$data/scan.json")"
printf '%-8s %10s %10s %10s %12s\n' run "wall s" "user s" "sys s" "max RSS MiB"
for label in import cold warm; do
  f="$data/$label.times"
  printf '%-8s %10s %10s %10s %12s\n' "$label" "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
    "$(cut -d' ' -f3 "$f" | median)" "$(( $(cut -d' ' -f4 "$f" | median) / 1024 ))"
done
echo "(medians of $runs runs; import = the tracker JSON into an empty database)"
