#!/usr/bin/env bash
# Pulling from Amazon ECR, against moto_server (the ECR API, STS, IAM, IMDSv2)
# and a real docker-registry standing in for the ECR registry host through the
# registry endpoint mapping. moto's GetAuthorizationToken answers base64
# "AWS:<account>-auth-token", which the registry's htpasswd accepts as is.
# Covers: ECR auth with the token cache (0600) and its refresh on a 401; a
# docker credential helper winning over ECR; every credential source of the
# chain (env, profile with chained AssumeRole, credential_process, web
# identity, container credentials, IMDSv2); and, last, moto's signature
# checking (reset-auth): a wrong secret fails with a clear message, an IAM
# user without permission gets the missing action named, the right key works.
# No secret may appear in any output, even with --debug.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
for t in moto_server; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
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

# A clean AWS environment: nothing from the machine, endpoints at moto, no IMDS.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$MOTO" AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-env-secret
# moto calls with curl, not the AWS CLI (a second of Python start-up per call). Before reset-auth moto
# checks no signature and routes by the credential scope, so a fixed Authorization header suffices.
moto_auth() { echo "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/$1/aws4_request, SignedHeaders=host, Signature=0"; }
ecr_call() {  # ecr_call OPERATION JSON
  curl -sf -X POST "$MOTO/" -H "$(moto_auth ecr)" -H "Content-Type: application/x-amz-json-1.1" \
    -H "X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.$1" --data-binary "$2"
}
iam_call() {  # iam_call FORM...
  local args=() f
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -sf -X POST "$MOTO/" -H "$(moto_auth iam)" --data "Version=2010-05-08" "${args[@]}"
}
xml_value() { sed -n "s|.*<$1>\([^<]*\)</$1>.*|\1|p" | head -1; }

ECR_HOST="$ACCOUNT.dkr.ecr.us-east-1.amazonaws.com"
export IMAGEGATE_REGISTRY_MIRRORS="$ECR_HOST http://$R"

# The image: pushed to the registry, then registered in moto's ECR with the same manifest.
L="$W/layout"
reg_build_image "$L" one amd64 "ecr image"
reg_push "oci:$L:one" "docker://$R/team/app:v1" --dest-creds "AWS:$ACCOUNT-auth-token"
skopeo inspect --raw --tls-verify=false --creds "AWS:$ACCOUNT-auth-token" "docker://$R/team/app:v1" >"$W/manifest.json"
want="sha256:$(sha256sum "$W/manifest.json" | cut -d' ' -f1)"
ecr_call CreateRepository '{"repositoryName":"team/app"}' >/dev/null
ecr_call PutImage "$(jq -n --rawfile m "$W/manifest.json" --arg d "$want" '{repositoryName: "team/app",
  imageTag: "v1", imageManifest: $m, imageManifestMediaType: "application/vnd.oci.image.manifest.v1+json",
  imageDigest: $d}')" >/dev/null
check "moto ECR agrees with the registry" \
  "$(ecr_call DescribeImages '{"repositoryName":"team/app"}' | jq -r '.imageDetails[0].imageDigest')" "$want"

pull() { "$IMAGEGATE" inspect --format json "$ECR_HOST/team/app:v1"; }
# expect_in NAME FILE PATTERN [-E]: FILE has a line matching PATTERN (fixed string, or -E regexp).
expect_in() {
  if grep -q "${4:--F}" -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: '$3' not in $2" >&2; cat "$2" >&2; exit 1; fi
}

# 1. Environment credentials; the token is cached 0600 under the cache dir.
"$IMAGEGATE" --debug inspect --format json "$ECR_HOST/team/app:v1" >"$W/env.json" 2>"$W/env.log"
check "ECR pull with environment credentials" "$(jq -r .digest "$W/env.json")" "$want"
expect_in "chain picked the environment" "$W/env.log" "credentials from environment variables"
TOKENS="$IMAGEGATE_CACHE_DIR/aws/ecr"
check "one cached token" "$(find "$TOKENS" -name "$ECR_HOST-*.json" | wc -l)" "1"
TOKEN_FILE=$(find "$TOKENS" -name "$ECR_HOST-*.json")
check "token cache is 0600" "$(stat -c %a "$TOKEN_FILE")" "600"
check "token cache dir is 0700" "$(stat -c %a "$TOKENS")" "700"
"$IMAGEGATE" sbom --format cyclonedx "$ECR_HOST/team/app:v1" >"$W/sbom.json"
check "sbom of the ECR image" "$(jq -r .bomFormat "$W/sbom.json")" "CycloneDX"

# 2. A stale cached token (not yet expired by its date, refused by the registry) is refreshed on the 401.
jq --arg e "$(( $(date +%s) + 3600 ))" '.password = "stale-token" | .expires = ($e | tonumber)' "$TOKEN_FILE" \
  >"$W/stale.json"
cp "$W/stale.json" "$TOKEN_FILE"
"$IMAGEGATE" --debug inspect --format json "$ECR_HOST/team/app:v1" >"$W/stale-pull.json" 2>"$W/stale.log"
check "pull after a stale token" "$(jq -r .digest "$W/stale-pull.json")" "$want"
expect_in "the cached token was tried first" "$W/stale.log" "Amazon ECR token (cached)"
expect_in "refreshed on the 401" "$W/stale.log" "credentials refused; asking their provider for fresh ones"
check "refreshed token stored" "$(jq -r .password "$TOKEN_FILE")" "$ACCOUNT-auth-token"

# 3. A docker credential helper configured for the host wins over ECR.
mkdir -p "$W/bin" "$W/docker"
cat >"$W/bin/docker-credential-igecr" <<HELPER
#!/bin/sh
read server
echo "\$1 \$server" >>"$W/helper.log"
printf '{"ServerURL":"%s","Username":"AWS","Secret":"$ACCOUNT-auth-token"}\n' "\$server"
HELPER
chmod +x "$W/bin/docker-credential-igecr"
printf '{"credHelpers": {"%s": "igecr"}}\n' "$ECR_HOST" >"$W/docker/config.json"
DOCKER_CONFIG="$W/docker" PATH="$W/bin:$PATH" "$IMAGEGATE" --debug inspect --format json \
  "$ECR_HOST/team/app:v1" >"$W/helper.json" 2>"$W/helper-debug.log"
check "pull through the credential helper" "$(jq -r .digest "$W/helper.json")" "$want"
check "helper asked" "$(head -1 "$W/helper.log")" "get $ECR_HOST"
check "ECR not asked when a helper answers" "$(grep -c "Amazon ECR" "$W/helper-debug.log" || true)" "0"

# 3b. Another account's registry: the token is asked for that registry id; the registry refuses it (its
# htpasswd knows only $ACCOUNT), so after one refresh the pull fails naming where the credentials came from.
OTHER_HOST="210987654321.dkr.ecr.us-east-1.amazonaws.com"
IMAGEGATE_REGISTRY_MIRRORS="$IMAGEGATE_REGISTRY_MIRRORS;$OTHER_HOST http://$R" expect_fail 3 \
  "access denied to team/app on $OTHER_HOST with credentials from Amazon ECR GetAuthorizationToken" \
  "$IMAGEGATE" inspect "$OTHER_HOST/team/app:v1"

# 4. The rest of the chain, with no key in the environment.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
# 4a. Profiles: chained AssumeRole (top -> mid -> keys in the credentials file).
cat >"$W/aws-config" <<CFG
[profile top]
role_arn = arn:aws:iam::$ACCOUNT:role/puller
source_profile = mid
role_session_name = imagegate-test
[profile mid]
role_arn = arn:aws:iam::$ACCOUNT:role/hop
source_profile = base
[profile proc]
credential_process = sh -c 'cat "$W/process-creds.json"'
[profile broken]
role_arn = arn:aws:iam::$ACCOUNT:role/x
CFG
cat >"$W/aws-credentials" <<CREDS
[base]
aws_access_key_id = AKIABASEPROFILE00001
aws_secret_access_key = base-profile-secret-value
CREDS
printf '{"Version":1,"AccessKeyId":"AKIAPROCESS000000001","SecretAccessKey":"process-secret-value","Expiration":"%s"}\n' \
  "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$W/process-creds.json"
export AWS_CONFIG_FILE="$W/aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/aws-credentials"
rm -rf "$TOKENS"
AWS_PROFILE=top "$IMAGEGATE" --debug inspect --format json "$ECR_HOST/team/app:v1" >"$W/role.json" 2>"$W/role.log"
check "pull with a chained assumed role" "$(jq -r .digest "$W/role.json")" "$want"
expect_in "chain names the role and its source" "$W/role.log" \
  "credentials from profile top (assume role arn:aws:iam::$ACCOUNT:role/puller with profile mid)"
AWS_PROFILE=proc pull >"$W/proc.json"
check "pull with credential_process" "$(jq -r .digest "$W/proc.json")" "$want"
expect_fail 2 "profile broken has role_arn but no source_profile" env AWS_PROFILE=broken "$IMAGEGATE" inspect \
  "$ECR_HOST/team/app:v1"
expect_fail 2 "AWS profile missing (from AWS_PROFILE) is not in the AWS config" env AWS_PROFILE=missing \
  "$IMAGEGATE" inspect "$ECR_HOST/team/app:v1"
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"

# 4b. Web identity (EKS IRSA, GitHub Actions OIDC) from the environment.
echo "eyJhbGciOiJSUzI1NiJ9.test-web-identity.sig" >"$W/web-token"
AWS_WEB_IDENTITY_TOKEN_FILE="$W/web-token" AWS_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/ci" pull >"$W/web.json"
check "pull with a web identity" "$(jq -r .digest "$W/web.json")" "$want"

# 4c. Container credentials (ECS / Lambda / EKS Pod Identity), with the authorization token from a file.
python3 "$IG_SOURCE_DIR/tests/integration/lib/container_credentials.py" "$W/ctr.port" "$W/ctr.log" \
  "Bearer ctr-auth-token-1" AKIACONTAINER0000001 container-secret-value &
REG_PIDS+=($!)
for _ in $(seq 1 200); do [ -f "$W/ctr.port" ] && break; sleep 0.05; done
echo "Bearer ctr-auth-token-1" >"$W/ctr-token"
AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$(cat "$W/ctr.port")/creds" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$W/ctr-token" pull >"$W/ctr.json"
check "pull with container credentials" "$(jq -r .digest "$W/ctr.json")" "$want"
check "container endpoint got the token" "$(cat "$W/ctr.log")" "/creds authorized"

# 4d. EC2 instance metadata (IMDSv2), served by moto.
AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$MOTO" "$IMAGEGATE" --debug inspect \
  --format json "$ECR_HOST/team/app:v1" >"$W/imds.json" 2>"$W/imds.log"
check "pull with IMDSv2 credentials" "$(jq -r .digest "$W/imds.json")" "$want"
expect_in "chain fell through to IMDS" "$W/imds.log" "credentials from EC2 instance metadata"

# 4e. Nothing configured: the message names what to set.
expect_fail 2 "AWS credentials are missing: set AWS_ACCESS_KEY_ID" "$IMAGEGATE" inspect "$ECR_HOST/team/app:v1"

# 5. Signatures checked (moto reset-auth): an IAM user with a policy, one without, and a wrong secret.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-env-secret
iam_call Action=CreateUser UserName=puller >/dev/null
iam_call Action=PutUserPolicy UserName=puller PolicyName=pull \
  'PolicyDocument={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}' >/dev/null
iam_call Action=CreateAccessKey UserName=puller >"$W/key.xml"
iam_call Action=CreateUser UserName=nobody >/dev/null
iam_call Action=CreateAccessKey UserName=nobody >"$W/nobody.xml"
curl -sf -X POST -H "Content-Type: text/plain" --data 0 "$MOTO/moto-api/reset-auth" >/dev/null
KEY=$(xml_value AccessKeyId <"$W/key.xml")
SECRET=$(xml_value SecretAccessKey <"$W/key.xml")
[ -n "$KEY" ] && [ -n "$SECRET" ] || { echo "FAIL: moto created no access key" >&2; exit 1; }
rm -rf "$TOKENS"
expect_fail 2 "Amazon ECR GetAuthorizationToken failed: " env AWS_ACCESS_KEY_ID="$KEY" \
  AWS_SECRET_ACCESS_KEY="wrong-$SECRET" "$IMAGEGATE" --debug inspect "$ECR_HOST/team/app:v1"
expect_in "the AWS error code is named" "$W/err" "InvalidSignatureException|SignatureDoesNotMatch" -E
expect_in "the fix is named" "$W/err" "AWS refused the credentials from environment variables"
check "wrong secret not echoed" "$(grep -c -e "$SECRET" "$W/err" || true)" "0"
expect_fail 3 "grant the IAM action ecr:GetAuthorizationToken" env \
  AWS_ACCESS_KEY_ID="$(xml_value AccessKeyId <"$W/nobody.xml")" \
  AWS_SECRET_ACCESS_KEY="$(xml_value SecretAccessKey <"$W/nobody.xml")" "$IMAGEGATE" inspect "$ECR_HOST/team/app:v1"
AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" "$IMAGEGATE" --debug inspect --format json \
  "$ECR_HOST/team/app:v1" >"$W/signed.json" 2>"$W/signed.log"
check "pull with a checked signature" "$(jq -r .digest "$W/signed.json")" "$want"

# No secret anywhere in the debug output of any run.
cat "$W"/{env,stale,helper-debug,role,imds,signed}.log "$W/err" >"$W/all-debug.txt"
for secret in "$SECRET" wJalrXUtnFEMI-env-secret base-profile-secret-value process-secret-value \
  container-secret-value ctr-auth-token-1 "$ACCOUNT-auth-token" "$(printf 'AWS:%s-auth-token' "$ACCOUNT" | base64)" \
  test-secret-key; do
  check "debug output lacks a secret (${secret:0:6}…)" "$(grep -c -F -- "$secret" "$W/all-debug.txt" || true)" "0"
done
echo "aws_ecr_pull: all checks passed"
