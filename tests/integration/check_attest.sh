#!/usr/bin/env bash
# The signed verdict against a real docker-registry: `check --attest` attaches
# an in-toto verdict that `verify-attestation` accepts; it is refused with
# another key, under another policy digest, and after the tag moves to another
# image; `check --reuse-attestation` does no work (a database that does not
# exist is never opened); the bundle verifies with npm @sigstore/verify.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
export IMAGEGATE_DB=$W/db.sqlite IMAGEGATE_PASSWORD=test-pw
"$IMAGEGATE" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/app:v1"
reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/denied:v1"
D=$(reg_raw_digest "$R/test/app:v1")
"$IMAGEGATE" key generate --output-key-prefix "$W/a" 2>/dev/null
"$IMAGEGATE" key generate --output-key-prefix "$W/other" 2>/dev/null
get_manifest() { curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json" "http://$R/v2/$1/manifests/$2"; }
get_blob() { curl -sfL "http://$R/v2/$1/blobs/$2"; }
# run CODE ARGS...: runs imagegate ARGS; output in $W/out and $W/err.
run() {
  local code=$1 rc=0
  shift
  "$IMAGEGATE" "$@" >"$W/out" 2>"$W/err" || rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: imagegate $*: exit $rc, want $code" >&2
    cat "$W/out" "$W/err" >&2
    exit 1
  fi
}

# Nothing attested yet: 10.
expect_fail 10 "no verdict attestation" "$IMAGEGATE" verify-attestation --key "$W/a.pub" "$R/test/app:v1"

# --- attest an allow, verify it ------------------------------------------------
run 0 check --severity HIGH --attest "$W/a.key" -f json "$R/test/app:v1"
P=$(jq -r .policy.digest "$W/out")
check "policy digest form" "${P:0:7}" "sha256:"
get_manifest test/app "sha256-${D#sha256:}" >"$W/index.json"
check "one referrer" "$(jq '.manifests | length' "$W/index.json")" "1"
check "artifactType" "$(jq -r '.manifests[0].artifactType' "$W/index.json")" "application/vnd.dev.sigstore.bundle.v0.3+json"
check "verdict annotation" "$(jq -r '.manifests[0].annotations["dev.imagegate.verdict"]' "$W/index.json")" "v1"
get_manifest test/app "$(jq -r '.manifests[0].digest' "$W/index.json")" >"$W/ref.json"
get_blob test/app "$(jq -r '.layers[0].digest' "$W/ref.json")" >"$W/bundle.json"
jq -r .dsseEnvelope.payload "$W/bundle.json" | base64 -d >"$W/statement.json"
check "statement type" "$(jq -r ._type "$W/statement.json")" "https://in-toto.io/Statement/v1"
check "predicate type" "$(jq -r .predicateType "$W/statement.json")" "https://imagegate.dev/verdict/v1"
check "subject" "$(jq -r '.subject[0] | .name + "@sha256:" + .digest.sha256' "$W/statement.json")" "$R/test/app@$D"
check "predicate policy" "$(jq -r .predicate.policy.digest "$W/statement.json")" "$P"
check "predicate decision" "$(jq -r .predicate.decision "$W/statement.json")" "allow"
check "predicate counts" "$(jq -c .predicate.counts "$W/statement.json")" \
  '{"CRITICAL":1,"HIGH":0,"INFORMATIONAL":0,"LOW":0,"MEDIUM":2,"UNDEFINED":0}'
check "predicate database sources" "$(jq '.predicate.database.sources | length' "$W/statement.json")" "2"

run 0 verify-attestation --key "$W/a.pub" -f json "$R/test/app:v1"
check "verified decision" "$(jq -r .decision "$W/out")" "allow"
check "verified policy" "$(jq -r .policy.digest "$W/out")" "$P"
check "verified digest" "$(jq -r .image.digest "$W/out")" "$D"
run 0 verify-attestation --key "$W/a.pub" --policy-digest "$P" "$R/test/app:v1"
check "table" "$(head -n1 "$W/out")" "Verdict: ALLOW"
echo "ok: an attestation made here verifies here"

# --- refusals -------------------------------------------------------------------
expect_fail 12 "not by the given key" "$IMAGEGATE" verify-attestation --key "$W/other.pub" "$R/test/app:v1"
expect_fail 11 "under policy $P" "$IMAGEGATE" verify-attestation --key "$W/a.pub" \
  --policy-digest "sha256:$(printf '0%.0s' {1..64})" "$R/test/app:v1"
expect_fail 2 "--policy-digest" "$IMAGEGATE" verify-attestation --key "$W/a.pub" --policy-digest nope "$R/test/app:v1"
echo "ok: refused with another key and another policy"
# Attestations live in a registry: a local layout is refused before any work.
expect_fail 2 "is not a registry image" "$IMAGEGATE" check --attest "$W/a.key" "oci:$IG_BUILD_DIR/example/image:latest"

# --- a deny is attested too, and verify-attestation exits with its code ----------
run 21 check --attest "$W/a.key" "$R/test/denied:v1"
run 21 verify-attestation --key "$W/a.pub" "$R/test/denied:v1"
check "attested deny" "$(head -n1 "$W/out")" "Verdict: DENY (exit 21: denied by a vulnerability rule)"

# --- --reuse-attestation skips every step: this database does not exist ---------
NODB=$W/no-such-dir/db.sqlite
IMAGEGATE_DB=$NODB run 3 check --severity HIGH "$R/test/app:v1"
IMAGEGATE_DB=$NODB run 0 check --severity HIGH --reuse-attestation "$W/a.pub" -f json "$R/test/app:v1"
check "reused decision" "$(jq -r .decision "$W/out")" "allow"
grep -q "reusing the verdict attested at referrer sha256:" "$W/err" || { cat "$W/err"; exit 1; }
IMAGEGATE_DB=$NODB run 21 check --reuse-attestation "$W/a.pub" "$R/test/denied:v1"
# Another policy (the default one) has no attestation here: the check runs,
# and needs the database.
IMAGEGATE_DB=$NODB run 3 check --reuse-attestation "$W/a.pub" "$R/test/app:v1"
grep -q "no reusable verdict" "$W/err" || { cat "$W/err"; exit 1; }
# Another key's attestation is not reused either.
IMAGEGATE_DB=$NODB run 3 check --severity HIGH --reuse-attestation "$W/other.pub" "$R/test/app:v1"
echo "ok: --reuse-attestation does no work when a valid verdict exists, and only then"

# --- the independent verifier ----------------------------------------------------
NPM_DIR=/var/tmp/imagegate-test-cache/npm-sigstore
if command -v node >/dev/null 2>&1 && [ -d "$NPM_DIR/node_modules/@sigstore/verify" ]; then
  SIGSTORE_NODE_MODULES="$NPM_DIR/node_modules" node "$IG_SOURCE_DIR/tests/integration/lib/sign_sigstore_verify.js" \
    "$W/bundle.json" "$W/a.pub" >/dev/null
  if SIGSTORE_NODE_MODULES="$NPM_DIR/node_modules" node "$IG_SOURCE_DIR/tests/integration/lib/sign_sigstore_verify.js" \
    "$W/bundle.json" "$W/other.pub" 2>/dev/null; then
    echo "FAIL: @sigstore/verify accepted the verdict with another key" >&2
    exit 1
  fi
  echo "ok: @sigstore/verify accepts the verdict bundle with the attester's key, not with another"
else
  echo "note: @sigstore/verify not available (sign_image.sh installs it); independent check skipped"
fi

# --- the image changes: the tag now names another digest, with no verdict --------
reg_build_image "$W/layout" other amd64 "another image"
reg_push "oci:$W/layout:other" "docker://$R/test/app:v1"
expect_fail 10 "no verdict attestation" "$IMAGEGATE" verify-attestation --key "$W/a.pub" "$R/test/app:v1"
run 0 verify-attestation --key "$W/a.pub" "$R/test/app@$D"
echo "ok: the old verdict does not follow the tag to a new image"
echo "check_attest: all checks passed"
