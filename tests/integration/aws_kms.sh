#!/usr/bin/env bash
# Signing and verifying with an AWS KMS key (awskms://), against moto_server
# on 127.0.0.1: the key is created with the AWS CLI, imagegate signs with KMS
# Sign and verifies with KMS GetPublicKey, and the public key the AWS CLI
# returns verifies the same signatures from a PEM file.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
for t in moto_server aws; do
  command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK

MOTO_PORT=$(reg_free_port)
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$W/moto.log" 2>&1 &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$MOTO_PORT/"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL_KMS="http://127.0.0.1:$MOTO_PORT"
unset AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE="$W/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$W/no-aws-credentials"
awskms() { aws --endpoint-url "$AWS_ENDPOINT_URL_KMS" --output json kms "$@"; }

awskms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY >"$W/key.json"
ARN=$(jq -r .KeyMetadata.Arn "$W/key.json")
KEYID=$(jq -r .KeyMetadata.KeyId "$W/key.json")
awskms get-public-key --key-id "$KEYID" | jq -r .PublicKey | base64 -d >"$W/kms.der"
openssl pkey -pubin -inform DER -in "$W/kms.der" -out "$W/kms.pub"

L="$W/layout"
reg_build_image "$L" one amd64 "kms image"
reg_push "oci:$L:one" "docker://$R/test/kms:v1"
reg_push "oci:$L:one" "docker://$R/test/kmslegacy:v1"

# Sign with KMS (bundle and legacy), verify with KMS and with the PEM from the AWS CLI.
"$IMAGEGATE" sign --key "awskms:///$ARN" "$R/test/kms:v1" 2>/dev/null
"$IMAGEGATE" verify --key "awskms:///$ARN" --format json "$R/test/kms:v1" >"$W/v.json"
check "kms bundle verified" "$(jq -r .verified "$W/v.json")" "true"
check "kms signer is the KMS key" "$(jq -r '.signatures[0].signer' "$W/v.json")" \
  "sha256:$(sha256sum "$W/kms.der" | cut -d' ' -f1)"
"$IMAGEGATE" verify --key "$W/kms.pub" "$R/test/kms:v1" >/dev/null && echo "ok: PEM from the AWS CLI verifies the KMS bundle"
"$IMAGEGATE" sign --key "awskms:///$ARN" --signature-format legacy "$R/test/kmslegacy:v1" 2>/dev/null
"$IMAGEGATE" verify --key "awskms://127.0.0.1:$MOTO_PORT/$KEYID" "$R/test/kmslegacy:v1" >/dev/null \
  && echo "ok: host-form key reference verifies the legacy signature"

# A local key's signature does not verify with the KMS key, and vice versa.
IMAGEGATE_PASSWORD=pw "$IMAGEGATE" key generate --output-key-prefix "$W/local" 2>/dev/null
expect_fail 12 "not by the given key" "$IMAGEGATE" verify --key "$W/local.pub" "$R/test/kms:v1"

# Errors name the cause.
expect_fail 3 "NotFoundException" "$IMAGEGATE" verify --key "awskms:///arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" "$R/test/kms:v1"
expect_fail 2 "AWS_ACCESS_KEY_ID" env -u AWS_ACCESS_KEY_ID "$IMAGEGATE" verify --key "awskms:///$ARN" "$R/test/kms:v1"
expect_fail 2 "AWS_REGION" env -u AWS_REGION -u AWS_DEFAULT_REGION "$IMAGEGATE" verify --key "awskms:///alias/none" "$R/test/kms:v1"
echo "aws_kms: all checks passed"
