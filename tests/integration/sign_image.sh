#!/usr/bin/env bash
# imagegate sign / verify / attach / referrers against Debian's docker-registry,
# which has no referrers API: every referrer goes through the sha256-<hex>
# tag-schema fallback. Legacy signatures are checked with plain openssl, and
# tampering (a payload byte, the key, the digest) must give exit 11 or 12.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
L="$W/layout"
BUNDLE_TYPE=application/vnd.dev.sigstore.bundle.v0.3+json

reg_build_image "$L" one amd64 "first image"
reg_build_image "$L" two amd64 "second image"
for repo in app legacy wrongkey tamper noconfig; do reg_push "oci:$L:one" "docker://$R/test/$repo:v1"; done
reg_push "oci:$L:two" "docker://$R/test/app:v2"
reg_push "oci:$L:two" "docker://$R/test/legacy:v2"
D1=$(reg_raw_digest "$R/test/app:v1")
D2=$(reg_raw_digest "$R/test/app:v2")

export IMAGEGATE_PASSWORD=test-pw
"$IMAGEGATE" key generate --output-key-prefix "$W/k" 2>/dev/null
"$IMAGEGATE" key generate --output-key-prefix "$W/other" 2>/dev/null

# --- raw registry helpers (curl), to read and forge what is stored ---
get_manifest() { curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json,application/vnd.oci.image.index.v1+json" "http://$R/v2/$1/manifests/$2"; }
get_blob() { curl -sfL "http://$R/v2/$1/blobs/$2"; }
put_blob() { # repo file -> prints digest
  local d loc
  d="sha256:$(sha256sum "$2" | cut -d' ' -f1)"
  loc=$(curl -sf -D - -o /dev/null -X POST "http://$R/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case "$loc" in http*) ;; *) loc="http://$R$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary @"$2" "$loc" >/dev/null
  echo "$d"
}
put_manifest() { # repo ref file media-type
  curl -sf -X PUT -H "Content-Type: $4" --data-binary @"$3" "http://$R/v2/$1/manifests/$2" >/dev/null
}
tag_of() { echo "sha256-${1#sha256:}"; }

# --- nothing signed yet: exit 10 ---
expect_fail 10 "no cosign signatures" "$IMAGEGATE" verify --key "$W/k.pub" "$R/test/app:v1"

# --- bundle (default) ---
"$IMAGEGATE" sign --key "$W/k.key" --annotation env=prod "$R/test/app:v1" 2>/dev/null
"$IMAGEGATE" verify --key "$W/k.pub" --format json "$R/test/app:v1" >"$W/v.json"
check "bundle verified" "$(jq -r .verified "$W/v.json")" "true"
check "bundle digest" "$(jq -r .digest "$W/v.json")" "$D1"
check "bundle format" "$(jq -r '.signatures[0].format' "$W/v.json")" "bundle"
check "bundle signer" "$(jq -r '.signatures[0].signer' "$W/v.json")" "sha256:$(openssl pkey -pubin -in "$W/k.pub" -outform DER | sha256sum | cut -d' ' -f1)"
check "tlog skipped" "$(jq -r '.signatures[0].checks[] | select(.name=="transparency log") | .status' "$W/v.json")" "skipped"
check "signature passed" "$(jq -r '.signatures[0].checks[] | select(.name=="signature") | .status' "$W/v.json")" "passed"
"$IMAGEGATE" verify --key "$W/k.pub" --require-annotation env=prod "$R/test/app:v1" >/dev/null
expect_fail 12 "env=dev is required" "$IMAGEGATE" verify --key "$W/k.pub" --require-annotation env=dev "$R/test/app:v1"

# The fallback index holds it, with its artifactType; the referrer manifest has the image as subject.
get_manifest test/app "$(tag_of "$D1")" >"$W/index.json"
check "fallback index entries" "$(jq '.manifests | length' "$W/index.json")" "1"
check "fallback artifactType" "$(jq -r '.manifests[0].artifactType' "$W/index.json")" "$BUNDLE_TYPE"
REF1=$(jq -r '.manifests[0].digest' "$W/index.json")
get_manifest test/app "$REF1" >"$W/ref.json"
check "referrer subject" "$(jq -r .subject.digest "$W/ref.json")" "$D1"
check "referrer config" "$(jq -r .config.mediaType "$W/ref.json")" "application/vnd.oci.empty.v1+json"
check "referrer layer" "$(jq -r '.layers[0].mediaType' "$W/ref.json")" "$BUNDLE_TYPE"
get_blob test/app "$(jq -r '.layers[0].digest' "$W/ref.json")" >"$W/bundle.json"
check "bundle media type" "$(jq -r .mediaType "$W/bundle.json")" "$BUNDLE_TYPE"
check "bundle has no tlog" "$(jq '.verificationMaterial.tlogEntries | length' "$W/bundle.json")" "0"
jq -r .dsseEnvelope.payload "$W/bundle.json" | base64 -d >"$W/statement.json"
check "statement predicate" "$(jq -r .predicateType "$W/statement.json")" "https://sigstore.dev/cosign/sign/v1"
check "statement subject" "$(jq -r '.subject[0].digest.sha256' "$W/statement.json")" "${D1#sha256:}"

# --- attach and referrers: the fallback index keeps the signature entry ---
echo '{"spdxVersion":"SPDX-2.3"}' >"$W/sbom.spdx.json"
"$IMAGEGATE" attach --artifact-type application/spdx+json "$R/test/app:v1" "$W/sbom.spdx.json" >/dev/null
"$IMAGEGATE" referrers --format json "$R/test/app:v1" >"$W/refs.json"
check "referrers total" "$(jq '.referrers | length' "$W/refs.json")" "2"
"$IMAGEGATE" referrers --format json --artifact-type application/spdx+json "$R/test/app:v1" >"$W/refs.json"
check "referrers filtered" "$(jq -r '.referrers[0].artifact_type' "$W/refs.json")" "application/spdx+json"
check "referrers filtered count" "$(jq '.referrers | length' "$W/refs.json")" "1"
SBOM_REF=$(jq -r '.referrers[0].digest' "$W/refs.json")
get_blob test/app "$(get_manifest test/app "$SBOM_REF" | jq -r '.layers[0].digest')" >"$W/sbom.back"
cmp -s "$W/sbom.back" "$W/sbom.spdx.json" && echo "ok: attached file round-trips"
"$IMAGEGATE" verify --key "$W/k.pub" "$R/test/app:v1" >/dev/null

# --- a signature covers the manifest only: verify reads no config blob ---
# The registry loses the image's config (DELETE, as storage.delete is on);
# cosign still verifies the signature, and so must imagegate, by every method
# it offers (they share the resolution step exercised here).
"$IMAGEGATE" sign --key "$W/k.key" "$R/test/noconfig:v1" 2>/dev/null
CFG=$(get_manifest test/noconfig v1 | jq -r .config.digest)
curl -sf -X DELETE "http://$R/v2/test/noconfig/blobs/$CFG" >/dev/null
if get_blob test/noconfig "$CFG" >/dev/null 2>&1; then echo "FAIL: the config blob is still served" >&2; exit 1; fi
expect_fail 3 "$CFG" "$IMAGEGATE" inspect "$R/test/noconfig:v1"
"$IMAGEGATE" verify --key "$W/k.pub" --format json "$R/test/noconfig:v1" >"$W/noconfig.json"
check "verified without the config blob" "$(jq -r .verified "$W/noconfig.json")" "true"
check "digest without the config blob" "$(jq -r .digest "$W/noconfig.json")" "$D1"

# --- legacy: two signatures, the second keeps the first; openssl verifies both ---
"$IMAGEGATE" sign --key "$W/k.key" --signature-format legacy --annotation build=1 "$R/test/legacy:v1" 2>/dev/null
"$IMAGEGATE" sign --key "$W/k.key" --signature-format legacy --annotation build=2 "$R/test/legacy:v1" 2>/dev/null
get_manifest test/legacy "$(tag_of "$D1").sig" >"$W/sig.json"
check "legacy layers kept" "$(jq '.layers | length' "$W/sig.json")" "2"
for i in 0 1; do
  get_blob test/legacy "$(jq -r ".layers[$i].digest" "$W/sig.json")" >"$W/payload$i.json"
  jq -r ".layers[$i].annotations[\"dev.cosignproject.cosign/signature\"]" "$W/sig.json" | base64 -d >"$W/sig$i.bin"
  openssl dgst -sha256 -verify "$W/k.pub" -signature "$W/sig$i.bin" "$W/payload$i.json" >/dev/null
  check "openssl verifies legacy signature $i" "$(jq -r '.critical.image["docker-manifest-digest"]' "$W/payload$i.json")" "$D1"
done
check "legacy payload type" "$(jq -r .critical.type "$W/payload0.json")" "cosign container image signature"
check "legacy identity" "$(jq -r '.critical.identity["docker-reference"]' "$W/payload0.json")" "$R/test/legacy"
check "legacy annotation" "$(jq -r .optional.build "$W/payload1.json")" "2"
"$IMAGEGATE" verify --key "$W/k.pub" --format json --require-annotation build=1 "$R/test/legacy:v1" >"$W/lv.json"
check "legacy verified" "$(jq -r .verified "$W/lv.json")" "true"
check "legacy signatures seen" "$(jq '[.signatures[] | select(.format=="legacy")] | length' "$W/lv.json")" "2"

# --- wrong key: bundle names another key (12), legacy just fails (11) ---
"$IMAGEGATE" sign --key "$W/k.key" "$R/test/wrongkey:v1" 2>/dev/null
expect_fail 12 "not by the given key" "$IMAGEGATE" verify --key "$W/other.pub" "$R/test/wrongkey:v1"
expect_fail 11 "does not verify" "$IMAGEGATE" verify --key "$W/other.pub" "$R/test/legacy:v1"

# --- wrong digest: v1's signatures copied onto v2 (same repository) ---
get_manifest test/legacy "$(tag_of "$D1").sig" >"$W/copy.json"
put_manifest test/legacy "$(tag_of "$D2").sig" "$W/copy.json" application/vnd.oci.image.manifest.v1+json
expect_fail 11 "not for this image" "$IMAGEGATE" verify --key "$W/k.pub" "$R/test/legacy:v2"
put_manifest test/app "$(tag_of "$D2")" "$W/index.json" application/vnd.oci.image.index.v1+json
expect_fail 11 "not for this image" "$IMAGEGATE" verify --key "$W/k.pub" "$R/test/app:v2"

# --- tampered payload byte ---
# Legacy: one byte of the payload changed, signature annotation kept.
"$IMAGEGATE" sign --key "$W/k.key" --signature-format legacy "$R/test/tamper:v1" 2>/dev/null
get_manifest test/tamper "$(tag_of "$D1").sig" >"$W/t.json"
get_blob test/tamper "$(jq -r '.layers[0].digest' "$W/t.json")" | sed 's/cosign container/cosign Container/' >"$W/tp.json"
TD=$(put_blob test/tamper "$W/tp.json")
jq --arg d "$TD" --argjson s "$(stat -c %s "$W/tp.json")" '.layers[0].digest=$d | .layers[0].size=$s' "$W/t.json" >"$W/t2.json"
put_manifest test/tamper "$(tag_of "$D1").sig" "$W/t2.json" application/vnd.oci.image.manifest.v1+json
expect_fail 11 "does not verify" "$IMAGEGATE" verify --key "$W/k.pub" "$R/test/tamper:v1"
# Bundle: the DSSE payload changed by one byte inside an otherwise valid bundle.
jq -r .dsseEnvelope.payload "$W/bundle.json" | base64 -d | sed 's/cosign\/sign/cosign\/Sign/' | base64 -w0 >"$W/p.b64"
jq --rawfile p "$W/p.b64" '.dsseEnvelope.payload=$p' "$W/bundle.json" >"$W/tb.json"
TB=$(put_blob test/app "$W/tb.json")
jq --arg d "$TB" --argjson s "$(stat -c %s "$W/tb.json")" '.layers[0].digest=$d | .layers[0].size=$s' "$W/ref.json" >"$W/tref.json"
put_manifest test/app "$(sha256sum "$W/tref.json" | cut -d' ' -f1 | sed 's/^/sha256:/')" "$W/tref.json" application/vnd.oci.image.manifest.v1+json
jq --arg d "sha256:$(sha256sum "$W/tref.json" | cut -d' ' -f1)" --argjson s "$(stat -c %s "$W/tref.json")" \
  '.manifests[0].digest=$d | .manifests[0].size=$s' "$W/index.json" >"$W/tindex.json"
put_manifest test/app "$(tag_of "$D1")" "$W/tindex.json" application/vnd.oci.image.index.v1+json
expect_fail 11 "payload was changed" "$IMAGEGATE" verify --key "$W/k.pub" "$R/test/app:v1"

# An independent verifier: npm @sigstore/verify accepts our bundle with the
# public key (no log or timestamp thresholds: offline by design) and rejects
# the tampered one. Installed once into the test cache.
# shellcheck source=lib/test_cache.sh
. "$IG_SOURCE_DIR/tests/integration/lib/test_cache.sh"
npm_sigstore_verify() {
  echo '{"name":"ig-sigstore-verify","private":true}' >"$1/package.json"
  (cd "$1" && npm install --silent --no-audit --no-fund --cache "$test_cache_root/npm" @sigstore/verify@3 @sigstore/bundle@4)
}
NPM_DIR=$(test_cache_entry npm-sigstore-verify/verify-3_bundle-4 npm_sigstore_verify 2>/dev/null) || NPM_DIR=""
if command -v node >/dev/null 2>&1 && [ -n "$NPM_DIR" ]; then
  export SIGSTORE_NODE_MODULES="$NPM_DIR/node_modules"
  node "$IG_SOURCE_DIR/tests/integration/lib/sign_sigstore_verify.js" "$W/bundle.json" "$W/k.pub" >/dev/null
  echo "ok: @sigstore/verify accepts our bundle"
  if node "$IG_SOURCE_DIR/tests/integration/lib/sign_sigstore_verify.js" "$W/tb.json" "$W/k.pub" 2>/dev/null; then
    echo "FAIL: @sigstore/verify accepted a tampered bundle" >&2
    exit 1
  fi
  echo "ok: @sigstore/verify rejects the tampered bundle"
else
  echo "note: @sigstore/verify not available; independent bundle check skipped"
fi

# Usage errors.
expect_fail 2 "--signature-format" "$IMAGEGATE" sign --key "$W/k.key" --signature-format x "$R/test/app:v1"
expect_fail 2 "KEY=VALUE" "$IMAGEGATE" verify --key "$W/k.pub" --require-annotation novalue "$R/test/app:v1"
echo "sign_image: all checks passed"
