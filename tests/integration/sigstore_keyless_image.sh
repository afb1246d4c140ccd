#!/usr/bin/env bash
# imagegate verify IMAGE, keyless: a real sigstore-js DSSE bundle (mock Fulcio,
# CT log, Rekor and TSA from @sigstore/mock) over an image pushed to Debian's
# docker-registry, attached as a referrer (tag-schema fallback). The signed
# digest must be the image's: the same bundle on another image is invalid.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}"
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
. "$IG_SOURCE_DIR/tests/integration/lib/sigstore_npm.sh"

reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
L="$W/layout"
reg_build_image "$L" one amd64 "keyless image"
reg_build_image "$L" two amd64 "unsigned image"
reg_push "oci:$L:one" "docker://$R/test/keyless:v1"
reg_push "oci:$L:two" "docker://$R/test/keyless:v2"
D1=$(reg_raw_digest "$R/test/keyless:v1")

IG_IMAGE_DIGEST=${D1#sha256:} IG_IMAGE_NAME="$R/test/keyless" sigstore_make_bundles "$W/b"
B=$W/b
ID='https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'
ISS='https://token.actions.githubusercontent.com'
KEYLESS=(--trusted-root "$B/trusted_root.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS")
BT=application/vnd.dev.sigstore.bundle.v0.3+json

expect_fail 10 "no Sigstore bundle" "$IMAGEGATE" verify "$R/test/keyless:v1" "${KEYLESS[@]}"
echo "ok: unsigned image gives 10"

"$IMAGEGATE" attach "$R/test/keyless:v1" --artifact-type "$BT" "$B/image_dsse.v03.json" >/dev/null
"$IMAGEGATE" verify "$R/test/keyless:v1" "${KEYLESS[@]}" --format json >"$W/v.json"
check "verified" "$(jq -r .verified "$W/v.json")" true
check "method" "$(jq -r .method "$W/v.json")" keyless
check "digest" "$(jq -r .digest "$W/v.json")" "$D1"
"$IMAGEGATE" verify "$R/test/keyless:v1" "${KEYLESS[@]}" >"$W/v.txt"
grep -q "signer: $ID" "$W/v.txt" || { cat "$W/v.txt" >&2; echo "FAIL: text output lacks the signer" >&2; exit 1; }
echo "ok: keyless bundle over the image verifies"

expect_fail 12 "" "$IMAGEGATE" verify "$R/test/keyless:v1" --trusted-root "$B/trusted_root.json" \
  --certificate-identity "https://example.com/other" --certificate-oidc-issuer "$ISS"
echo "ok: wrong identity gives 12"
expect_fail 11 "" "$IMAGEGATE" verify "$R/test/keyless:v1" --trusted-root "$B/trusted_root_other_ca.json" \
  --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
echo "ok: untrusted CA gives 11"

# The same bundle attached to another image: its statement names v1's digest.
"$IMAGEGATE" attach "$R/test/keyless:v2" --artifact-type "$BT" "$B/image_dsse.v03.json" >/dev/null
expect_fail 11 "" "$IMAGEGATE" verify "$R/test/keyless:v2" "${KEYLESS[@]}"
echo "ok: a bundle for another digest gives 11"

expect_fail 2 "exclude each other" "$IMAGEGATE" verify "$R/test/keyless:v1" "${KEYLESS[@]}" --key "$B/signing.pub"
echo "ok: --key with keyless options is a usage error"

# check: keyless signer flags (the v1 bundle is valid) with a signatures-only
# policy, so no database is needed; a wrong identity is exit 20, untrusted.
printf 'version: 1\nsignatures: {signers: [{key: unused.pub}]}\n' >"$W/gate.yaml"
rc=0
"$IMAGEGATE" check --policy "$W/gate.yaml" "${KEYLESS[@]}" --format json "$R/test/keyless:v1" >"$W/c.json" || rc=$?
check "check keyless: exit" "$rc" 0
check "check keyless" "$(jq -r '.decision + " " + .signature.status + " " + .signature.signer' "$W/c.json")" \
  "allow verified keyless $ID (issuer $ISS)"
rc=0
"$IMAGEGATE" check --policy "$W/gate.yaml" --trusted-root "$B/trusted_root.json" --certificate-identity \
  "https://example.com/other" --certificate-oidc-issuer "$ISS" --format json "$R/test/keyless:v1" >"$W/c.json" || rc=$?
check "check keyless, wrong identity: exit" "$rc" 20
check "check keyless, wrong identity" "$(jq -r '.decision + " " + .signature.status' "$W/c.json")" "deny untrusted"
echo "ok: check with keyless signers"
