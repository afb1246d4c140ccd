#!/usr/bin/env bash
# `imagegate lambda` through a local Lambda Runtime API
# (tests/integration/lib/lambda_runtime_api.py), no AWS:
#   cold start: process start until the first invocation (a Delete) is
#               answered and the process has exited (--max-invocations 1);
#   warm check: one handler process, a Create event of the bundled example
#               image (imagegate mode: signature + scan + policy) from enqueue
#               to the recorded answer, after one run filled the layer cache,
#               and the same check run directly;
# and for comparison what a Node.js handler that shells out pays before its
# first line runs: `node -e` start-up, with and without spawning a child.
# Prints medians and best of N runs, and the binaries' sizes.
#
# usage: bench/run-lambda-bench.sh [BUILD_DIR] [N]   (default build/release, 20)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
n=${2:-20}
export IMAGEGATE=$build/imagegate IG_BUILD_DIR=$build IG_SOURCE_DIR=$src
[ -f "$build/example/image/index.json" ] || { echo "run-lambda-bench: $build/example/image missing (target example_image)"; exit 1; }
. "$src/tests/integration/lib/registry_lib.sh"
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
export IMAGEGATE_DB=$W/db.sqlite IMAGEGATE_PASSWORD=bench
"$IMAGEGATE" db import "$src/example/advisories/debian-tracker.json" "$src/example/advisories/osv" >/dev/null
reg_push "oci:$build/example/image:latest" "docker://$R/bench/app:v1"
"$IMAGEGATE" key generate --output-key-prefix "$W/k" 2>/dev/null
"$IMAGEGATE" sign --key "$W/k.key" "$R/bench/app:v1" 2>/dev/null

python3 "$src/tests/integration/lib/lambda_runtime_api.py" --port-file "$W/ports.json" >"$W/api.log" 2>&1 &
REG_PIDS+=($!)
for _ in $(seq 1 300); do [ -f "$W/ports.json" ] && break; sleep 0.1; done
API=127.0.0.1:$(jq -r .runtime "$W/ports.json")
export AWS_LAMBDA_RUNTIME_API=$API AWS_ENDPOINT_URL_CLOUDFORMATION=http://127.0.0.1:1

enqueue() {
  jq -n --arg t "$1" --argjson p "$2" --arg u "http://$API/cfn/@ID@" '{RequestType: $t, ResponseURL: $u,
    StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/b/1", RequestId: "@ID@",
    LogicalResourceId: "V", PhysicalResourceId: "imagegate-V", ResourceProperties: $p}' |
    curl -sf -X POST --data-binary @- "http://$API/test/enqueue"
}
now_us() { echo $(($(date +%s%N) / 1000)); }
# stats LABEL MICROSECONDS...: median and best.
stats() {
  local label=$1
  shift
  local sorted
  sorted=$(printf '%s\n' "$@" | sort -n)
  printf '%-52s median %7.1f ms   best %7.1f ms   (%d runs)\n' "$label" \
    "$(echo "$(sed -n "$((($# + 1) / 2))p" <<<"$sorted") / 1000" | bc -l)" \
    "$(echo "$(head -n1 <<<"$sorted") / 1000" | bc -l)" "$#"
}

# Cold start: the event waits in the queue, as on Lambda's first invocation.
times=()
for ((i = 0; i < n; i++)); do
  enqueue Delete '{}' >/dev/null
  t0=$(now_us)
  "$IMAGEGATE" lambda --max-invocations 1 --work-dir "$W/work" >/dev/null 2>&1
  times+=($(($(now_us) - t0)))
done
stats "cold start to first answer (Delete), process exit" "${times[@]}"

# Warm checks through one handler's loop.
"$IMAGEGATE" lambda --work-dir "$W/work" >/dev/null 2>"$W/lambda.err" &
REG_PIDS+=($!)
pub=$(jq -Rs . <"$W/k.pub")
props=$(jq -n --arg r "$R/bench/app" --argjson k "$pub" '{repositoryUri: $r, imageTag: "v1", scanType: "IMAGEGATE",
  severity: ["HIGH"], signatureVerification: {type: "COSIGN", publicKey: $k, failOnUnsigned: "true"}}')
# One client process enqueues each event and waits for its answer, so no
# process start of the harness is inside the measured time.
event=$(jq -n --arg u "http://$API/cfn/@ID@" --argjson p "$props" '{RequestType: "Create", ResponseURL: $u,
  StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/b/1", RequestId: "@ID@", LogicalResourceId: "V",
  ResourceProperties: $p}')
mapfile -t times < <(python3 - "$API" "$((n + 1))" "$event" <<'PY'
import json, sys, time, urllib.request
api, runs, event = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
for i in range(runs):
    t0 = time.monotonic()
    rid = urllib.request.urlopen(f"http://{api}/test/enqueue", data=event).read().decode()
    r = json.loads(urllib.request.urlopen(f"http://{api}/test/result/{rid}").read())
    us = int((time.monotonic() - t0) * 1e6)
    if json.loads(r["cfn"]["body"])["Status"] != "SUCCESS":
        sys.exit(f"run-lambda-bench: check failed: {r}")
    if i > 0:  # the first run fills the layer cache
        print(us)
PY
)
[ "${#times[@]}" -eq "$n" ] || { echo "run-lambda-bench: warm runs failed" >&2; cat "$W/lambda.err" >&2; exit 1; }
stats "warm check (key + scan + policy) via runtime loop" "${times[@]}"
# The same check run directly, so the loop's own cost shows at any load.
times=()
for ((i = 0; i < n; i++)); do
  t0=$(now_us)
  "$IMAGEGATE" check "$R/bench/app:v1" --key "$W/k.pub" --severity HIGH -f json -o "$W/v.json" 2>/dev/null
  times+=($(($(now_us) - t0)))
done
stats "the same check run directly" "${times[@]}"

if command -v node >/dev/null; then
  times=()
  for ((i = 0; i < n; i++)); do
    t0=$(now_us)
    node -e '' >/dev/null
    times+=($(($(now_us) - t0)))
  done
  stats "node -e '' (Node.js start-up)" "${times[@]}"
  times=()
  for ((i = 0; i < n; i++)); do
    t0=$(now_us)
    node -e 'require("child_process").execFileSync("true")' >/dev/null
    times+=($(($(now_us) - t0)))
  done
  stats "node -e execFileSync('true') (shelling out)" "${times[@]}"
  node_bin=$(readlink -f "$(command -v node)")
  printf 'node binary: %s, %.1f MB (%s)\n' "$node_bin" "$(echo "$(stat -c %s "$node_bin") / 1048576" | bc -l)" "$(node --version)"
fi
printf 'imagegate binary: %.1f MB; stripped: %.1f MB\n' "$(echo "$(stat -c %s "$IMAGEGATE") / 1048576" | bc -l)" \
  "$(strip -o "$W/ig.stripped" "$IMAGEGATE" && echo "$(stat -c %s "$W/ig.stripped") / 1048576" | bc -l)"
