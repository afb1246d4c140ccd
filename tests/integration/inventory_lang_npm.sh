#!/usr/bin/env bash
# Real npm packages installed from the registry (cached), catalogued through
# `imagegate sbom dir:ROOT -f json` and compared with `npm ls --all --json`.
# Also: a project shipped with only its package-lock.json (v3) is catalogued
# from the lockfile, and a lockfile beside node_modules adds nothing.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
for tool in npm jq; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# shellcheck source=lib/test_cache.sh
. "$(dirname "$0")/lib/test_cache.sh"
rc=0
app=$(test_cache_npm_app) || rc=$?
if [ "$rc" -eq 77 ]; then echo "SKIP: the npm registry is unreachable and nothing is cached"; exit 77; fi
[ "$rc" -eq 0 ] || { echo "FAIL: npm install"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
root="$work/root"
mkdir -p "$root/srv/app" "$root/srv/lockonly"
cp -a "$app/." "$root/srv/app/"
cp "$app/package.json" "$app/package-lock.json" "$root/srv/lockonly/"

export IMAGEGATE_CACHE_DIR="$work/cache"
"$IMAGEGATE" -q sbom "dir:$root" -f json >"$work/sbom.json"

# What npm itself says is installed: unique name@version pairs of the tree.
npm ls --all --json --prefix "$root/srv/app" 2>/dev/null |
  jq -r '[.. | objects | select(has("dependencies")) | .dependencies | to_entries[] | "\(.key)@\(.value.version)"] | unique[]' \
  >"$work/npm-ls.txt"
jq -r '[.packages[] | select(.ecosystem=="npm" and (.locations[0] | startswith("srv/app/node_modules/"))) | "\(.name)@\(.version)"] | unique[]' \
  "$work/sbom.json" >"$work/ours.txt"
jq -r '[.packages[] | select(.ecosystem=="npm" and .locations[0]=="srv/lockonly/package-lock.json") | "\(.name)@\(.version)"] | unique[]' \
  "$work/sbom.json" >"$work/lock.txt"

pass=0
fail=0
check() {
  if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
n=$(wc -l <"$work/npm-ls.txt")
check "npm ls lists a real tree ($n packages)" '[ "$n" -gt 50 ]'
check "installed packages equal npm ls --all" 'diff "$work/npm-ls.txt" "$work/ours.txt"'
check "the lockfile-only project yields the same packages" 'diff "$work/npm-ls.txt" "$work/lock.txt"'
check "lodash 4.17.21 with its purl and license" \
  '[ "$(jq -r "[.packages[] | select(.name==\"lodash\" and (.locations[0]|startswith(\"srv/app/\")))][0] | \"\(.purl) \(.licenses[0])\"" "$work/sbom.json")" = "pkg:npm/lodash@4.17.21 MIT" ]'
check "scoped @babel/core 7.24.0 purl" \
  'jq -e "[.packages[] | select(.purl==\"pkg:npm/%40babel/core@7.24.0\")] | length >= 2" "$work/sbom.json" >/dev/null'
check "no lockfile packages for the project that has node_modules" \
  '[ "$(jq "[.packages[] | select(.locations[0]==\"srv/app/package-lock.json\")] | length" "$work/sbom.json")" = 0 ]'
check "the private root project package.json is not a package" \
  '[ "$(jq "[.packages[] | select(.name==\"ig-test-app\")] | length" "$work/sbom.json")" = 0 ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
