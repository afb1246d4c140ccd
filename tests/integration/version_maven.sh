#!/usr/bin/env bash
# Maven ordering against Maven's own ComparableVersion (maven-artifact jar).
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v javac >/dev/null && [ -f /usr/share/maven/lib/maven-artifact-3.x.jar ] || { echo "maven/javac not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check maven maven 3000
