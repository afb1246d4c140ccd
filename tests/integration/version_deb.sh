#!/usr/bin/env bash
# Debian version ordering against dpkg itself (a few hundred pairs, one call
# each) and against apt_pkg.version_compare (dpkg's algorithm) for thousands.
set -euo pipefail
source "$IG_SOURCE_DIR/tests/integration/lib/version_check.sh"
command -v dpkg >/dev/null || { echo "dpkg not installed"; exit 77; }
/usr/bin/python3 -c 'import apt_pkg' 2>/dev/null || { echo "python3-apt not installed"; exit 77; }
VERSION_WORK=$(mktemp -d); trap 'rm -rf "$VERSION_WORK" 2>/dev/null || true' EXIT
version_check deb dpkg 300
version_check deb deb 4000
