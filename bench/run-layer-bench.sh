#!/usr/bin/env bash
# Layer walk benchmark: imagegate's full per-layer pipeline against a bare
# `igzip -dc`, one layer vs two in parallel, and peak RSS on a ~1 GB layer.
#
# usage: bench/run-layer-bench.sh [BUILD_DIR]   (BUILD_DIR built with -DIG_BENCH=ON;
#        default build/bench, configured and built here when missing)
# The generated layers are deterministic and kept in /tmp/imagegate-bench.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/bench}
data=/tmp/imagegate-bench
mkdir -p "$data"
for tool in igzip gzip python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run-layer-bench: $tool is missing (scripts/install-deps)"; exit 1; }
done

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIG_BENCH=ON -DIG_TESTS=OFF >/dev/null
fi
# Always brought up to date: a bench of a stale binary measures old code.
ninja -C "$build" -j2 layer_walk_bench >/dev/null

# make_layer NAME MEGABYTES: a layer from bench/gen-layer.py (seed 42), gzip -6
# as registries' default, plus its digest and diff_id.
make_layer() {
  local name=$1 mb=$2
  [ -f "$data/$name.env" ] && return
  python3 "$src/bench/gen-layer.py" "$data/$name.tar" "$mb" 42
  local diff_id digest
  diff_id=$(sha256sum "$data/$name.tar" | cut -d' ' -f1)
  gzip -6 -n -c "$data/$name.tar" > "$data/$name.tar.gz"
  digest=$(sha256sum "$data/$name.tar.gz" | cut -d' ' -f1)
  printf 'IG_BENCH_LAYER=%s\nIG_BENCH_DIGEST=sha256:%s\nIG_BENCH_DIFF_ID=sha256:%s\nIG_BENCH_UNCOMPRESSED=%s\n' \
    "$data/$name.tar.gz" "$digest" "$diff_id" "$(stat -c %s "$data/$name.tar")" > "$data/$name.env"
  rm "$data/$name.tar"
}

# best_of N CMD...: the fastest wall time of N runs, in seconds.
best_of() {
  local n=$1 best="" t
  shift
  for _ in $(seq "$n"); do
    /usr/bin/time -f %e -o "$data/time.out" "$@" >/dev/null 2>&1
    t=$(tail -1 "$data/time.out")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
  done
  echo "$best"
}

echo "== generating layers in $data (first run only)"
make_layer layer250-v2 250
make_layer layer1g-v2 1024
set -a
# shellcheck disable=SC1091
. "$data/layer250-v2.env"
set +a
mb=$(awk -v b="$IG_BENCH_UNCOMPRESSED" 'BEGIN{printf "%.0f", b/1048576}')
echo "layer: $IG_BENCH_LAYER ($mb MiB uncompressed, $(($(stat -c %s "$IG_BENCH_LAYER") >> 20)) MiB gzip)"

bench=$build/bench/layer_walk_bench
t_igzip=$(best_of 5 igzip -dc "$IG_BENCH_LAYER")
t_one=$(best_of 5 "$bench" --walk-once 1)
t_two=$(best_of 5 "$bench" --walk-once 2)
# The two-layer limit: two igzip processes inflating the same layer at once.
t_igzip2=$(best_of 5 sh -c 'igzip -dc "$1" >/dev/null & igzip -dc "$1" >/dev/null; wait' sh "$IG_BENCH_LAYER")
awk -v i="$t_igzip" -v i2="$t_igzip2" -v o="$t_one" -v t="$t_two" -v mb="$mb" 'BEGIN{
  printf "igzip -dc > /dev/null:        %6.2f s  %7.0f MiB/s\n", i, mb / i
  printf "2 x igzip -dc in parallel:    %6.2f s  %7.0f MiB/s\n", i2, 2 * mb / i2
  printf "imagegate walk, 1 layer:      %6.2f s  %7.0f MiB/s  (%.2fx igzip)\n", o, mb / o, i / o
  printf "imagegate walk, 2 layers:     %6.2f s  %7.0f MiB/s  (%.2fx igzip on 1 layer, %.2fx 2 parallel igzips)\n", t, 2 * mb / t, i * 2 / t, i2 / t
}'

set -a
# shellcheck disable=SC1091
. "$data/layer1g-v2.env"
set +a
/usr/bin/time -v -o "$data/time.out" "$bench" --walk-once 1 >/dev/null
rss=$(awk -F': ' '/Maximum resident/{print $2}' "$data/time.out")
echo "peak RSS walking the $((IG_BENCH_UNCOMPRESSED >> 20)) MiB layer: $((rss / 1024)) MiB"
