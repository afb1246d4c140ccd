#!/usr/bin/env bash
# RubyGems ordering and validity against Ruby's Gem::Version.
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v ruby >/dev/null || { echo "ruby not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check gem gem 3000
