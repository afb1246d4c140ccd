#!/usr/bin/env bash
# The CloudWatch Logs upload of a 5 MiB report (check --cloudwatch-log-group)
# against a local moto_server: events, PutLogEvents calls, requests (counted
# by the program and in moto's request log) and wall time of N runs, each
# into its own stream, each read back with boto3 and compared byte for byte.
#
# usage: bench/run-cwl-bench.sh [BUILD_DIR] [N] [MEBIBYTES]   (default
#        build/release, 5, 5; BUILD_DIR must hold bench/cwl_upload_bench)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
n=${2:-5}
mib=${3:-5}
bin=$build/bench/cwl_upload_bench
[ -x "$bin" ] || { echo "run-cwl-bench: $bin missing (target cwl_upload_bench)"; exit 1; }
command -v moto_server >/dev/null || { echo "run-cwl-bench: moto_server is missing"; exit 1; }
export IMAGEGATE=$build/imagegate IG_SOURCE_DIR=$src
. "$src/tests/integration/lib/registry_lib.sh"
reg_init
W=$REG_WORK
port=$(reg_free_port)
moto_server -H 127.0.0.1 -p "$port" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$port/"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_CONFIG_FILE="$W/none" AWS_SHARED_CREDENTIALS_FILE="$W/none"
FIX="python3 $src/tests/integration/lib/aws_fixture.py"
$FIX setup >/dev/null   # log group /imagegate/checks

times=()
for ((i = 1; i <= n; i++)); do
  before=$(grep -c '"POST / HTTP' "$W/moto.log" || true)
  line=$("$bin" /imagegate/checks "bench/run$i" "$mib" "$W/report$i")
  after=$(grep -c '"POST / HTTP' "$W/moto.log" || true)
  echo "run $i: $line moto_requests=$((after - before))"
  times+=("$(sed 's/.*wall_ms=//' <<<"$line")")
  $FIX read "$W/back$i" "logs:/imagegate/checks:bench/run$i"
  cmp "$W/report$i" "$W/back$i/1" || { echo "run-cwl-bench: run $i does not reassemble" >&2; exit 1; }
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "wall ms: median %.1f, best %.1f over %d runs; every run reassembled exactly\n", a[int((NR+1)/2)], a[1], NR}'
