#!/usr/bin/env bash
# RPM version ordering against rpm's own rpm.vercmp (batched in one lua chunk).
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v rpm >/dev/null || { echo "rpm not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check rpm rpm 4000
