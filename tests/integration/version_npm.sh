#!/usr/bin/env bash
# npm versions and ranges against node-semver itself (installed from the npm
# registry into the build directory once).
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm not installed"; exit 77; }
cache="$IG_BUILD_DIR/npm-cache/version"
if [ ! -f "$cache/node_modules/semver/package.json" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm install --silent --no-audit --no-fund --prefix "$cache" semver@7 >/dev/null 2>&1) ||
    { echo "cannot install semver from the npm registry"; exit 77; }
fi
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
ln -s "$cache/node_modules" "$VERSION_WORK/node_modules"
version_check npm npm 3000
version_check npm npm-range 4000 satisfies npm-range
