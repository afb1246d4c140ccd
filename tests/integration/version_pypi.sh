#!/usr/bin/env bash
# PEP 440 ordering against Python's packaging.version.Version, and versions
# that are not PEP 440 against pip's fallback (its vendored LegacyVersion).
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
/usr/bin/python3 -c "import packaging.version, pip._vendor.packaging.version" 2>/dev/null || { echo "python3-packaging or python3-pip not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check pypi pypi 4000
