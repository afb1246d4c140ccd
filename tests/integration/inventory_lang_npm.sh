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

cache="${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}"
app="$cache/npm-app"
if [ ! -f "$app/package-lock.json" ] || [ ! -d "$app/node_modules/@babel/core" ]; then
  mkdir -p "$cache/npm"
  rm -rf "$app.tmp"
  mkdir -p "$app.tmp"
  echo '{"name":"ig-test-app","version":"1.0.0","private":true}' >"$app.tmp/package.json"
  if ! npm install --prefix "$app.tmp" --cache "$cache/npm" --no-audit --no-fund --ignore-scripts \
      lodash@4.17.21 @babel/core@7.24.0 express@4.18.2 >"$cache/npm-install.log" 2>&1; then
    rm -rf "$app.tmp"
    echo "SKIP: the npm registry is unreachable and nothing is cached (see $cache/npm-install.log)"
    exit 77
  fi
  rm -rf "$app"
  mv "$app.tmp" "$app"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
