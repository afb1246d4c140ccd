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
npm ci --no-audit --no-fund --loglevel=error
npm test
