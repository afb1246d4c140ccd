# Sourced by the Sigstore suites: installs sigstore-js (@sigstore/sign, mock,
# verify) once into the shared test cache and sets SIGSTORE_NODE_PATH; exits
# 77 (skip) when node/npm are missing or the npm registry is unreachable.
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skipping"; exit 77; }
SIGSTORE_PKGS=(@sigstore/sign@4 @sigstore/mock@0.12 @sigstore/verify@3 @sigstore/bundle@4 @sigstore/protobuf-specs@0.5)
# shellcheck source=test_cache.sh
. "${IG_SOURCE_DIR:?}/tests/integration/lib/test_cache.sh"
_sigstore_npm_install() {
  echo '{"name":"ig-sigstore-test","private":true}' >"$1/package.json"
  (cd "$1" && timeout 300 npm install --no-audit --no-fund --cache "$test_cache_root/npm" "${SIGSTORE_PKGS[@]}") >&2 ||
    return 77
}
_sigstore_rc=0
SIGSTORE_CACHE=$(test_cache_entry "npm-sigstore/$(printf '%s\n' "${SIGSTORE_PKGS[@]}" | sha256sum | cut -c1-12)" \
  _sigstore_npm_install 2>/dev/null) || _sigstore_rc=$?
if [ "$_sigstore_rc" -ne 0 ]; then
  echo "npm cannot install ${SIGSTORE_PKGS[*]} (registry unreachable?): skipping"
  exit 77
fi
SIGSTORE_NODE_PATH=$SIGSTORE_CACHE/node_modules

# sigstore_make_bundles OUT [SCRIPT]: runs sigstore/SCRIPT (make_bundles.js
# by default) into OUT (extra
# environment such as IG_IMAGE_DIGEST passes through). The mock TSA sometimes
# writes a genTime that sigstore-js itself cannot parse (fractional seconds
# with a trailing zero dropped); the fixture's own check then fails, so it is
# made again, up to 5 times.
sigstore_make_bundles() {
  local out=$1 script=${2:-make_bundles.js} attempt
  for attempt in 1 2 3 4 5; do
    rm -rf "$out"
    if NODE_PATH="$SIGSTORE_NODE_PATH" node "$IG_SOURCE_DIR/tests/integration/sigstore/$script" "$out" \
      2>"$out.err"; then
      return 0
    fi
  done
  cat "$out.err" >&2
  echo "FAIL: could not make the fixture bundles ($attempt attempts)" >&2
  return 1
}
