#!/usr/bin/env bash
# `check` of the bundled example image in a local docker-registry: warm (layer
# cache filled; signature + scan + policy), and with --reuse-attestation (a
# valid verdict attestation exists, so only the resolve and the referrer
# lookup run). Prints the median and best wall time of N runs each and the
# peak RSS of one run.
#
# usage: bench/run-check-bench.sh [BUILD_DIR] [N]   (default build/release, 20;
#        BUILD_DIR must hold imagegate and example/image: build targets
#        imagegate and example_image)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
n=${2:-20}
export IMAGEGATE=$build/imagegate IG_BUILD_DIR=$build IG_SOURCE_DIR=$src
[ -f "$build/example/image/index.json" ] || { echo "run-check-bench: $build/example/image missing (target example_image)"; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "run-check-bench: /usr/bin/time is missing"; exit 1; }
. "$src/tests/integration/lib/registry_lib.sh"
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
export IMAGEGATE_DB=$W/db.sqlite IMAGEGATE_PASSWORD=bench XDG_CACHE_HOME=$W/cache
"$IMAGEGATE" db import "$src/example/advisories/debian-tracker.json" "$src/example/advisories/osv" >/dev/null
reg_push "oci:$build/example/image:latest" "docker://$R/bench/app:v1"
"$IMAGEGATE" key generate --output-key-prefix "$W/k" 2>/dev/null
"$IMAGEGATE" key generate --output-key-prefix "$W/a" 2>/dev/null
"$IMAGEGATE" sign --key "$W/k.key" "$R/bench/app:v1" 2>/dev/null
flags=(--key "$W/k.pub" --severity HIGH "$R/bench/app:v1")
# The warm-up run fills the layer cache and makes the attestation.
"$IMAGEGATE" check --attest "$W/a.key" "${flags[@]}" >/dev/null 2>&1

# timed LABEL ARGS...: N runs of `imagegate check ARGS`, each must exit 0.
timed() {
  local label=$1 i t0 t1
  shift
  local times=()
  for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N)
    "$IMAGEGATE" check "$@" >/dev/null 2>&1 || { echo "run-check-bench: check $* failed" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local median best rss
  median=$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")
  best=$(head -n1 <<<"$sorted")
  /usr/bin/time -o "$W/rss" -f '%M' "$IMAGEGATE" check "$@" >/dev/null 2>&1
  rss=$(tail -n1 "$W/rss")
  printf '%-34s median %6.1f ms   best %6.1f ms   peak RSS %6.1f MB   (%d runs)\n' "$label" \
    "$(echo "$median / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$n"
}
timed "check, warm (signature+scan+policy)" "${flags[@]}"
timed "check --reuse-attestation" --reuse-attestation "$W/a.pub" "${flags[@]}"
