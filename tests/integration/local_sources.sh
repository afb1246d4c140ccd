#!/usr/bin/env bash
# Local image sources end to end: real images built with umoci and converted
# with skopeo, inspected through oci:, oci-archive: and docker-archive:, plus
# multi-platform selection and the failure modes (exit codes 3, 4 and 5).
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
for tool in umoci skopeo jq tar sha256sum python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
cd "$work"
export IMAGEGATE_CACHE_DIR="$work/cache"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [ "$2" == "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}
inspect() { "$IMAGEGATE" inspect --format json "$@"; }
# expect_fail DESCRIPTION EXIT_CODE NEEDLE -- ARGS...: runs inspect, checks the
# exit code and that stderr mentions NEEDLE.
expect_fail() {
  local what=$1 want=$2 needle=$3
  shift 4
  local rc=0
  "$IMAGEGATE" inspect --format json "$@" >out.json 2>err.txt || rc=$?
  if [ "$rc" != "$want" ]; then
    bad "$what: exit $rc, want $want ($(cat err.txt))"
  elif ! grep -qF -- "$needle" err.txt; then
    bad "$what: stderr lacks '$needle': $(cat err.txt)"
  else
    ok "$what"
  fi
}
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }
manifest_of() {  # manifest_of LAYOUT TAG: digest of the entry tagged TAG
  jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json"
}

# --- Build images: amd64 "v1" with two layers, arm64 "arm" from it. ---------
umoci init --layout oci
umoci new --image oci:base
echo "hello from layer one" >hello.txt
umoci insert --image oci:base --tag v1 hello.txt /app/hello.txt
mkdir -p extra/etc && echo "ID=test" >extra/etc/os-release
umoci insert --image oci:v1 extra /
umoci config --image oci:v1 --architecture amd64 --os linux --config.cmd /bin/sh --config.label org.example=yes
umoci config --image oci:v1 --tag arm --architecture arm64 --os linux

# --- oci: layout --------------------------------------------------------------
v1=$(manifest_of oci v1)
inspect oci:oci:v1 >v1.json
check "oci: digest is the index.json entry" "$(jq -r .digest v1.json)" "$v1"
check "oci: source kind" "$(jq -r .source v1.json)" "oci"
check "oci: platform from config" "$(jq -r '.platform.os + "/" + .platform.architecture' v1.json)" "linux/amd64"
check "oci: two layers" "$(jq '.layers | length' v1.json)" "2"
cfg=$(jq -r .config.digest "$(blob oci "$v1")")
check "oci: config digest" "$(jq -r .config_digest v1.json)" "$cfg"
check "oci: diff_ids from config" "$(jq -c '[.layers[].diff_id]' v1.json)" "$(jq -c .rootfs.diff_ids "$(blob oci "$cfg")")"
check "oci: label" "$(jq -r '.config.labels["org.example"]' v1.json)" "yes"
check "oci: cmd" "$(jq -c .config.cmd v1.json)" '["/bin/sh"]'
check "oci: by digest" "$(inspect "oci:oci@$v1" | jq -r .digest)" "$v1"
check "oci: layer media type" "$(jq -r '.layers[0].media_type' v1.json)" "application/vnd.oci.image.layer.v1.tar+gzip"

# A --platform that does not match a single-platform image warns but works.
rc=0
"$IMAGEGATE" inspect --format json --platform linux/arm64 oci:oci:v1 >/dev/null 2>warn.txt || rc=$?
check "oci: mismatched --platform on a single image still resolves" "$rc" "0"
grep -q "linux/amd64" warn.txt && ok "oci: mismatched --platform warns" || bad "oci: no platform warning: $(cat warn.txt)"

# A layout path that contains ':' and a table output.
mkdir -p "colon:dir" && cp -r oci "colon:dir/img"
check "oci: path with ':'" "$(inspect "oci:colon:dir/img:v1" | jq -r .digest)" "$v1"
"$IMAGEGATE" inspect oci:oci:v1 | grep -q "Digest: *$v1" && ok "oci: table output" || bad "oci: table output"

# --- Docker schema2 and zstd, via skopeo ----------------------------------------
skopeo copy -q --format v2s2 oci:oci:v1 oci:v2s2:v1
v2=$(manifest_of v2s2 v1)
inspect oci:v2s2:v1 >v2.json
check "v2s2: digest" "$(jq -r .digest v2.json)" "$v2"
check "v2s2: media type" "$(jq -r .media_type v2.json)" "application/vnd.docker.distribution.manifest.v2+json"
check "v2s2: layer media type" "$(jq -r '.layers[0].media_type' v2.json)" "application/vnd.docker.image.rootfs.diff.tar.gzip"
check "v2s2: same diff_ids" "$(jq -c '[.layers[].diff_id]' v2.json)" "$(jq -c '[.layers[].diff_id]' v1.json)"

skopeo copy -q --dest-compress --dest-compress-format zstd oci:oci:v1 oci:zst:v1
inspect oci:zst:v1 >zst.json
check "zstd: layer media type" "$(jq -r '.layers[0].media_type' zst.json)" "application/vnd.oci.image.layer.v1.tar+zstd"
check "zstd: same diff_ids" "$(jq -c '[.layers[].diff_id]' zst.json)" "$(jq -c '[.layers[].diff_id]' v1.json)"

# --- oci-archive: ------------------------------------------------------------------
skopeo copy -q oci:oci:v1 oci-archive:oci.tar:v1
inspect oci-archive:oci.tar >oa.json
check "oci-archive: digest" "$(jq -r .digest oa.json)" "$(skopeo inspect --raw oci-archive:oci.tar | sha256sum | sed 's/^/sha256:/; s/ .*//')"
check "oci-archive: source kind" "$(jq -r .source oa.json)" "oci-archive"
check "oci-archive: diff_ids" "$(jq -c '[.layers[].diff_id]' oa.json)" "$(jq -c '[.layers[].diff_id]' v1.json)"
check "oci-archive: with tag" "$(inspect oci-archive:oci.tar:v1 | jq -r .digest)" "$(jq -r .digest oa.json)"
gzip -k oci.tar
expect_fail "oci-archive: gzip refused" 5 "gzip-compressed" -- oci-archive:oci.tar.gz

# --- docker-archive: (classic docker save layout) ------------------------------
skopeo copy -q oci:oci:v1 docker-archive:docker.tar:example/app:v1
inspect docker-archive:docker.tar >da.json
# The image ID (config digest) is what docker shows; the manifest is synthesized.
check "docker-archive: config digest is the image ID" "$(jq -r .config_digest da.json)" \
  "sha256:$(tar -xOf docker.tar manifest.json | jq -r '.[0].Config' | sed 's/\.json$//')"
check "docker-archive: media type" "$(jq -r .media_type da.json)" "application/vnd.docker.distribution.manifest.v2+json"
check "docker-archive: layer media type" "$(jq -r '.layers[0].media_type' da.json)" "application/vnd.docker.image.rootfs.diff.tar"
check "docker-archive: diff_ids" "$(jq -c '[.layers[].diff_id]' da.json)" "$(jq -c '[.layers[].diff_id]' v1.json)"
check "docker-archive: layer digest = diff_id (uncompressed)" "$(jq -c '[.layers[].digest]' da.json)" "$(jq -c '[.layers[].diff_id]' da.json)"
check "docker-archive: platform" "$(jq -r .platform.architecture da.json)" "amd64"
check "docker-archive: by ref" "$(inspect docker-archive:docker.tar:example/app:v1 | jq -r .digest)" "$(jq -r .digest da.json)"
check "docker-archive: by normalised ref" "$(inspect docker-archive:docker.tar:docker.io/example/app:v1 | jq -r .digest)" "$(jq -r .digest da.json)"
check "docker-archive: stable digest" "$(inspect docker-archive:docker.tar | jq -r .digest)" "$(jq -r .digest da.json)"
expect_fail "docker-archive: unknown ref" 3 "example/app:v1" -- docker-archive:docker.tar:other:v9
expect_fail "docker-archive: missing file" 3 "does not exist" -- docker-archive:nope.tar
expect_fail "docker-archive: OCI archive named as docker" 5 "oci-archive:" -- docker-archive:oci.tar

# Newer Docker (v25+) writes an OCI layout inside the archive; manifest.json then
# points at blobs/. Build one by hand from an uncompressed OCI copy.
skopeo copy -q --dest-decompress oci:oci:v1 oci:plain:v1
pm=$(manifest_of plain v1)
pcfg=$(jq -r .config.digest "$(blob plain "$pm")")
jq -n --arg c "blobs/sha256/${pcfg#sha256:}" --argjson l "$(jq -c '[.layers[].digest | "blobs/sha256/" + ltrimstr("sha256:")]' "$(blob plain "$pm")")" \
  '[{Config: $c, RepoTags: ["example/app:v1"], Layers: $l}]' >plain/manifest.json
tar -C plain -cf docker25.tar .
check "docker-archive (v25 layout): real manifest digest" "$(inspect docker-archive:docker25.tar:example/app:v1 | jq -r .digest)" "$pm"

# --- multi-platform index, built by hand in one layout --------------------------
arm=$(manifest_of oci arm)
python3 - oci "$v1" "$arm" <<'PY'
import hashlib, json, os, sys
layout, amd, arm = sys.argv[1:]
def entry(d, arch):
    size = os.path.getsize(os.path.join(layout, "blobs/sha256", d.split(":")[1]))
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": size,
            "platform": {"os": "linux", "architecture": arch}}
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": [entry(amd, "amd64"), entry(arm, "arm64")]}).encode()
digest = hashlib.sha256(index).hexdigest()
open(os.path.join(layout, "blobs/sha256", digest), "wb").write(index)
top = json.load(open(os.path.join(layout, "index.json")))
top["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest,
                         "size": len(index), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
open(os.path.join(layout, "index.json"), "w").write(json.dumps(top))
PY
multi=$(manifest_of oci multi)
inspect --platform linux/arm64 oci:oci:multi >arm.json
check "multi: --platform linux/arm64 picks the arm64 child" "$(jq -r .digest arm.json)" "$arm"
check "multi: index digest recorded" "$(jq -r .index_digest arm.json)" "$multi"
check "multi: platform" "$(jq -r .platform.architecture arm.json)" "arm64"
check "multi: available platforms" "$(jq -c .available_platforms arm.json)" '["linux/amd64","linux/arm64"]'
check "multi: linux/amd64" "$(inspect --platform linux/amd64 oci:oci:multi | jq -r .digest)" "$v1"
expect_fail "multi: missing platform exits 3 listing the available ones" 3 "linux/amd64, linux/arm64" -- --platform linux/s390x oci:oci:multi

# skopeo copy --all keeps the index.
skopeo copy -q --all oci:oci:multi oci:all:multi
check "skopeo --all: arm64 child" "$(inspect --platform linux/arm64/v8 oci:all:multi | jq -r .digest)" "$arm"

# --- failures ---------------------------------------------------------------------
expect_fail "missing tag exits 3" 3 "tags present" -- oci:oci:nosuchtag
expect_fail "missing layout exits 3" 3 "does not exist" -- oci:"$work/nothing":v1
expect_fail "bad reference exits 2" 2 "must be lowercase" -- Foo/bar

cp -r oci corrupt
cfgfile=$(blob corrupt "$cfg")
chmod u+w "$cfgfile"
python3 - "$cfgfile" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(bytes(b))
PY
expect_fail "corrupted config blob exits 4 naming it" 4 "$cfg" -- oci:corrupt:v1

cp -r oci malformed
bogus='{"schemaVersion":2, "config": '
bogus_digest=sha256:$(printf '%s' "$bogus" | sha256sum | cut -d' ' -f1)
printf '%s' "$bogus" >"$(blob malformed "$bogus_digest")"
jq --arg d "$bogus_digest" --argjson s "${#bogus}" \
  '.manifests += [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "broken"}}]' \
  oci/index.json >malformed/index.json
expect_fail "malformed manifest JSON exits 5" 5 "not valid JSON" -- oci:malformed:broken

# --- the README's example image -------------------------------------------------------
if [ -n "${IG_BUILD_DIR:-}" ] && [ -f "$IG_BUILD_DIR/example/image/index.json" ]; then
  ex=$(jq -r '.manifests[0].digest' "$IG_BUILD_DIR/example/image/index.json")
  "$IMAGEGATE" inspect "oci:$IG_BUILD_DIR/example/image:latest" >example.txt && ok "example image: inspect" || bad "example image: inspect"
  grep -q "$ex" example.txt && ok "example image: digest shown" || bad "example image: digest not shown"
else
  echo "note: example image not built; skipping its check"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
