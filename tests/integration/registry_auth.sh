#!/usr/bin/env bash
# imagegate against a TLS registry (throwaway CA) with htpasswd Basic auth:
# --ca-file with --username/--password-stdin, SSL_CERT_FILE and SSL_CERT_DIR in
# its place (as Go tools take them), docker config.json "auths", a
# credHelpers helper on PATH, and the failures a user meets (no CA, wrong
# password, no credentials). Secrets must never reach the output.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
reg_start secure tls auth
R=$REG_secure_HOST
L="$REG_WORK/layout"
reg_build_image "$L" amd "amd64" "secret image"
reg_push "oci:$L:amd" "docker://$R/private/app:v1" --dest-creds tester:s3cret-pw
want=$(reg_raw_digest "$R/private/app:v1" --creds tester:s3cret-pw)

# Explicit credentials.
echo "s3cret-pw" | "$IMAGEGATE" inspect --format json --ca-file "$REG_CA" --username tester --password-stdin \
  "$R/private/app:v1" >"$REG_WORK/a.json"
check "explicit credentials" "$(jq -r .digest "$REG_WORK/a.json")" "$want"

# Without the CA the certificate is rejected, naming the fix.
expect_fail 6 "--ca-file" "$IMAGEGATE" inspect "$R/private/app:v1"
# SSL_CERT_FILE and SSL_CERT_DIR name the trusted CAs without --ca-file, as for
# skopeo, cosign and Trivy. SSL_CERT_DIR is an OpenSSL hashed directory.
echo "s3cret-pw" | SSL_CERT_FILE="$REG_CA" "$IMAGEGATE" inspect --format json --username tester --password-stdin \
  "$R/private/app:v1" >"$REG_WORK/env-file.json"
check "SSL_CERT_FILE" "$(jq -r .digest "$REG_WORK/env-file.json")" "$want"
mkdir -p "$REG_WORK/certs"
cp "$REG_CA" "$REG_WORK/certs/test-ca.pem"
openssl rehash "$REG_WORK/certs"
echo "s3cret-pw" | SSL_CERT_DIR="$REG_WORK/certs" "$IMAGEGATE" inspect --format json --username tester \
  --password-stdin "$R/private/app:v1" >"$REG_WORK/env-dir.json"
check "SSL_CERT_DIR" "$(jq -r .digest "$REG_WORK/env-dir.json")" "$want"
# A bundle without the test CA in SSL_CERT_FILE: still refused, naming the fix.
expect_fail 6 "--ca-file" env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$IMAGEGATE" inspect "$R/private/app:v1"

# --insecure skips verification for that host only.
echo "s3cret-pw" | "$IMAGEGATE" inspect --format json --insecure "$R" --username tester --password-stdin \
  "$R/private/app:v1" >"$REG_WORK/insecure.json"
check "insecure host" "$(jq -r .digest "$REG_WORK/insecure.json")" "$want"

# Wrong password and no credentials: access denied (exit 3), password not echoed.
expect_fail 3 "access denied to private/app on $R" sh -c \
  "echo wrong-pw-123 | \"\$0\" inspect --ca-file \"\$1\" --username tester --password-stdin \"\$2\"" \
  "$IMAGEGATE" "$REG_CA" "$R/private/app:v1"
check "wrong password not echoed" "$(grep -c wrong-pw-123 "$REG_WORK/err" || true)" "0"
expect_fail 3 "check credentials" "$IMAGEGATE" inspect --ca-file "$REG_CA" "$R/private/app:v1"

# Missing tag on an authenticated registry.
expect_fail 3 "tag nope not found in private/app" sh -c \
  "echo s3cret-pw | \"\$0\" inspect --ca-file \"\$1\" --username tester --password-stdin \"\$2\"" \
  "$IMAGEGATE" "$REG_CA" "$R/private/app:nope"

# docker config.json "auths", keyed with a scheme as docker login writes it.
export DOCKER_CONFIG="$REG_WORK/docker"
mkdir -p "$DOCKER_CONFIG"
printf '{"auths": {"https://%s": {"auth": "%s"}}}\n' "$R" "$(printf 'tester:s3cret-pw' | base64)" \
  >"$DOCKER_CONFIG/config.json"
"$IMAGEGATE" --debug inspect --format json --ca-file "$REG_CA" "$R/private/app:v1" >"$REG_WORK/b.json" 2>"$REG_WORK/debug.log"
check "docker config auths" "$(jq -r .digest "$REG_WORK/b.json")" "$want"
check "debug log has no secret" "$(grep -c -e s3cret-pw -e "$(printf 'tester:s3cret-pw' | base64)" "$REG_WORK/debug.log" || true)" "0"

# A credential helper on PATH, given the server on stdin.
mkdir -p "$REG_WORK/bin"
cat >"$REG_WORK/bin/docker-credential-igtest" <<HELPER
#!/bin/sh
read server
echo "\$1 \$server" >>"$REG_WORK/helper.log"
if [ "\$1" = get ] && [ "\$server" = "$R" ]; then
  printf '{"ServerURL":"%s","Username":"tester","Secret":"s3cret-pw"}\n' "\$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
HELPER
chmod +x "$REG_WORK/bin/docker-credential-igtest"
printf '{"credHelpers": {"%s": "igtest"}}\n' "$R" >"$DOCKER_CONFIG/config.json"
PATH="$REG_WORK/bin:$PATH" "$IMAGEGATE" inspect --format json --ca-file "$REG_CA" "$R/private/app:v1" >"$REG_WORK/c.json"
check "credential helper" "$(jq -r .digest "$REG_WORK/c.json")" "$want"
check "helper asked with get" "$(head -1 "$REG_WORK/helper.log")" "get $R"

# A helper named in the config but missing from PATH: a warning naming it, then
# anonymous access, which this registry refuses.
printf '{"credsStore": "igmissing"}\n' >"$DOCKER_CONFIG/config.json"
expect_fail 3 "access denied" "$IMAGEGATE" inspect --ca-file "$REG_CA" "$R/private/app:v1"
check "missing helper named" "$(grep -c "docker-credential-igmissing for $R is not on PATH" "$REG_WORK/err")" "1"

# The Bearer token flow: a token service (in the proxy) in front of a plain
# registry. Basic credentials go to the token service only.
unset DOCKER_CONFIG
export DOCKER_CONFIG="$REG_WORK/no-docker-config"
reg_start plain
reg_push "oci:$L:amd" "docker://$REG_plain_HOST/tok/app:v1"
tok_want=$(reg_raw_digest "$REG_plain_HOST/tok/app:v1")
reg_proxy tok "$REG_plain_HOST" "bearer:tester:tok-pw"
echo "tok-pw" | "$IMAGEGATE" inspect --format json --username tester --password-stdin "$REG_tok_HOST/tok/app:v1" \
  >"$REG_WORK/tok.json"
check "bearer token flow" "$(jq -r .digest "$REG_WORK/tok.json")" "$tok_want"
check "token scope and user" "$(grep -c '^TOKEN repository:tok/app:pull tester$' "$REG_WORK/proxy-tok.log")" "1"
expect_fail 3 "access denied to tok/app on $REG_tok_HOST" sh -c \
  "echo bad-pw | \"\$0\" inspect --username tester --password-stdin \"\$1\"" "$IMAGEGATE" "$REG_tok_HOST/tok/app:v1"

# Anonymous tokens for public repositories.
reg_proxy anon "$REG_plain_HOST" "bearer::"
"$IMAGEGATE" inspect --format json "$REG_anon_HOST/tok/app:v1" >"$REG_WORK/anon.json"
check "anonymous token" "$(jq -r .digest "$REG_WORK/anon.json")" "$tok_want"
check "anonymous token request" "$(grep -c '^TOKEN repository:tok/app:pull -$' "$REG_WORK/proxy-anon.log")" "1"

# An identity token from the docker config: the OAuth2 refresh-token grant.
export DOCKER_CONFIG="$REG_WORK/docker-id"
mkdir -p "$DOCKER_CONFIG"
printf '{"auths": {"%s": {"identitytoken": "tok-pw"}}}\n' "$REG_tok_HOST" >"$DOCKER_CONFIG/config.json"
"$IMAGEGATE" inspect --format json "$REG_tok_HOST/tok/app:v1" >"$REG_WORK/idtok.json"
check "identity token" "$(jq -r .digest "$REG_WORK/idtok.json")" "$tok_want"
check "refresh grant used" "$(grep -c '^TOKEN repository:tok/app:pull refresh-token$' "$REG_WORK/proxy-tok.log")" "1"

echo "PASS registry_auth"
