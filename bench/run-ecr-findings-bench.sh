#!/usr/bin/env bash
# `check --findings-from ecr` to a verdict on a COMPLETE enhanced scan with
# 1,000 findings, read over several pages, against moto_server. moto ignores
# page tokens, so bench/ecr_paging_proxy.py sits in front of it and pages
# DescribeImageScanFindings (PAGE findings a page). Prints the request count
# (from --debug) and the median and best wall time of N runs.
#
# usage: bench/run-ecr-findings-bench.sh [BUILD_DIR] [N] [PAGE]   (default build/release, 10, 250)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
n=${2:-10}
page=${3:-250}
export IMAGEGATE=$build/imagegate IG_BUILD_DIR=$build IG_SOURCE_DIR=$src
for t in moto_server python3 bc; do
  command -v "$t" >/dev/null || { echo "run-ecr-findings-bench: $t is missing"; exit 1; }
done
. "$src/tests/integration/lib/registry_lib.sh"
reg_init
W=$REG_WORK
MOTO_PORT=$(reg_free_port)
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
MOTO="http://127.0.0.1:$MOTO_PORT"
reg_wait_http "$MOTO/"
PROXY_PORT=$(reg_free_port)
python3 "$src/bench/ecr_paging_proxy.py" "$PROXY_PORT" "$MOTO" "$page" &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$PROXY_PORT/"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$W/none" AWS_SHARED_CREDENTIALS_FILE="$W/none"

python3 - "$MOTO" <<'PY'
import json, sys, boto3, urllib.request
moto = sys.argv[1]
ecr = boto3.client("ecr", endpoint_url=moto)
ecr.create_repository(repositoryName="bench/app")
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + "5" * 64, "size": 2},
  "layers": []})
digest = ecr.put_image(repositoryName="bench/app", imageManifest=manifest, imageTag="v1")["image"]["imageId"]["imageDigest"]
ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[
    {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
ecr.start_image_scan(repositoryName="bench/app", imageId={"imageDigest": digest})  # moto needs a scan on record
sev = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
findings = []
for i in range(1000):
    findings.append({"findingArn": "arn:aws:inspector2:us-east-1:123456789012:finding/%04d" % i,
      "type": "PACKAGE_VULNERABILITY", "severity": sev[i % 5], "title": "CVE-2024-%05d - pkg%d" % (i, i % 97),
      "description": "x" * 200, "score": 5.0 + (i % 50) / 10, "fixAvailable": "YES", "exploitAvailable": "NO",
      "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2024-%05d" % i,
        "cvss": [{"baseScore": 7.5, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "source": "NVD", "version": "3.1"}],
        "vulnerablePackages": [{"name": "pkg%d" % (i % 97), "version": "1.%d.0" % i, "packageManager": "OS",
                                "fixedInVersion": "1.%d.1" % i}]}})
result = {"registryId": "123456789012", "repositoryName": "bench/app", "imageId": {"imageDigest": digest},
  "imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"enhancedFindings": findings}}
urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/static/ecr/scan-finding-results", method="POST",
  data=json.dumps({"account_id": "123456789012", "region": "us-east-1", "results": [result]}).encode(),
  headers={"Content-Type": "application/json"})).read()
PY

export AWS_ENDPOINT_URL="http://127.0.0.1:$PROXY_PORT"
IMG=123456789012.dkr.ecr.us-east-1.amazonaws.com/bench/app:v1
rc=0
"$IMAGEGATE" --debug check --findings-from ecr --format json "$IMG" >"$W/verdict.json" 2>"$W/debug" || rc=$?
[ "$rc" -eq 21 ] || { echo "run-ecr-findings-bench: expected a deny (21), got $rc" >&2; cat "$W/debug" >&2; exit 1; }
grep -o "Amazon ECR: scan .*" "$W/debug"
times=()
for ((i = 0; i < n; i++)); do
  t0=$(date +%s%N)
  "$IMAGEGATE" check --findings-from ecr "$IMG" >/dev/null 2>&1 || [ $? -eq 21 ]
  t1=$(date +%s%N)
  times+=($(((t1 - t0) / 1000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")
best=$(head -n1 <<<"$sorted")
printf 'check --findings-from ecr, 1000 enhanced findings, %d a page: median %.1f ms, best %.1f ms (%d runs)\n' \
  "$page" "$(echo "$median / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)" "$n"
# imagegate's own share: the wall time above is mostly moto's (Python)
# serialising the 1,000 findings once per page request.
if command -v /usr/bin/time >/dev/null; then
  /usr/bin/time -f 'imagegate itself: %U s user, %S s sys, peak RSS %M KB' "$IMAGEGATE" check --findings-from ecr "$IMG" \
    >/dev/null 2>"$W/t" || true
  tail -n1 "$W/t"
fi
