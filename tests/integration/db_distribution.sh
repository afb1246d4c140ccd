#!/usr/bin/env bash
# `imagegate db push` / `db pull` through a real docker-registry: the artifact's
# shape (docs/db-artifact.md), a round trip that keeps `db status`, a mirror
# to a TLS + htpasswd registry that keeps the build time, and the failures a
# user can meet with their exit codes: missing tag (3), altered blob or
# metadata (4), unknown schema version (2), not a database artifact (5). No
# failure may touch the existing --db file.
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
reg_init
reg_start plain
reg_start secure tls auth
R=$REG_plain_HOST
S=$REG_secure_HOST
W=$REG_WORK
fx="$IG_SOURCE_DIR/tests/fixtures/advisories"

"$IMAGEGATE" --db "$W/src.db" db import "$fx/osv" "$fx/debian/tracker.json" "$fx/secdb/v3.18-main.json" \
  "$fx/kev/known_exploited_vulnerabilities.json" >/dev/null 2>&1

# Push: stdout is REPOSITORY@DIGEST, and the registry holds our manifest.
"$IMAGEGATE" --db "$W/src.db" db push "$R/security/imagegate-db:v3" >"$W/push.out"
digest=$(cut -d@ -f2 "$W/push.out")
check "push prints the digest" "$(cat "$W/push.out")" "$R/security/imagegate-db@$digest"
check "pushed digest is the registry's" "$digest" "$(reg_raw_digest "$R/security/imagegate-db:v3")"
curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$R/v2/security/imagegate-db/manifests/v3" >"$W/manifest.json"
check "artifactType" "$(jq -r .artifactType "$W/manifest.json")" "application/vnd.imagegate.db.v1"
check "config media type" "$(jq -r .config.mediaType "$W/manifest.json")" \
  "application/vnd.imagegate.db.metadata.v1+json"
check "one zstd sqlite layer" "$(jq -r '[.layers[].mediaType] | join(",")' "$W/manifest.json")" \
  "application/vnd.imagegate.db.layer.v1.sqlite+zstd"
check "schema annotation" "$(jq -r '.annotations["io.imagegate.db.schema-version"]' "$W/manifest.json")" "4"
created=$(jq -r '.annotations["org.opencontainers.image.created"]' "$W/manifest.json")
[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] || { echo "FAIL: created annotation '$created'"; exit 1; }
check "sources annotation" "$(jq -r '.annotations["io.imagegate.db.sources"] | fromjson | map(.kind) | sort | join(",")' \
  "$W/manifest.json")" "debian,kev,osv,secdb"
meta_digest=$(jq -r .config.digest "$W/manifest.json")
curl -sf "http://$R/v2/security/imagegate-db/blobs/$meta_digest" >"$W/metadata.json"
check "metadata schema" "$(jq -r .schema_version "$W/metadata.json")" "4"
check "metadata built_at = created" "$(jq -r .built_at "$W/metadata.json")" "$created"

# Pull into a new file: the same database as far as `db status` can tell.
"$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:v3" >"$W/pull.out"
grep -q "pulled $R/security/imagegate-db:v3 into $W/pulled.db: schema 4" "$W/pull.out" \
  || { echo "FAIL: pull summary: $(cat "$W/pull.out")"; exit 1; }
strip='del(.path, .age_seconds, .built_at, .updated_at)'
"$IMAGEGATE" --db "$W/src.db" db status --format json | jq -S "$strip" >"$W/status-src.json"
"$IMAGEGATE" --db "$W/pulled.db" db status --format json >"$W/status-pulled-full.json"
jq -S "$strip" "$W/status-pulled-full.json" >"$W/status-pulled.json"
check "status equal after the round trip" "$(diff "$W/status-src.json" "$W/status-pulled.json" && echo same)" "same"
check "pulled built_at" "$(jq -r .built_at "$W/status-pulled-full.json")" "$created"
check "metadata database digest" "$(jq -r .database.digest "$W/metadata.json")" \
  "sha256:$(sha256sum "$W/pulled.db" | cut -d' ' -f1)"
# By digest, and over an existing database (replaced atomically, WAL files gone).
"$IMAGEGATE" --db "$W/src-copy.db" db import "$fx/osv" >/dev/null 2>&1
"$IMAGEGATE" --db "$W/src-copy.db" db pull "$R/security/imagegate-db@$digest" >/dev/null
check "pull by digest replaces" "$(cmp -s "$W/src-copy.db" "$W/pulled.db" && echo same)" "same"
check "no stale WAL" "$(ls "$W" | grep -c 'src-copy.db-' || true)" "0"
check "no temporaries left" "$(ls -a "$W" | grep -c '\.pull-' || true)" "0"

# Mirror to the TLS registry with auth; the build time survives the mirror.
echo s3cret-pw | "$IMAGEGATE" --db "$W/pulled.db" db push --ca-file "$REG_CA" --username tester --password-stdin \
  "$S/mirror/db:latest" >/dev/null
echo s3cret-pw | "$IMAGEGATE" --db "$W/mirrored.db" db pull --ca-file "$REG_CA" --username tester \
  --password-stdin "$S/mirror/db" >/dev/null
check "mirror keeps built_at" "$("$IMAGEGATE" --db "$W/mirrored.db" db status --format json | jq -r .built_at)" "$created"
expect_fail 3 "check credentials" "$IMAGEGATE" --db "$W/x.db" db pull --ca-file "$REG_CA" "$S/mirror/db:latest"

before=$(sha256sum "$W/pulled.db")
unchanged() { check "$1: --db untouched" "$(sha256sum "$W/pulled.db")" "$before"; }

# Missing tag.
expect_fail 3 "tag nope not found" "$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:nope"
unchanged "missing tag"

# A manifest whose metadata claims another database digest: integrity (4).
put_manifest() { # TAG FILE
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$2" \
    "http://$R/v2/security/imagegate-db/manifests/$1" >/dev/null
}
put_blob() { # FILE -> prints digest
  local d loc
  d="sha256:$(sha256sum "$1" | cut -d' ' -f1)"
  loc=$(curl -sf -X POST -D - -o /dev/null "http://$R/v2/security/imagegate-db/blobs/uploads/" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case "$loc" in http*) ;; *) loc="http://$R$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" "$loc" >/dev/null
  echo "$d"
}
jq '.database.digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"' \
  "$W/metadata.json" >"$W/bad-meta.json"
bad=$(put_blob "$W/bad-meta.json")
jq --arg d "$bad" --argjson s "$(stat -c %s "$W/bad-meta.json")" '.config.digest = $d | .config.size = $s' \
  "$W/manifest.json" >"$W/bad-manifest.json"
put_manifest badmeta "$W/bad-manifest.json"
expect_fail 4 "hashes to sha256:" "$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:badmeta"
unchanged "altered metadata"

# An unknown schema version is refused before anything is downloaded (2).
jq '.annotations["io.imagegate.db.schema-version"] = "99"' "$W/manifest.json" >"$W/future.json"
put_manifest future "$W/future.json"
expect_fail 2 "schema version 99" "$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:future"
unchanged "future schema"

# An ordinary image is not a database (5).
reg_build_image "$W/layout" img amd64 "not a database"
reg_push "oci:$W/layout:img" "docker://$R/security/imagegate-db:image"
expect_fail 5 "is not an imagegate vulnerability database" \
  "$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:image"
unchanged "not a database"

# Altered layer bytes in the registry's storage: the client's digest check (4).
layer=$(jq -r '.layers[0].digest' "$W/manifest.json")
data="$REG_plain_STORAGE/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data"
printf 'X' | dd of="$data" bs=1 seek=100 conv=notrunc status=none
expect_fail 4 "$layer" "$IMAGEGATE" --db "$W/pulled.db" db pull "$R/security/imagegate-db:v3"
unchanged "altered layer"

# Push refuses a digest reference (2), and a missing database (3).
expect_fail 2 "not a digest" "$IMAGEGATE" --db "$W/pulled.db" db push "$R/security/imagegate-db@$digest"
expect_fail 3 "no vulnerability database" "$IMAGEGATE" --db "$W/none.db" db push "$R/security/imagegate-db:x"
echo "db_distribution: all checks passed"
