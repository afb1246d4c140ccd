#!/usr/bin/env bash
# imagegate verify --notation-trust-policy/--notation-trust-store against a
# real docker-registry: JWS and COSE envelopes made with the openssl CLI
# (tests/integration/notation/gen.py), pushed as referrers through the
# tag-schema fallback (the registry has no referrers API), with a test CA in a
# Notation trust-store layout. Covers the outcomes and exit codes of the
# Notary Project verification levels.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
if ! "$IMAGEGATE" verify --help 2>&1 | grep -q -- --notation-trust-policy; then
  echo "SKIP: this imagegate's verify has no --notation-trust-policy"
  exit 77
fi
GEN="$IG_SOURCE_DIR/tests/integration/notation/gen.py"
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
L="$W/layout"
reg_build_image "$L" app amd64 "signed by notation"
reg_build_image "$L" unsigned amd64 "nobody signed this"
reg_push "oci:$L:app" "docker://$R/test/app:v1"
reg_push "oci:$L:unsigned" "docker://$R/test/unsigned:v1"
DIGEST=$(reg_raw_digest "$R/test/app:v1")
SIZE=$(skopeo inspect --raw --tls-verify=false "docker://$R/test/app:v1" | wc -c)
python3 "$GEN" pki "$W/pki"
STORE="$W/pki/store"

# policy FILE LEVEL [OVERRIDE_JSON] [IDENTITY]
policy() {
  local file=$1 level=$2 override=${3:-'{}'} id=${4:-'x509.subject: C=US, ST=WA, O=example.io, OU=Build'}
  jq -n --arg scope "$R/test/app" --arg level "$level" --argjson ov "$override" --arg id "$id" '{
    version: "1.0",
    trustPolicies: [{
      name: "app", registryScopes: [$scope],
      signatureVerification: ({level: $level} + (if $ov == {} then {} else {override: $ov} end)),
      trustStores: ["ca:test", "signingAuthority:aws", "tsa:test-tsa"],
      trustedIdentities: [$id]}]}' >"$file"
}
policy "$W/strict.json" strict

# sign_push NAME FORMAT [gen.py sign options...]: envelope + push as the only referrer.
sign_push() {
  local name=$1 format=$2 legacy=
  shift 2
  if [ "${1:-}" = --legacy ]; then legacy=--legacy; shift; fi
  python3 "$GEN" sign "$W/pki" "$W/$name.$format" --format "$format" --digest "$DIGEST" --size "$SIZE" "$@"
  python3 "$GEN" push "$R" test/app "$W/$name.$format" --digest "$DIGEST" --size "$SIZE" $legacy >/dev/null
}

# verify POLICY EXPECTED_EXIT: runs verify --format json into $W/out.json.
verify() {
  local pol=$1 want=$2 rc=0
  "$IMAGEGATE" verify "$R/test/app:v1" --notation-trust-policy "$pol" --notation-trust-store "$STORE" \
    --format json >"$W/out.json" 2>"$W/err" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: verify with $(basename "$pol"): exit $rc, want $want" >&2
    cat "$W/err" "$W/out.json" >&2
    exit 1
  fi
}
field() { jq -r "$1" "$W/out.json"; }
check_status() { # CHECK_NAME STATUS
  check "$1 status" "$(field ".signatures[-1].checks[] | select(.name == \"$1\") | .status")" "$2"
}

# Valid signatures: JWS (ECDSA P-256), COSE (RSA-PSS PS384), legacy manifest form.
sign_push jws-ok jws
verify "$W/strict.json" 0
check "jws verified" "$(field .verified)" true
check "jws envelope" "$(field '.signatures[0].envelope')" jws
check "jws signer" "$(field '.signatures[0].signer' | grep -c 'CN=builder')" 1
check_status integrity passed
check_status authenticity passed
check_status revocation passed

sign_push cose-ok cose --signer rsa_signer
verify "$W/strict.json" 0
check "cose envelope" "$(field '.signatures[0].envelope')" cose
check "cose algorithm" "$(field '.signatures[0].algorithm')" PS384

sign_push legacy cose --legacy
verify "$W/strict.json" 0
check "legacy form verified" "$(field .verified)" true

# An RFC 3161 countersignature from the test TSA.
sign_push ts jws --timestamp
verify "$W/strict.json" 0
check "timestamp reported" "$(field '.signatures[0].timestamp != null')" true
check_status authenticTimestamp passed

# Tampered payload: invalid signature (11), even at audit level.
sign_push tampered jws --tamper
verify "$W/strict.json" 11
check "tampered error" "$(field .error.exit_code)" 11
policy "$W/audit.json" audit
verify "$W/audit.json" 11
check_status integrity failed

# A certificate outside the trust store: authenticity fails, invalid (11).
sign_push rogue cose --signer rogue_signer
verify "$W/strict.json" 11
check_status authenticity failed
# ... which audit only logs.
verify "$W/audit.json" 0
check "audit warning" "$(field '.signatures[0].warnings | length')" 1
grep -q "authenticity" "$W/err" || { echo "FAIL: audit printed no authenticity warning" >&2; exit 1; }

# Chains to the store, but the subject is not a trusted identity: untrusted (12).
sign_push other jws --signer other_signer
verify "$W/strict.json" 12
check "identity error" "$(field .error.exit_code)" 12

# Expired signature: fails under strict, passes with a warning when expiry is logged.
sign_push expired cose --expiry-offset -60
verify "$W/strict.json" 11
check_status expiry failed
policy "$W/expiry-log.json" strict '{"expiry": "log"}'
verify "$W/expiry-log.json" 0
check_status expiry failed
grep -q "expired" "$W/err" || { echo "FAIL: no expiry warning on stderr" >&2; exit 1; }

# skip: nothing fetched or verified, success.
jq -n --arg scope "$R/test/app" '{version: "1.0", trustPolicies: [{name: "app", registryScopes: [$scope],
  signatureVerification: {level: "skip"}}]}' >"$W/skip.json"
verify "$W/skip.json" 0
check "skip reported" "$(field .skipped)" true
check "skip fetched nothing" "$(field '.signatures | length')" 0

# AWS Signer style: signingAuthority scheme, critical signer ARNs; revocation
# needs AWS's API and is reported "not checked": a logged failure under
# permissive, an enforced one (12) under strict.
aws_id='x509.subject: C=US, ST=WA, O=Amazon, OU=AWS Signer'
sign_push aws jws --signer aws_signer --scheme notary.x509.signingAuthority --aws
policy "$W/aws-permissive.json" permissive '{}' "$aws_id"
verify "$W/aws-permissive.json" 0
check "aws profile" "$(field '.signatures[0].aws_signer.signing_profile_version' | grep -c signing-profiles)" 1
check_status revocation "not checked"
grep -q "revocation" "$W/err" || { echo "FAIL: no revocation warning on stderr" >&2; exit 1; }
policy "$W/aws-strict.json" strict '{}' "$aws_id"
verify "$W/aws-strict.json" 12
check_status revocation "not checked"
policy "$W/aws-skip.json" strict '{"revocation": "skip"}' "$aws_id"
verify "$W/aws-skip.json" 0
check_status revocation skipped
# The profile ARN as the trusted identity, as AWS's plugin takes it: matched
# against the signed profile-version attribute (its profile, or the exact
# version); another profile is untrusted (12).
arn=arn:aws:signer:us-west-2:123456789012:/signing-profiles/ig_test
policy "$W/aws-arn.json" strict '{"revocation": "skip"}' "$arn"
verify "$W/aws-arn.json" 0
policy "$W/aws-arn-version.json" strict '{"revocation": "skip"}' "arn:aws:signer:us-west-2:123456789012:/signing-profiles/IG_TEST/abcdef1234"
verify "$W/aws-arn-version.json" 0
policy "$W/aws-arn-other.json" strict '{"revocation": "skip"}' "${arn}_other"
verify "$W/aws-arn-other.json" 12
grep -q "AWS Signer profile $arn/abcdef1234" "$W/out.json" || { echo "FAIL: no profile in the identity error" >&2; cat "$W/out.json" >&2; exit 1; }

# No signatures at all (10), and a repository no policy covers (12).
rc=0
"$IMAGEGATE" verify "$R/test/unsigned:v1" --notation-trust-policy "$W/strict.json" --notation-trust-store "$STORE" \
  >/dev/null 2>"$W/err" || rc=$?
check "unsigned, no policy: exit" "$rc" 12
jq '.trustPolicies[0].registryScopes = ["*"]' "$W/strict.json" >"$W/global.json"
rc=0
"$IMAGEGATE" verify "$R/test/unsigned:v1" --notation-trust-policy "$W/global.json" --notation-trust-store "$STORE" \
  >/dev/null 2>"$W/err" || rc=$?
check "unsigned: exit" "$rc" 10

# A broken policy is a usage error (2) naming the field.
jq '.trustPolicies[0].signatureVerification.override = {"integrity": "log"}' "$W/strict.json" >"$W/bad.json"
expect_fail 2 "integrity cannot be overridden" \
  "$IMAGEGATE" verify "$R/test/app:v1" --notation-trust-policy "$W/bad.json" --notation-trust-store "$STORE"
# check: the same trust policy as a policy file's Notation signer. A
# signatures-only policy needs no database; a valid signature allows, the
# rogue one (outside the trust store) denies with exit 20 before any scan.
check_sig() { # NAME WANT_EXIT
  local rc=0
  "$IMAGEGATE" check --policy "$W/gate.yaml" --format json "$R/test/app:v1" >"$W/check.json" 2>"$W/err" || rc=$?
  check "check $1: exit" "$rc" "$2"
}
printf 'version: 1\nsignatures:\n  signers:\n    - notation: {trust_policy: %s, trust_store: %s}\n' \
  "$W/strict.json" "$STORE" >"$W/gate.yaml"
sign_push gate-ok jws
check_sig valid 0
check "check valid" "$(jq -r '.decision + " " + .signature.status' "$W/check.json")" "allow verified"
sign_push gate-rogue cose --signer rogue_signer
check_sig rogue 20
check "check rogue" "$(jq -r '.decision + " " + .reasons[0].rule + " " + (.scanned|tostring)' "$W/check.json")" \
  "deny signatures.valid false"
echo "notation: all checks passed"
