# Sourced by the sbom_* integration suites: puts the official CycloneDX JSON
# schemas in a cache directory and prints that directory.
#
# The schemas come from the npm package @cyclonedx/cyclonedx-library (its
# res/schema folder: bom-1.4/1.5/1.6, spdx and jsf schemas), fetched once with
# `npm pack` into ${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}/npm.
# The npm registry is reachable from developer machines and CI.
SBOM_CDX_LIB_VERSION=10.3.0

sbom_schema_dir() {
  # shellcheck source=test_cache.sh
  . "${IG_SOURCE_DIR:?}/tests/integration/lib/test_cache.sh"
  local dir
  dir=$(test_cache_entry "npm/cyclonedx-library-$SBOM_CDX_LIB_VERSION.v2" _sbom_schema_fetch) || return 1
  echo "$dir/package/res/schema"
}
_sbom_schema_fetch() {
  command -v npm >/dev/null || { echo "npm is missing: run scripts/install-deps"; return 1; }
  (cd "$1" && npm pack --silent "@cyclonedx/cyclonedx-library@$SBOM_CDX_LIB_VERSION" >/dev/null 2>&1) || {
    echo "npm pack @cyclonedx/cyclonedx-library@$SBOM_CDX_LIB_VERSION failed"; return 1; }
  tar xzf "$1"/cyclonedx-cyclonedx-library-*.tgz -C "$1" package/res/schema
}

# The official SPDX 2.3 JSON schema, read in place from the shared schemas
# folder that sits beside the clone (../shared/schemas, as on CI); never copied
# into the project. IMAGEGATE_SHARED_DIR overrides where that folder is.
sbom_spdx_schema() {
  local shared=${IMAGEGATE_SHARED_DIR:-${IG_SOURCE_DIR:?}/../shared}
  local f=$shared/schemas/spdx-2.3.schema.json
  [ -f "$f" ] || { echo "the official SPDX 2.3 schema is missing: expected $f (put the shared folder beside the clone or set IMAGEGATE_SHARED_DIR)" >&2; return 1; }
  echo "$f"
}
