#!/usr/bin/env bash
# `imagegate db update` benchmark: a local HTTP mirror (tests/integration/lib/
# feed_server.py, with ETags) of 8 synthetic OSV all.zip feeds holding
# RECORDS records in all (bench/gen-osv.py, default 500,000), updated into an
# empty database: wall time, peak RSS, database size, records per second.
# Then the same update again (every feed answers 304), and a full re-import
# (the URLs change, so the stored ETags do not apply) while a loop of
# `imagegate scan` reads the database being replaced underneath it: each
# scan's wall time and whether it succeeded.
#
# usage: bench/run-update-bench.sh [IMAGEGATE_BINARY]   (default build/release/imagegate)
# env:   RECORDS (default 500000), IG_BENCH_DIR (default /tmp/imagegate-update-bench;
#        generated archives are kept there so that reruns skip generation)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
ig=${1:-$src/build/release/imagegate}
records=${RECORDS:-500000}
data=${IG_BENCH_DIR:-/tmp/imagegate-update-bench}
image=oci:$(dirname "$ig")/example/image:latest
for tool in python3 jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run-update-bench: $tool is missing (scripts/install-deps)"; exit 1; }
done
[ -x "$ig" ] || { echo "run-update-bench: no imagegate binary at $ig"; exit 1; }
ecos=(PyPI npm Go Maven crates.io RubyGems Packagist NuGet)
per=$((records / ${#ecos[@]}))
mkdir -p "$data/mirror/osv"
for i in "${!ecos[@]}"; do
  out=$data/mirror/osv/${ecos[$i]}/all.zip
  if [ ! -f "$out" ] || [ "$(cat "$out.records" 2>/dev/null)" != "$per" ]; then
    mkdir -p "$(dirname "$out")"
    python3 "$src/bench/gen-osv.py" --records "$per" --first $((i * per)) --seed $((i + 1)) --output "$out"
    echo "$per" > "$out.records"
  fi
done
{
  echo "bases: {osv: http://unused.invalid}"
  echo "feeds:"
  for e in "${ecos[@]}"; do echo "  - {name: bench-$e, kind: osv, base: osv, path: $e/all.zip}"; done
} > "$data/feeds.yaml"

rm -f "$data/server.log" "$data/port" "$data/imagegate.db"*
echo '{}' > "$data/faults.json"
python3 "$src/tests/integration/lib/feed_server.py" --root "$data/mirror" --port-file "$data/port" \
  --log "$data/server.log" --faults "$data/faults.json" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -f "$data/port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$(cat "$data/port")
export IMAGEGATE_DB=$data/imagegate.db IMAGEGATE_CACHE_DIR=$data/cache

# timed LABEL CMD...: prints "LABEL: wall S, CPU S, peak RSS M MiB"
timed() {
  local label=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$data/time.$label" "$@" > "$data/out.$label" 2> "$data/err.$label"
  read -r wall rss user sys < "$data/time.$label"
  echo "$label: wall ${wall} s, CPU ${user} s user + ${sys} s sys, peak RSS $((rss / 1024)) MiB"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed first "$ig" db update --feeds "$data/feeds.yaml" --mirror "$url"
imported=$("$ig" db status --format json | jq '[.sources[].records] | add')
wall=$(cut -d' ' -f1 "$data/time.first")
echo "imported $imported records: $(python3 -c "print(round($imported / $wall))") records/s (wall)," \
  "database $(( $(stat -c %s "$IMAGEGATE_DB") >> 20 )) MiB"
timed unchanged "$ig" db update --feeds "$data/feeds.yaml" --mirror "$url"
grep -q "is up to date" "$data/out.unchanged" || { echo "second update was not a no-op"; exit 1; }

# The re-import with scans reading the database meanwhile: the example image,
# when the build made it; otherwise `db status`, which opens and queries too.
reader=("$ig" scan --skip-db-age-check --format json "$image")
[ -f "$(dirname "$ig")/example/image/index.json" ] || reader=("$ig" db status --format json)
"$ig" db update --feeds "$data/feeds.yaml" --mirror "$url/." > "$data/out.replace" 2>&1 &
upd=$!
: > "$data/readers"
while kill -0 "$upd" 2>/dev/null; do
  start=$(date +%s.%N)
  if "${reader[@]}" > /dev/null 2>> "$data/readers.err"; then ok=ok; else ok=FAILED; fi
  echo "$(python3 -c "print(round(($(date +%s.%N) - $start) * 1000))") $ok" >> "$data/readers"
done
wait "$upd"
spread=$(python3 -c 'import sys; v = sorted(int(l.split()[0]) for l in open(sys.argv[1])); print(f"{v[0]}/{v[(len(v) - 1) // 2]}/{v[-1]}")' "$data/readers")
failed=$(grep -c FAILED "$data/readers" || true)
echo "re-import under readers: $(wc -l < "$data/readers") reads, $failed failed; read wall ms min/median/max: $spread"
tail -n 1 "$data/out.replace"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
