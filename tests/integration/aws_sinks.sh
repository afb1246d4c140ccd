#!/usr/bin/env bash
# check's AWS sinks against one moto_server: S3 scan logs (objects read back,
# SSE-KMS echoed, a multipart upload for a large SBOM), CloudWatch Logs
# (events read back with boto3 and reassembled exactly), SNS (read back
# through an SQS subscription) and EventBridge (a rule with an SQS target);
# deny versus warn, failures that fail the command and failures that only
# warn, and finally signatures checked by moto (reset-auth), so a wrong
# signature fails. moto does not enforce CloudWatch's batch limits: the
# batches are asserted in src/aws/logs_test.cpp.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
command -v moto_server >/dev/null 2>&1 || { echo "SKIP: moto_server is not installed"; exit 77; }
python3 -c 'import boto3' 2>/dev/null || { echo "SKIP: python3 boto3 is not installed"; exit 77; }
reg_init
W=$REG_WORK
# boto3 reads back what imagegate wrote, several reads per process (each
# start costs about a second).
FIX="python3 $IG_SOURCE_DIR/tests/integration/lib/aws_fixture.py"
n=0
aws_read() {  # aws_read SPEC... : files $W/r<n>/1, 2, ... (see aws_fixture.py)
  n=$((n + 1))
  R=$W/r$n
  $FIX read "$R" "$@"
}

MOTO_PORT=$(reg_free_port)
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$MOTO_PORT/"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"

# The resources a user would have made: bucket scan-logs, log group
# /imagegate/checks, a topic with an SQS subscription, an EventBridge rule
# on source imagegate with an SQS target.
eval "$($FIX setup)"

# The example image and advisories: CRITICAL zlib, so the default policy denies (21).
export IMAGEGATE_DB=$W/db.sqlite
"$IMAGEGATE" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
SINKS=(--s3-output s3://scan-logs/ci/ --s3-kms-key alias/scan-logs --cloudwatch-log-group /imagegate/checks
  --sns-topic "$TOPIC" --eventbridge-bus default)

rc=0
"$IMAGEGATE" check --format json "${SINKS[@]}" "$IMAGE" >"$W/verdict.json" 2>"$W/err" || rc=$?
check "deny exit code with every sink" "$rc" "21"
[ ! -s "$W/err" ] || { echo "FAIL: unexpected stderr:" >&2; cat "$W/err" >&2; exit 1; }

aws_read list:scan-logs:ci/ streams:/imagegate/checks logs:/imagegate/checks:image_latest/verdict \
  logs:/imagegate/checks:image_latest/findings "sqs:$ALERTS" "sqs:$EVENTS"
D=$R
# S3: <prefix>/<repository>_<tag>/<YYYYMMDDTHHMMSSZ>/ with the whole record.
FOLDER=$(head -1 "$D/1" | cut -d/ -f1-3)
[[ "$FOLDER" =~ ^ci/image_latest/[0-9]{8}T[0-9]{6}Z$ ]] || { echo "FAIL: folder $FOLDER" >&2; exit 1; }
check "S3 objects" "$(sed "s|^$FOLDER/||" "$D/1" | sort | tr '\n' ' ')" \
  "findings.json policy.applied.json sbom.json summary.txt verdict.json "
aws_read "get:scan-logs:$FOLDER/verdict.json" "head:scan-logs:$FOLDER/findings.json" "get:scan-logs:$FOLDER/findings.json"
cmp "$W/verdict.json" "$R/1" && echo "ok: S3 verdict.json is the verdict printed"
check "SSE-KMS" "$(jq -r '.ServerSideEncryption + " " + .SSEKMSKeyId + " " + .ContentType' "$R/2")" \
  "aws:kms alias/scan-logs application/json"
check "findings.json in S3" "$(jq -r '[.findings[].id] | join(",")' "$R/3")" \
  "CVE-2023-5678,CVE-2024-0727,CVE-2023-45853"
# CloudWatch Logs: a stream per image and kind, reassembled exactly.
check "log streams" "$(sort "$D/2" | tr '\n' ' ')" \
  "image_latest/findings image_latest/sbom image_latest/summary image_latest/verdict "
cmp "$W/verdict.json" "$D/3" && echo "ok: CloudWatch verdict reassembles exactly"
cmp "$R/3" "$D/4" && echo "ok: CloudWatch findings equal the S3 object"
# SNS through SQS: the readable text (default); EventBridge through SQS: the verdict as detail.
check "SNS subject" "$(jq -r .Subject "$D/5")" "imagegate: DENY for $IMAGE"
jq -r .Message "$D/5" >"$W/sns.txt"
check "SNS text first line" "$(head -1 "$W/sns.txt")" "imagegate check: DENY (exit 21: denied by a vulnerability rule)"
grep -q "^  - CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1 (CRITICAL" "$W/sns.txt" && echo "ok: SNS text lists the finding"
grep -qF "Findings: CRITICAL: 1, HIGH: 0, MEDIUM: 2" "$W/sns.txt" && echo "ok: SNS text has the counts"
check "event source and type" "$(jq -r '.source + "|" + ."detail-type"' "$D/6")" "imagegate|imagegate check verdict"
check "event detail is the verdict" "$(jq -S -c .detail "$D/6")" "$(jq -S -c . "$W/verdict.json")"

# warn (--notify-only): EventBridge gets it, SNS only with --notify-on-warn.
"$IMAGEGATE" check --notify-only --sns-topic "$TOPIC" --eventbridge-bus default "$IMAGE" >/dev/null
aws_read "sqs-empty:$ALERTS" "sqs:$EVENTS"
check "no SNS alert on warn by default" "$(cat "$R/1")" "empty"
check "warn event" "$(jq -r .detail.decision "$R/2")" "warn"
"$IMAGEGATE" check --notify-only --notify-on-warn --sns-topic "$TOPIC" "$IMAGE" >/dev/null

# A large SBOM (8,000 extra dpkg packages, about 9.5 MB) goes up in parts,
# and into CloudWatch as many events over several calls that reassemble
# exactly, multi-byte characters included.
cp -r "$IG_SOURCE_DIR/example" "$W/big"
mkdir -p "$W/big/layers/3/var/lib/dpkg"
python3 - "$W/big/layers/1/var/lib/dpkg/status" "$W/big/layers/3/var/lib/dpkg/status" <<'PY'
import sys
out = [open(sys.argv[1]).read().rstrip("\n") + "\n\n"]
for i in range(8000):
    out.append(f"Package: bulk-{i:05d}\nStatus: install ok installed\nPriority: optional\nSection: misc\n"
               f"Maintainer: Bulk <bulk@example.invalid>\nArchitecture: amd64\nVersion: 1.0.{i}-1\n"
               f"Description: généré {i} 📦\n\n")
open(sys.argv[2], "w").write("".join(out))
PY
"$IG_SOURCE_DIR/scripts/make-example-image" "$W/big" "$W/big-image"
rc=0
"$IMAGEGATE" check --s3-output s3://scan-logs/big --cloudwatch-log-group /imagegate/checks "oci:$W/big-image:latest" \
  >/dev/null 2>"$W/err" || rc=$?
check "large image check" "$rc" "21"
aws_read "sqs:$ALERTS" list:scan-logs:big/ logs:/imagegate/checks:big-image_latest/sbom
check "SNS on warn with --notify-on-warn" "$(jq -r .Subject "$R/1")" "imagegate: WARN for $IMAGE"
SBOM_KEY=$(grep /sbom.json "$R/2")
CWL_SBOM=$R/3
aws_read "head:scan-logs:$SBOM_KEY" "get:scan-logs:$SBOM_KEY"
SIZE=$(jq -r .ContentLength "$R/1")
[ "$SIZE" -gt $((8 * 1024 * 1024)) ] || { echo "FAIL: SBOM of $SIZE bytes is not above the 8 MiB part size" >&2; exit 1; }
check "multipart ETag (2 parts)" "$(jq -r .ETag "$R/1" | tr -d '"' | sed 's/.*-//')" "2"
check "SBOM components" "$(jq '[.components[] | select(.name | startswith("bulk-"))] | length' "$R/2")" "8000"
cmp "$R/2" "$CWL_SBOM" && echo "ok: a $SIZE-byte SBOM reassembles exactly from CloudWatch"
grep -q "CompleteMultipartUpload\|uploadId=" "$W/moto.log" && echo "ok: moto saw the multipart calls"

# Failures: a missing bucket or log group fails the command (the user asked
# for those logs); a missing topic only warns and keeps the verdict's code.
expect_fail 3 "s3://no-such-bucket" "$IMAGEGATE" check --s3-output s3://no-such-bucket/x "$IMAGE"
grep -q "NoSuchBucket" "$W/err" && echo "ok: the S3 error names NoSuchBucket"
expect_fail 3 "--cloudwatch-create-log-group" "$IMAGEGATE" check --cloudwatch-log-group /missing "$IMAGE"
"$IMAGEGATE" check --cloudwatch-log-group /made/here --cloudwatch-create-log-group "$IMAGE" >/dev/null || rc=$?
expect_fail 21 "warning: publishing to SNS topic arn:aws:sns:us-east-1:123456789012:gone" \
  "$IMAGEGATE" check --sns-topic arn:aws:sns:us-east-1:123456789012:gone "$IMAGE"
expect_fail 21 "warning: sending the verdict to EventBridge bus nosuchbus" \
  "$IMAGEGATE" check --eventbridge-bus nosuchbus "$IMAGE"
expect_fail 2 "s3://BUCKET" "$IMAGEGATE" check --s3-output scan-logs/x "$IMAGE"
expect_fail 2 "not a topic ARN" "$IMAGEGATE" check --sns-topic image-alerts "$IMAGE"
expect_fail 2 "--s3-output" "$IMAGEGATE" check --s3-kms-key alias/x "$IMAGE"
aws_read groups:/made
check "log group created" "$(cat "$R/1")" "/made/here"

# Signatures checked: moto verifies SigV4 once an IAM user exists and auth is
# on. A correct key writes (S3 payload hash included); a wrong secret fails.
# SNS is left out here: moto checks a query-protocol signature against the
# form re-encoded as botocore does ('+' for spaces), and the shared client
# sends RFC 3986 '%20' (which AWS itself accepts).
read -r KEY SECRET <<<"$($FIX iam-user)"
curl -sf -X POST -H 'Content-Type: text/plain' --data 0 "$AWS_ENDPOINT_URL/moto-api/reset-auth" >/dev/null
rc=0
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET "$IMAGEGATE" check --s3-output s3://scan-logs/signed \
  --cloudwatch-log-group /imagegate/checks --eventbridge-bus default "$IMAGE" >/dev/null 2>"$W/err" || rc=$?
check "signed requests accepted" "$rc" "21"
[ ! -s "$W/err" ] || { echo "FAIL: unexpected stderr:" >&2; cat "$W/err" >&2; exit 1; }
# (botocore's own signed ListObjectsV2 fails moto's check, so moto's request
# log tells what it accepted.)
check "signed S3 objects accepted" "$(grep -c '"PUT /scan-logs/signed/image_latest/[0-9TZ]*/[a-z.]*json HTTP/1.1" 200\|"PUT /scan-logs/signed/image_latest/[0-9TZ]*/summary.txt HTTP/1.1" 200' "$W/moto.log")" "5"
rc=0
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=wrong "$IMAGEGATE" check --s3-output s3://scan-logs/signed "$IMAGE" \
  >/dev/null 2>"$W/err" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 21 ] || { echo "FAIL: a wrong secret gave exit $rc" >&2; exit 1; }
grep -q "SignatureDoesNotMatch" "$W/err" || { echo "FAIL: no SignatureDoesNotMatch in:" >&2; cat "$W/err" >&2; exit 1; }
echo "ok: a wrong secret is refused (exit $rc, SignatureDoesNotMatch)"
echo "aws_sinks: all checks passed"
