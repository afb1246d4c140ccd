#!/usr/bin/env bash
# Composer ordering and validity against Composer's own VersionParser and
# PHP's version_compare.
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v php >/dev/null && [ -f /usr/share/php/Composer/Semver/autoload.php ] || { echo "php/composer not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check composer composer 3000
