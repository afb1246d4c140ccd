#!/usr/bin/env bash
# imagegate against a real docker-registry behind a fault-injecting proxy:
# 429s with Retry-After, permanent 500s, blob downloads cut off mid-way (resumed
# with Range, or restarted when the server ignores Range), a corrupted config
# blob, malformed manifests, and a missing tag.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
reg_start origin
R=$REG_origin_HOST
L="$REG_WORK/layout"
reg_build_image "$L" amd "amd64" "fault injection"
reg_push "oci:$L:amd" "docker://$R/faults/app:v1"
want=$(reg_raw_digest "$R/faults/app:v1")
fresh_cache() { export IMAGEGATE_CACHE_DIR="$REG_WORK/cache-$1"; }

# 429 three times, then the real answer.
reg_proxy busy "$R" "429:3"
fresh_cache busy
"$IMAGEGATE" inspect --format json "$REG_busy_HOST/faults/app:v1" >"$REG_WORK/busy.json"
check "429 then success" "$(jq -r .digest "$REG_WORK/busy.json")" "$want"
check "429s were served" "$(grep -c ' 429$' "$REG_WORK/proxy-busy.log")" "3"

# 500 forever: a network error after the retries, naming the host.
reg_proxy broken "$R" "500"
fresh_cache broken
expect_fail 6 "$REG_broken_HOST answered HTTP 500" "$IMAGEGATE" inspect "$REG_broken_HOST/faults/app:v1"
check "500 retried 1+5 times" "$(grep -c ' 500$' "$REG_WORK/proxy-broken.log")" "6"

# The config blob is cut off after 100 bytes: resumed with a Range request.
reg_proxy cut "$R" "cut:100"
fresh_cache cut
"$IMAGEGATE" inspect --format json "$REG_cut_HOST/faults/app:v1" >"$REG_WORK/cut.json"
check "resumed download" "$(jq -r .digest "$REG_WORK/cut.json")" "$want"
check "blob was cut" "$(grep -c '200-cut$' "$REG_WORK/proxy-cut.log")" "1"
check "resumed from byte 100" "$(grep -c 'blobs/sha256:.* bytes=100- 206$' "$REG_WORK/proxy-cut.log")" "1"
config_digest=$(jq -r .config_digest "$REG_WORK/cut.json")
check "resumed blob cached intact" \
  "sha256:$(sha256sum "$IMAGEGATE_CACHE_DIR/blobs/sha256/${config_digest#sha256:}" | cut -d' ' -f1)" "$config_digest"

# Cut off, and the server ignores Range: the download restarts from zero.
reg_proxy norange "$R" "cut:100,norange"
fresh_cache norange
"$IMAGEGATE" inspect --format json "$REG_norange_HOST/faults/app:v1" >"$REG_WORK/norange.json"
check "restarted download" "$(jq -r .digest "$REG_WORK/norange.json")" "$want"
check "range ignored" "$(grep -c 'blobs/sha256:.* bytes=100- 200$' "$REG_WORK/proxy-norange.log")" "1"

# Missing tag.
fresh_cache missing
expect_fail 3 "tag nope not found in faults/app" "$IMAGEGATE" inspect "$R/faults/app:nope"

# A manifest that is not even JSON (served by the proxy).
reg_proxy badjson "$R" "badmanifest:broken"
fresh_cache badjson
expect_fail 5 "" "$IMAGEGATE" inspect "$REG_badjson_HOST/faults/app:broken"

# A manifest the registry accepts but that is malformed (a negative size),
# pushed with curl.
cfg=$(curl -s -H "Accept: application/vnd.oci.image.manifest.v1+json" \
  "http://$R/v2/faults/app/manifests/v1" | jq -c '.config')
bad=$(jq -nc --argjson c "$cfg" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: ($c | .size = -1), layers: []}')
check "bad manifest pushed" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
  -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$bad" \
  "http://$R/v2/faults/app/manifests/negative")" "201"
expect_fail 5 "size" "$IMAGEGATE" inspect "$R/faults/app:negative"

# Flip a byte of the config blob in the registry's storage: an integrity error
# naming the blob, and nothing left in the cache.
config_hex=${config_digest#sha256:}
data="$REG_origin_STORAGE/docker/registry/v2/blobs/sha256/${config_hex:0:2}/$config_hex/data"
python3 - "$data" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[10] ^= 0x01
open(p, "wb").write(bytes(b))
PY
fresh_cache corrupt
expect_fail 4 "$config_digest" "$IMAGEGATE" inspect "$R/faults/app:v1"
check "corrupt blob not cached" "$(find "$IMAGEGATE_CACHE_DIR" -type f -path '*blobs*' | wc -l)" "0"
expect_fail 4 "$config_digest" "$IMAGEGATE" inspect --no-cache "$R/faults/app:v1"

echo "PASS registry_faults"
