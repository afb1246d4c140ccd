#!/usr/bin/env bash
# `imagegate lambda`, the imagegate-cdk construct's function, end to end
# without AWS: a local Lambda Runtime API (lib/lambda_runtime_api.py) hands it
# CloudFormation custom-resource events as the construct writes them, a real
# docker-registry serves the images and the database artifact, and moto_server
# answers CloudFormation's DescribeStacks. Asserted: success with the verdict
# as attributes (imagegate mode, with the database pulled from the registry;
# signature-only mode with a cosign key file and a cosign KMS key in moto), a deny as a failure whose reason
# names the rule, the finding and the waiver, the same through the Provider
# framework, Delete doing nothing, rollback errors suppressed only when asked
# and only while the stack rolls back, and a malformed event.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
ADV=$IG_SOURCE_DIR/example/advisories
export IMAGEGATE_PASSWORD=test-pw

# The database, published as the construct's docs say, then pulled by the handler.
IMAGEGATE_DB=$W/source.db "$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" >/dev/null
IMAGEGATE_DB=$W/source.db "$IMAGEGATE" db push "$R/security/imagegate-db:v1" >/dev/null 2>&1
reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/app:v1"
reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/unsigned:v1"
D=$(reg_raw_digest "$R/test/app:v1")
"$IMAGEGATE" key generate --output-key-prefix "$W/k" 2>/dev/null
"$IMAGEGATE" sign --key "$W/k.key" "$R/test/app:v1" 2>/dev/null

# The Runtime API (and moto, when installed) and the handler.
python3 "$IG_SOURCE_DIR/tests/integration/lib/lambda_runtime_api.py" --port-file "$W/ports.json" \
  >"$W/runtime-api.log" 2>&1 &
REG_PIDS+=($!)
for _ in $(seq 1 300); do [ -f "$W/ports.json" ] && break; sleep 0.1; done
[ -f "$W/ports.json" ] || { cat "$W/runtime-api.log" >&2; echo "FAIL: runtime API did not start" >&2; exit 1; }
API=127.0.0.1:$(jq -r .runtime "$W/ports.json")
MOTO_PORT=$(jq -r '.moto // empty' "$W/ports.json")
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE
# Never the real CloudFormation: without moto, a port that refuses.
export AWS_ENDPOINT_URL_CLOUDFORMATION=http://127.0.0.1:${MOTO_PORT:-1}
# A cosign KMS key in moto, for SignatureVerification.cosignKms.
KMS_ARN=
if [ -n "$MOTO_PORT" ] && command -v aws >/dev/null; then
  export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:$MOTO_PORT AWS_CONFIG_FILE=$W/no-aws-config
  KMS_ARN=$(aws --endpoint-url "$AWS_ENDPOINT_URL_KMS" --output json kms create-key --key-spec ECC_NIST_P256 \
    --key-usage SIGN_VERIFY | jq -r .KeyMetadata.Arn)
  reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/kms:v1"
  "$IMAGEGATE" sign --key "awskms:///$KMS_ARN" "$R/test/kms:v1" 2>/dev/null
fi
mkdir -p "$W/lambda-db"
AWS_LAMBDA_RUNTIME_API=$API IMAGEGATE_DB=$W/lambda-db/imagegate.db \
  "$IMAGEGATE" lambda --work-dir "$W/lambda-work" >"$W/lambda.out" 2>"$W/lambda.err" &
LAMBDA_PID=$!
REG_PIDS+=($LAMBDA_PID)

STACK=arn:aws:cloudformation:us-east-1:123456789012:stack/app/none
if [ -n "$MOTO_PORT" ]; then
  STACK=$(curl -sf -X POST --data '{"name":"app","status":"CREATE_IN_PROGRESS"}' "http://$API/test/stack")
  ROLLING=$(curl -sf -X POST --data '{"name":"rolling","status":"UPDATE_ROLLBACK_IN_PROGRESS"}' "http://$API/test/stack")
fi

# event TYPE PROPS_JSON [STACK] [DIRECT]: enqueues a custom-resource event and
# prints its request id. DIRECT=no gives the Provider framework's placeholder URL.
event() {
  local type=$1 props=$2 stack=${3:-$STACK} direct=${4:-yes} url
  url="http://$API/cfn/@ID@"
  [ "$direct" = yes ] || url="..."
  jq -n --arg t "$type" --arg u "$url" --arg s "$stack" --argjson p "$props" '{
      RequestType: $t, ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:imagegate",
      ResponseURL: $u, StackId: $s, RequestId: "@ID@", LogicalResourceId: "VerifierResource",
      ResourceType: "Custom::ImagegateVerifier", ResourceProperties: $p }
    | if $t != "Create" then . + {PhysicalResourceId: "imagegate-VerifierResource", OldResourceProperties: $p} else . end' |
    curl -sf -X POST --data-binary @- "http://$API/test/enqueue"
}
# result ID: the recorded answer to ID, in $W/result.json.
result() {
  curl -sf "http://$API/test/result/$1" >"$W/result.json"
  if [ "$(jq -r .kind "$W/result.json")" = none ]; then
    echo "FAIL: no answer to $1" >&2
    cat "$W/lambda.err" >&2
    exit 1
  fi
}
cfn() { jq -r ".cfn.body | fromjson | $1" "$W/result.json"; }

# Properties as CloudFormation delivers them: every scalar a string.
base=$(jq -n --arg r "$R/test/app" '{ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:imagegate",
  addr: "c8", repositoryUri: $r, imageTag: "v1", startScan: "false", failOnVulnerability: "true",
  ignoreFindings: [], suppressErrorOnRollback: "true", defaultLogGroupName: "/aws/lambda/x",
  pollingTimeoutSeconds: "840"}')
props() { jq -c ". + $1" <<<"$base"; }

# --- imagegate mode, HIGH only: allow, with the database pulled ----------------
id=$(event Create "$(props "{scanType: \"IMAGEGATE\", database: \"$R/security/imagegate-db:v1\", severity: [\"HIGH\"]}")")
result "$id"
check "allow: runtime response" "$(jq -r .kind "$W/result.json")" "response"
check "allow: status" "$(cfn .Status)" "SUCCESS"
check "allow: decision" "$(cfn .Data.Decision)" "allow"
check "allow: digest" "$(cfn .Data.ImageDigest)" "$D"
check "allow: counts" "$(cfn .Data.FindingsCRITICAL)" "1"
check "allow: physical id" "$(cfn .PhysicalResourceId)" "imagegate-VerifierResource"
check "allow: request id" "$(cfn .RequestId)" "$id"
check "allow: no content type" "$(jq -r .cfn.content_type "$W/result.json")" "null"
check "allow: runtime body = cfn body" "$(jq -r .body "$W/result.json")" "$(jq -r .cfn.body "$W/result.json")"
[ -s "$W/lambda-db/imagegate.db" ] || { echo "FAIL: the database was not pulled into the --db file" >&2; exit 1; }

# --- the default CRITICAL rule: deny, readable reason, stack not rolling back ----
id=$(event Create "$(props '{scanType: "IMAGEGATE"}')")
result "$id"
check "deny: status" "$(cfn .Status)" "FAILED"
check "deny: decision attribute" "$(cfn .Data.Decision)" "deny"
reason=$(cfn .Reason)
printf "the deny as the CloudFormation console shows it:\n%s\n" "$reason"
for want in "imagegate denied $R/test/app:v1 (by vulnerability rules)" "vulnerabilities.severity: " \
    "CVE-2023-45853 in zlib1g" "ignoreFindings"; do
  grep -qF -- "$want" <<<"$reason" || { echo "FAIL: reason lacks '$want': $reason" >&2; exit 1; }
done
[ "$(jq -r .cfn.body "$W/result.json" | wc -c)" -le 4096 ] || { echo "FAIL: response over 4 KB" >&2; exit 1; }

# --- a waiver through ignoreFindings: allow -------------------------------------
id=$(event Update "$(props '{scanType: "IMAGEGATE", ignoreFindings: ["CVE-2023-45853"]}')")
result "$id"
check "waived: status" "$(cfn .Status)" "SUCCESS"
check "waived: decision" "$(cfn .Data.Decision)" "allow"

# --- failOnVulnerability false: success with a warn verdict --------------------
id=$(event Update "$(props '{scanType: "IMAGEGATE", failOnVulnerability: "false"}')")
result "$id"
check "notify only: status" "$(cfn .Status)" "SUCCESS"
check "notify only: decision" "$(cfn .Data.Decision)" "warn"

# --- a policy file's contents ---------------------------------------------------
id=$(event Update "$(props '{scanType: "IMAGEGATE", policy: "version: 1\nvulnerabilities: {severities: [MEDIUM]}\n"}')")
result "$id"
check "policy: status" "$(cfn .Status)" "FAILED"
grep -qF "MEDIUM" <<<"$(cfn .Reason)" || { echo "FAIL: policy reason: $(cfn .Reason)" >&2; exit 1; }

# --- the Provider framework: the deny is the invocation's error -----------------
id=$(event Create "$(props '{scanType: "IMAGEGATE"}')" "$STACK" no)
result "$id"
check "provider deny: kind" "$(jq -r .kind "$W/result.json")" "error"
check "provider deny: type" "$(jq -r .error_type "$W/result.json")" "Imagegate.CheckFailed"
check "provider deny: no PUT" "$(jq -r .cfn "$W/result.json")" "null"
grep -qF "CVE-2023-45853" <<<"$(jq -r '.body | fromjson | .errorMessage' "$W/result.json")" ||
  { echo "FAIL: provider error lacks the finding" >&2; exit 1; }
id=$(event Create "$(props '{scanType: "IMAGEGATE", severity: ["HIGH"]}')" "$STACK" no)
result "$id"
check "provider allow: kind" "$(jq -r .kind "$W/result.json")" "response"
check "provider allow: decision" "$(jq -r '.body | fromjson | .Data.Decision' "$W/result.json")" "allow"
check "provider allow: physical id" "$(jq -r '.body | fromjson | .PhysicalResourceId' "$W/result.json")" \
  "imagegate-VerifierResource"

# --- signature-only with a cosign key --------------------------------------------
sig=$(jq -n --rawfile k "$W/k.pub" '{type: "COSIGN", publicKey: $k, failOnUnsigned: "true"}')
id=$(event Create "$(props "{scanType: \"SIGNATURE_ONLY\", signatureVerification: $sig}")")
result "$id"
check "signed: status" "$(cfn .Status)" "SUCCESS"
check "signed: signature" "$(cfn .Data.SignatureStatus)" "verified"
check "signed: no scan" "$(cfn .Data.FindingsCRITICAL)" "0"
id=$(event Create "$(props "{scanType: \"SIGNATURE_ONLY\", signatureVerification: $sig, repositoryUri: \"$R/test/unsigned\"}")")
result "$id"
check "unsigned: status" "$(cfn .Status)" "FAILED"
grep -qF "signatures.required" <<<"$(cfn .Reason)" || { echo "FAIL: unsigned reason: $(cfn .Reason)" >&2; exit 1; }

# --- signature-only with a cosign KMS key (the key's ARN, as cosignKms passes it)
if [ -n "$KMS_ARN" ]; then
  kms=$(jq -n --arg a "$KMS_ARN" '{type: "COSIGN", kmsKeyArn: $a, failOnUnsigned: "true"}')
  id=$(event Create "$(props "{scanType: \"SIGNATURE_ONLY\", signatureVerification: $kms, repositoryUri: \"$R/test/kms\"}")")
  result "$id"
  check "kms signed: status" "$(cfn .Status)" "SUCCESS"
  check "kms signed: signature" "$(cfn .Data.SignatureStatus)" "verified"
  id=$(event Create "$(props "{scanType: \"SIGNATURE_ONLY\", signatureVerification: $kms}")")
  result "$id"
  check "kms, other key's image: status" "$(cfn .Status)" "FAILED"
else
  echo "skip: cosign KMS case (moto or the AWS CLI is not installed)"
fi

# --- Delete does nothing, whatever the properties say ---------------------------
id=$(event Delete '{"scanType": "NOT-A-MODE", "repositoryUri": "127.0.0.1:1/nothing"}')
result "$id"
check "delete: status" "$(cfn .Status)" "SUCCESS"
check "delete: physical id kept" "$(cfn .PhysicalResourceId)" "imagegate-VerifierResource"

# --- bad properties: a failure naming the property ------------------------------
id=$(event Create "$(props '{scanType: "IMAGEGATE", failOnVulnerability: "maybe"}')")
result "$id"
check "bad property: status" "$(cfn .Status)" "FAILED"
grep -qF "failOnVulnerability" <<<"$(cfn .Reason)" || { echo "FAIL: $(cfn .Reason)" >&2; exit 1; }

# --- check cannot decide (no such image): its own error is the reason ---------
id=$(event Create "$(props "{scanType: \"IMAGEGATE\", repositoryUri: \"$R/test/missing\"}")")
result "$id"
check "missing image: status" "$(cfn .Status)" "FAILED"
grep -qF "imagegate check failed (exit 3)" <<<"$(cfn .Reason)" || { echo "FAIL: $(cfn .Reason)" >&2; exit 1; }

# --- rollback: suppressed only when asked and only while rolling back ----------
if [ -n "$MOTO_PORT" ]; then
  id=$(event Update "$(props '{scanType: "IMAGEGATE"}')" "$ROLLING")
  result "$id"
  check "rollback suppressed: status" "$(cfn .Status)" "SUCCESS"
  check "rollback suppressed: marked" "$(cfn .Data.Suppressed)" "true"
  id=$(event Update "$(props '{scanType: "IMAGEGATE", suppressErrorOnRollback: "false"}')" "$ROLLING")
  result "$id"
  check "rollback not suppressed: status" "$(cfn .Status)" "FAILED"
else
  echo "skip: rollback cases (moto is not installed)"
fi

# --- not an event ---------------------------------------------------------------
id=$(curl -sf -X POST --data 'not json' "http://$API/test/enqueue")
result "$id"
check "malformed: kind" "$(jq -r .kind "$W/result.json")" "error"
check "malformed: type" "$(jq -r .error_type "$W/result.json")" "Imagegate.InvalidEvent"

kill -0 "$LAMBDA_PID" || { echo "FAIL: the handler exited" >&2; cat "$W/lambda.err" >&2; exit 1; }
echo "lambda_handler: all passed"
