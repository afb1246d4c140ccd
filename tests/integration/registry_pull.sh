#!/usr/bin/env bash
# imagegate inspect against a real docker-registry over plain HTTP on loopback:
# OCI single-arch, a multi-arch index (--platform), Docker schema2, zstd layers,
# the blob cache, and --no-cache.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
reg_start plain
R=$REG_plain_HOST
L="$REG_WORK/layout"

reg_build_image "$L" amd "amd64" "hello from amd64"
reg_build_image "$L" arm "arm64" "hello from arm64"

# Single-arch OCI image.
reg_push "oci:$L:amd" "docker://$R/test/single:v1"
"$IMAGEGATE" inspect --format json "$R/test/single:v1" >"$REG_WORK/single.json"
check "single digest" "$(jq -r .digest "$REG_WORK/single.json")" "$(reg_raw_digest "$R/test/single:v1")"
check "single layers" "$(jq '.layers | length' "$REG_WORK/single.json")" "1"
check "single platform" "$(jq -r '.platform.architecture' "$REG_WORK/single.json")" "amd64"
check "single media type" "$(jq -r .media_type "$REG_WORK/single.json")" "application/vnd.oci.image.manifest.v1+json"
config_digest=$(jq -r .config_digest "$REG_WORK/single.json")
check "config cached" "$(test -f "$IMAGEGATE_CACHE_DIR/blobs/sha256/${config_digest#sha256:}" && echo yes)" "yes"
check "no partial files left" "$(find "$IMAGEGATE_CACHE_DIR" -name '*.partial' | wc -l)" "0"

# By digest, from the cache this time, and with --no-cache.
digest=$(jq -r .digest "$REG_WORK/single.json")
"$IMAGEGATE" inspect --format json "$R/test/single@$digest" >"$REG_WORK/bydigest.json"
check "by digest" "$(jq -r .digest "$REG_WORK/bydigest.json")" "$digest"
"$IMAGEGATE" inspect --no-cache --format json "$R/test/single:v1" >"$REG_WORK/nocache.json"
check "no-cache digest" "$(jq -r .digest "$REG_WORK/nocache.json")" "$digest"

# A multi-arch OCI index: wrap both manifests in an index inside the layout.
idx_layout="$REG_WORK/index-layout"
cp -r "$L" "$idx_layout"
entry() { # tag arch
  jq -c --arg t "$1" --arg a "$2" \
    '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)
     | {mediaType, digest, size, platform: {os: "linux", architecture: $a}}' "$idx_layout/index.json"
}
jq -nc --argjson a "$(entry amd amd64)" --argjson b "$(entry arm arm64)" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [$a, $b]}' >"$REG_WORK/idx.json"
idx_hex=$(sha256sum "$REG_WORK/idx.json" | cut -d' ' -f1)
cp "$REG_WORK/idx.json" "$idx_layout/blobs/sha256/$idx_hex"
jq --arg d "sha256:$idx_hex" --argjson s "$(stat -c %s "$REG_WORK/idx.json")" \
  '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
    annotations: {"org.opencontainers.image.ref.name": "multi"}}]' "$idx_layout/index.json" >"$REG_WORK/index.json.new"
mv "$REG_WORK/index.json.new" "$idx_layout/index.json"
reg_push "oci:$idx_layout:multi" "docker://$R/test/multi:v1" --all
"$IMAGEGATE" inspect --format json --platform linux/arm64 "$R/test/multi:v1" >"$REG_WORK/arm.json"
check "index digest" "$(jq -r .index_digest "$REG_WORK/arm.json")" "$(reg_raw_digest "$R/test/multi:v1")"
check "arm64 picked" "$(jq -r .platform.architecture "$REG_WORK/arm.json")" "arm64"
check "arm64 manifest digest" "$(jq -r .digest "$REG_WORK/arm.json")" "$(jq -r '.manifests[1].digest' "$REG_WORK/idx.json")"
check "platforms listed" "$(jq -r '.available_platforms | sort | join(",")' "$REG_WORK/arm.json")" "linux/amd64,linux/arm64"
"$IMAGEGATE" inspect --format json --platform linux/amd64 "$R/test/multi:v1" >"$REG_WORK/amd.json"
check "amd64 picked" "$(jq -r .platform.architecture "$REG_WORK/amd.json")" "amd64"
expect_fail 3 "linux/arm64" "$IMAGEGATE" inspect --platform linux/s390x "$R/test/multi:v1"

# Docker schema2.
reg_push "oci:$L:amd" "docker://$R/test/docker:v1" --format v2s2
"$IMAGEGATE" inspect --format json "$R/test/docker:v1" >"$REG_WORK/docker.json"
check "schema2 digest" "$(jq -r .digest "$REG_WORK/docker.json")" "$(reg_raw_digest "$R/test/docker:v1")"
check "schema2 media type" "$(jq -r .media_type "$REG_WORK/docker.json")" \
  "application/vnd.docker.distribution.manifest.v2+json"
check "schema2 layers" "$(jq '.layers | length' "$REG_WORK/docker.json")" "1"

# zstd-compressed layers (a fresh image: skopeo would reuse a known gzip blob).
reg_build_image "$L" zst "arm64" "zstd compressed"
reg_push "oci:$L:zst" "docker://$R/test/zstd:v1" --dest-compress-format zstd
"$IMAGEGATE" inspect --format json --platform linux/arm64 "$R/test/zstd:v1" >"$REG_WORK/zstd.json"
check "zstd digest" "$(jq -r .digest "$REG_WORK/zstd.json")" "$(reg_raw_digest "$R/test/zstd:v1")"
check "zstd layer type" "$(jq -r '.layers[0].media_type' "$REG_WORK/zstd.json")" \
  "application/vnd.oci.image.layer.v1.tar+zstd"

# Layer downloads: a bar per blob on a terminal (script(1) gives us a pty),
# one line per finished download when stderr is not a terminal or TERM=dumb,
# and nothing at all with --quiet.
export IMAGEGATE_CACHE_DIR="$REG_WORK/cache-progress"
script -qefc "\"$IMAGEGATE\" files \"$R/test/docker:v1\" >/dev/null" "$REG_WORK/tty.log" >/dev/null
check "progress bar on a tty" "$(grep -c '\[#*\] 100%' "$REG_WORK/tty.log")" "1"
rm -rf "$IMAGEGATE_CACHE_DIR"
"$IMAGEGATE" files "$R/test/docker:v1" >/dev/null 2>"$REG_WORK/notty.err"
check "one line per download without a tty" "$(grep -c '^imagegate: downloaded sha256:[0-9a-f]* ([0-9.]* MB)$' "$REG_WORK/notty.err")" "1"
check "nothing else without a tty" "$(grep -vc '^imagegate: downloaded' "$REG_WORK/notty.err" || true)" "0"
rm -rf "$IMAGEGATE_CACHE_DIR"
TERM=dumb script -qefc "\"$IMAGEGATE\" files \"$R/test/docker:v1\" >/dev/null" "$REG_WORK/dumb.log" >/dev/null
check "TERM=dumb: lines, not bars" "$(grep -c '\[#*\]' "$REG_WORK/dumb.log" || true):$(grep -c 'imagegate: downloaded' "$REG_WORK/dumb.log")" "0:1"
rm -rf "$IMAGEGATE_CACHE_DIR"
"$IMAGEGATE" files -q "$R/test/docker:v1" >/dev/null 2>"$REG_WORK/quiet.err"
check "nothing with --quiet" "$(wc -c <"$REG_WORK/quiet.err")" "0"

echo "PASS registry_pull"
