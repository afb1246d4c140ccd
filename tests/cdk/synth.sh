#!/usr/bin/env bash
# The imagegate-cdk package's synthesis tests (cdk/test): a clean install
# from the committed lockfile, the TypeScript type check, then vitest with
# aws-cdk-lib/assertions. Exits 77 (ctest's skip) when Node.js is missing.
set -euo pipefail
src=${IG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "cdk.synth: SKIPPED: node and npm are not installed (scripts/install-deps installs them)"
  exit 77
fi
cd "$src/cdk"
# npm ci starts from nothing each time; skip it when node_modules was
# installed from this very lockfile (a fresh clone always installs).
stamp=node_modules/.imagegate-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error --prefer-offline
  echo "$want" >"$stamp"
fi
npm test
