#!/usr/bin/env bash
# ECR and Inspector as findings sources (--findings-from ecr|inspector) and
# Inspector's SBOM export, against moto_server on 127.0.0.1. Images exist
# only in moto's ECR (put-image): with these sources and the default policy
# check never pulls the image, as ecr-scan-verifier does.
#
# moto hands out one seeded DescribeImageScanFindings answer per image, so a
# sequence IN_PROGRESS → COMPLETE cannot be seeded: the polling state machine
# is unit-tested with a fake clock (src/aws/ecr_scan_test.cpp); here each
# terminal status gets its own image. moto does not implement
# CreateSbomExport/GetSbomExport: lib/inspector_sbom_server.py stands in for
# them, following the API reference, and writes into moto's S3.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
for t in moto_server python3 jq curl; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
python3 -c "import boto3" 2>/dev/null || { echo "SKIP: python3 boto3 is not installed"; exit 77; }
reg_init
W=$REG_WORK

MOTO_PORT=$(reg_free_port)
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
MOTO="http://127.0.0.1:$MOTO_PORT"
reg_wait_http "$MOTO/"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="$MOTO"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"
ACCOUNT=123456789012
HOST=$ACCOUNT.dkr.ecr.us-east-1.amazonaws.com

# Repositories, one image each (the same manifest), and the scan results
# each should get. "scanned" images get a StartImageScan here, as scan on
# push would (moto answers ScanNotFoundException for an image never scanned).
python3 - "$MOTO" "$ACCOUNT" >"$W/digest" <<'PY'
import json, sys, boto3, urllib.request
moto, account = sys.argv[1], sys.argv[2]
ecr = boto3.client("ecr", endpoint_url=moto)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + "4" * 64, "size": 2},
  "layers": []})
def basic(name, sev, pkg="openssl", ver="1.1.1n-0+deb11u3"):
    return {"name": name, "severity": sev, "uri": "https://security-tracker.debian.org/tracker/" + name,
            "attributes": [{"key": "package_name", "value": pkg}, {"key": "package_version", "value": ver},
                           {"key": "CVSS2_SCORE", "value": "7.5"}]}
scans = {
  "basic/critical": ("COMPLETE", [basic("CVE-2023-0286", "CRITICAL"), basic("CVE-2022-4415", "MEDIUM", "systemd", "247.3-7")], False),
  "basic/medium": ("COMPLETE", [basic("CVE-2022-4415", "MEDIUM", "systemd", "247.3-7"), basic("CVE-2005-2541", "UNDEFINED", "tar", "1.34")], True),
  "basic/noscan": None,
  "basic/failed": ("FAILED", [], True),
  "basic/unsupported": ("UNSUPPORTED_IMAGE", [], True),
  "basic/expired": ("SCAN_ELIGIBILITY_EXPIRED", [], True),
  "basic/unavailable": ("FINDINGS_UNAVAILABLE", [], True),
  "basic/progress": ("IN_PROGRESS", [], True),
  "basic/pending": ("PENDING", [], True),
  "enhanced/app": ("ACTIVE", "enhanced", True),
}
results = []
for repo, scan in scans.items():
    ecr.create_repository(repositoryName=repo)
    digest = ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")["image"]["imageId"]["imageDigest"]
    if scan is None:
        continue
    status, findings, scanned = scan
    body = {"registryId": account, "repositoryName": repo, "imageId": {"imageDigest": digest},
            "imageScanStatus": {"status": status, "description": "seeded " + status}}
    if findings == "enhanced":
        body["imageScanFindings"] = {"enhancedFindings": [{
            "findingArn": "arn:aws:inspector2:us-east-1:%s:finding/e1" % account, "type": "PACKAGE_VULNERABILITY",
            "severity": "CRITICAL", "title": "CVE-2023-38545 - curl", "score": 9.8, "fixAvailable": "YES",
            "exploitAvailable": "YES",
            "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-38545",
              "cvss": [{"baseScore": 9.8, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "source": "NVD", "version": "3.1"}],
              "vulnerablePackages": [{"name": "curl", "version": "7.74.0", "release": "1.3+deb11u7", "packageManager": "OS",
                                      "fixedInVersion": "7.74.0-1.3+deb11u10"}]}}]}
    elif findings:
        body["imageScanFindings"] = {"findings": findings}
    results.append(body)
    if scanned:
        ecr.start_image_scan(repositoryName=repo, imageId={"imageDigest": digest})
req = urllib.request.Request(moto + "/moto-api/static/ecr/scan-finding-results", method="POST",
    data=json.dumps({"account_id": account, "region": "us-east-1", "results": results}).encode(),
    headers={"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
print(digest)
PY
DIGEST=$(cat "$W/digest")
# The exit code alone, output kept in $W/out (a deny prints no error).
expect_code() {
  local code=$1 rc=0
  shift
  "$@" >"$W/out" 2>"$W/err" || rc=$?
  [ "$rc" -eq "$code" ] || { echo "FAIL: expected exit $code, got $rc from: $*" >&2; cat "$W/err" >&2; return 1; }
  echo "ok: exit $code from ${*: -1}"
}

# Basic scanning, with StartImageScan: a CRITICAL finding denies (21).
expect_code 21 "$IMAGEGATE" check --findings-from ecr --ecr-start-scan "$HOST/basic/critical:v1"
grep -q "CVE-2023-0286" "$W/out" && echo "ok: the verdict names the ECR finding"
# A second start on the same day: LimitExceededException, the results stand.
expect_fail 21 "already scanned today" "$IMAGEGATE" check --findings-from ecr --ecr-start-scan "$HOST/basic/critical:v1"
# The ignore file applies to ECR findings as to ours.
printf 'CVE-2023-0286\n' >"$W/.trivyignore"
"$IMAGEGATE" check --findings-from ecr --ignore-file "$W/.trivyignore" --format json "$HOST/basic/critical:v1" >"$W/ignored.json"
check "ignored CRITICAL allows" "$(jq -r .decision "$W/ignored.json")" "allow"
check "check reports the digest ECR gave" "$(jq -r .image.digest "$W/ignored.json")" "$DIGEST"
"$IMAGEGATE" scan --findings-from ecr --format json "$HOST/basic/critical:v1" >"$W/scan.json"
check "scan source" "$(jq -r '[.findings[].source] | unique | join(",")' "$W/scan.json")" "ecr"
check "scan severities" "$(jq -r '[.findings[].severity] | join(",")' "$W/scan.json")" "CRITICAL,MEDIUM"
check "scan package" "$(jq -r '.findings[0].package.name + " " + .findings[0].package.version' "$W/scan.json")" \
  "openssl 1.1.1n-0+deb11u3"
"$IMAGEGATE" scan --findings-from ecr "$HOST/basic/critical:v1" >"$W/scan.txt"
grep -q "SOURCE" "$W/scan.txt" && echo "ok: the table has a SOURCE column"

# Scan on push (no --ecr-start-scan): MEDIUM and UNDEFINED (→ UNKNOWN) allow.
"$IMAGEGATE" check --findings-from ecr --format json "$HOST/basic/medium:v1" >"$W/medium.json"
check "medium allows" "$(jq -r .decision "$W/medium.json")" "allow"
"$IMAGEGATE" scan --findings-from ecr --format json "$HOST/basic/medium:v1" >"$W/medium-scan.json"
check "UNDEFINED is UNKNOWN" "$(jq -r '.findings[1].severity' "$W/medium-scan.json")" "UNKNOWN"

# Every terminal status other than COMPLETE, and scans still running.
expect_fail 3 "scan on push is off" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/noscan:v1"
expect_fail 5 "seeded FAILED" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/failed:v1"
expect_fail 5 "UNSUPPORTED_IMAGE" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/unsupported:v1"
expect_fail 5 "SCAN_ELIGIBILITY_EXPIRED" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/expired:v1"
expect_fail 3 "FINDINGS_UNAVAILABLE" "$IMAGEGATE" scan --findings-from ecr "$HOST/basic/unavailable:v1"
expect_fail 6 "still IN_PROGRESS after 1s" "$IMAGEGATE" check --findings-from ecr --ecr-scan-timeout 1s "$HOST/basic/progress:v1"
expect_fail 6 "still PENDING after 1s" "$IMAGEGATE" check --findings-from ecr --ecr-scan-timeout 1s "$HOST/basic/pending:v1"
expect_fail 3 "ECR has no image basic/critical:v9" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/critical:v9"
expect_fail 2 "uses BASIC scanning" "$IMAGEGATE" check --findings-from inspector "$HOST/basic/critical:v1"
expect_fail 2 "not an Amazon ECR image" "$IMAGEGATE" scan --findings-from ecr "docker.io/library/alpine:3"
expect_fail 2 "--ecr-start-scan needs --findings-from ecr" "$IMAGEGATE" scan --ecr-start-scan "$HOST/basic/critical:v1"

# Enhanced scanning: ECR's enhanced findings and Inspector's.
python3 - "$MOTO" "$ACCOUNT" "$DIGEST" <<'PY'
import json, sys, boto3, urllib.request
moto, account, digest = sys.argv[1:4]
boto3.client("ecr", endpoint_url=moto).put_registry_scanning_configuration(scanType="ENHANCED", rules=[
    {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
boto3.client("inspector2", endpoint_url=moto).enable(accountIds=[account], resourceTypes=["ECR"])
finding = {"awsAccountId": account, "findingArn": "arn:aws:inspector2:us-east-1:%s:finding/i1" % account,
  "type": "PACKAGE_VULNERABILITY", "status": "ACTIVE", "severity": "CRITICAL", "title": "CVE-2023-44487 - golang.org/x/net",
  "inspectorScore": 9.1, "epss": {"score": 0.81}, "exploitAvailable": "YES", "fixAvailable": "YES",
  "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-44487",
    "vulnerablePackages": [{"name": "golang.org/x/net", "version": "v0.15.0", "packageManager": "GOMOD", "fixedInVersion": "0.17.0"}]},
  "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE", "id": "arn:aws:ecr:us-east-1:%s:repository/enhanced/app/%s" % (account, digest)}]}
req = urllib.request.Request(moto + "/moto-api/static/inspector2/findings-results", method="POST",
    data=json.dumps({"account_id": account, "region": "us-east-1", "results": [[finding]]}).encode(),
    headers={"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
PY
expect_code 21 "$IMAGEGATE" check --findings-from ecr "$HOST/enhanced/app:v1"
grep -q "CVE-2023-38545" "$W/out" && echo "ok: enhanced finding denies"
expect_fail 2 "drop --ecr-start-scan" "$IMAGEGATE" check --findings-from ecr --ecr-start-scan "$HOST/enhanced/app:v1"
expect_code 21 "$IMAGEGATE" check --findings-from inspector "$HOST/enhanced/app:v1"
"$IMAGEGATE" scan --findings-from inspector --format json "$HOST/enhanced/app:v1" >"$W/insp.json"
check "inspector source" "$(jq -r '.findings[0].source' "$W/insp.json")" "inspector"
check "inspector EPSS" "$(jq -r '.findings[0].epss.score' "$W/insp.json")" "0.81"
check "inspector fix" "$(jq -r '.findings[0].fixed_versions[0]' "$W/insp.json")" "0.17.0"

# Inspector's SBOM export, into moto's S3 through the stand-in server.
SBOM_PORT=$(reg_free_port)
python3 "$IG_SOURCE_DIR/tests/integration/lib/inspector_sbom_server.py" "$SBOM_PORT" "$MOTO" >"$W/sbom-server.log" 2>&1 &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$SBOM_PORT/"
python3 -c "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1]).create_bucket(Bucket='sboms')" "$MOTO"
KMS=arn:aws:kms:us-east-1:$ACCOUNT:key/11111111-2222-3333-4444-555555555555
export AWS_ENDPOINT_URL_INSPECTOR2="http://127.0.0.1:$SBOM_PORT"
"$IMAGEGATE" sbom --export-inspector s3://sboms/team --format cyclonedx --kms-key "$KMS" "$HOST/enhanced/app:v1" >"$W/url1"
"$IMAGEGATE" sbom --export-inspector s3://sboms/team --format cyclonedx --kms-key "$KMS" "$HOST/enhanced/app:v1" >"$W/url2"
[ "$(cat "$W/url1")" != "$(cat "$W/url2")" ] && echo "ok: each export has its own prefix"
python3 - "$MOTO" "$(cat "$W/url2")" >"$W/object.json" <<'PY'
import sys, boto3
url = sys.argv[2][len("s3://"):]
bucket, key = url.split("/", 1)
o = boto3.client("s3", endpoint_url=sys.argv[1]).get_object(Bucket=bucket, Key=key)
assert o["ServerSideEncryption"] == "aws:kms", o["ServerSideEncryption"]
sys.stdout.write(o["Body"].read().decode())
PY
check "exported CycloneDX 1.4" "$(jq -r .specVersion "$W/object.json")" "1.4"
"$IMAGEGATE" sbom --export-inspector s3://sboms/team --format spdx-json --kms-key "$KMS" "$HOST/enhanced/app:v1" >"$W/url3"
grep -q "^s3://sboms/team/.*/SBOM_EXPORT_" "$W/url3" && echo "ok: SPDX export location"
expect_fail 4 "holds no object naming the report" "$IMAGEGATE" sbom --export-inspector s3://sboms/lose-objects \
  --format cyclonedx --kms-key "$KMS" "$HOST/enhanced/app:v1"
expect_fail 2 "needs --kms-key" "$IMAGEGATE" sbom --export-inspector s3://sboms/team "$HOST/enhanced/app:v1"
expect_fail 2 "CycloneDX 1.4 or SPDX 2.3" "$IMAGEGATE" sbom --export-inspector s3://sboms/team --format cyclonedx@1.6 \
  --kms-key "$KMS" "$HOST/enhanced/app:v1"

# Last, with moto checking signatures (an IAM user's key, then reset-auth):
# imagegate's SigV4 is accepted and a wrong secret is refused.
python3 - "$MOTO" >"$W/iam-key" <<'PY'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1])
iam.create_user(UserName="gate")
iam.put_user_policy(UserName="gate", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="gate")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
read -r KEY_ID KEY_SECRET <"$W/iam-key"
curl -fsS -X POST -H 'Content-Type: text/plain' --data 0 "$MOTO/moto-api/reset-auth" >/dev/null
AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=$KEY_SECRET \
  expect_code 21 "$IMAGEGATE" check --findings-from ecr "$HOST/basic/critical:v1"
AWS_ACCESS_KEY_ID=$KEY_ID AWS_SECRET_ACCESS_KEY=not-the-secret \
  expect_fail 2 "SignatureDoesNotMatch" "$IMAGEGATE" check --findings-from ecr "$HOST/basic/critical:v1"
echo "aws_ecr_findings: all checks passed"
