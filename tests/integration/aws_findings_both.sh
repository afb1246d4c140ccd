#!/usr/bin/env bash
# --findings-from both: imagegate's matcher and Amazon ECR's scan on the same
# digest, each finding naming who found it. The bundled example image is
# pushed to a docker-registry that stands in for ECR's registry
# (IMAGEGATE_REGISTRY_MIRRORS, the AWS token accepted as is) and put into
# moto's ECR with the same manifest, whose scan result is seeded with one
# vulnerability the matcher also finds and one it does not.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
for t in moto_server python3 jq skopeo; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
python3 -c "import boto3" 2>/dev/null || { echo "SKIP: python3 boto3 is not installed"; exit 77; }
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "SKIP: build the example_image target"; exit 77; }
ACCOUNT=123456789012
REG_AUTH_USER=AWS REG_AUTH_PASSWORD="$ACCOUNT-auth-token"
reg_init
reg_start ecr "" auth
R=$REG_ecr_HOST
W=$REG_WORK
MOTO_PORT=$(reg_free_port)
MOTO="http://127.0.0.1:$MOTO_PORT"
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
reg_wait_http "$MOTO/"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$MOTO" AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
HOST=$ACCOUNT.dkr.ecr.us-east-1.amazonaws.com
export IMAGEGATE_REGISTRY_MIRRORS="$HOST http://$R"
export IMAGEGATE_DB=$W/db.sqlite
"$IMAGEGATE" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null

reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/shop/app:v1" --dest-creds "AWS:$ACCOUNT-auth-token"
# What the matcher finds: one of those (same id and package) goes into ECR's result too.
"$IMAGEGATE" scan --format json "$HOST/shop/app:v1" >"$W/engine.json"
# The platform's manifest (the tag names an index), as ECR would hold it.
skopeo inspect --raw --tls-verify=false --creds "AWS:$ACCOUNT-auth-token" \
  "docker://$R/shop/app@$(jq -r .image.digest "$W/engine.json")" >"$W/manifest.json"
read -r ID PKG VER < <(jq -r '.findings[0] | "\(.id) \(.package.name) \(.package.version)"' "$W/engine.json")
ENGINE_COUNT=$(jq '.findings | length' "$W/engine.json")
[ "$ENGINE_COUNT" -ge 1 ] || { echo "FAIL: the matcher found nothing in the example image" >&2; exit 1; }

python3 - "$MOTO" "$W/manifest.json" "$ID" "$PKG" "$VER" "$(jq -r .image.digest "$W/engine.json")" <<'PY'
import json, sys, boto3, urllib.request
moto, manifest_file, vid, pkg, ver, want = sys.argv[1:7]
ecr = boto3.client("ecr", endpoint_url=moto)
ecr.create_repository(repositoryName="shop/app")
manifest = open(manifest_file).read()
digest = ecr.put_image(repositoryName="shop/app", imageManifest=manifest, imageTag="v1", imageDigest=want,
                       imageManifestMediaType="application/vnd.oci.image.manifest.v1+json")["image"]["imageId"]["imageDigest"]
assert digest == want, (digest, want)
ecr.start_image_scan(repositoryName="shop/app", imageId={"imageDigest": digest})
def finding(name, package, version, sev):
    return {"name": name, "severity": sev, "attributes": [{"key": "package_name", "value": package},
                                                         {"key": "package_version", "value": version}]}
result = {"repositoryName": "shop/app", "imageId": {"imageDigest": digest}, "imageScanStatus": {"status": "COMPLETE"},
          "imageScanFindings": {"findings": [finding(vid, pkg, ver, "HIGH"), finding("CVE-2099-0001", "bash", "5.2", "CRITICAL")]}}
urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/static/ecr/scan-finding-results", method="POST",
    data=json.dumps({"account_id": "123456789012", "region": "us-east-1", "results": [result]}).encode(),
    headers={"Content-Type": "application/json"})).read()
PY

"$IMAGEGATE" scan --findings-from both --format json "$HOST/shop/app:v1" >"$W/both.json"
check "the shared finding names both sources" \
  "$(jq -r --arg id "$ID" --arg p "$PKG" '[.findings[] | select(.id == $id and .package.name == $p) | .source] | join(",")' "$W/both.json")" \
  "imagegate+ecr"
check "ECR's own finding" "$(jq -r '.findings[] | select(.id == "CVE-2099-0001") | .source' "$W/both.json")" "ecr"
check "one finding more than the matcher's" "$(jq '.findings | length' "$W/both.json")" "$((ENGINE_COUNT + 1))"
"$IMAGEGATE" scan --findings-from both "$HOST/shop/app:v1" >"$W/both.txt"
grep -q "imagegate+ecr" "$W/both.txt" && echo "ok: the table names both sources"
# The CRITICAL only ECR reported denies the image.
rc=0
"$IMAGEGATE" check --findings-from both --format json "$HOST/shop/app:v1" >"$W/check.json" 2>"$W/check.err" || rc=$?
check "check denies on ECR's CRITICAL" "$rc" "21"
echo "aws_findings_both: all checks passed"
