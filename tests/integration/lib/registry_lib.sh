# Helpers for the registry integration suites: a real docker-registry on
# 127.0.0.1 (optionally with TLS from a throwaway CA and htpasswd auth), test
# images built with umoci and pushed with skopeo, and the fault-injecting proxy.
# Source it after setting -euo pipefail; everything started is stopped by PID
# on EXIT and the work directory is removed.
#
#   reg_init                      creates $REG_WORK, installs the EXIT trap
#   reg_start NAME [tls] [auth]   starts a registry; sets REG_<NAME>_HOST etc.
#   reg_proxy NAME UPSTREAM MODE  starts the fault proxy; sets REG_<NAME>_HOST
#   reg_build_image DIR TAG ARCH TEXT   builds a one-layer OCI image with umoci
#   reg_push SRC DEST [skopeo args...]  skopeo copy to a registry (TLS unverified)

reg_require() {
  local t
  for t in docker-registry skopeo umoci openssl htpasswd jq curl python3 sha256sum; do
    if ! command -v "$t" >/dev/null 2>&1; then
      echo "SKIP: $t is not installed (scripts/install-deps installs it)"
      exit 77
    fi
  done
  if [ -z "${IMAGEGATE:-}" ] || [ ! -x "$IMAGEGATE" ]; then
    echo "SKIP: IMAGEGATE does not name the imagegate binary"
    exit 77
  fi
}

REG_PIDS=()

reg_cleanup() {
  local pid
  for pid in "${REG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [ -n "${REG_WORK:-}" ] && rm -rf "$REG_WORK"
}

reg_init() {
  reg_require
  REG_WORK=$(mktemp -d "${TMPDIR:-/tmp}/ig-registry-test.XXXXXX")
  trap reg_cleanup EXIT
  export IMAGEGATE_RETRY_BASE_MS=1
  export IMAGEGATE_CACHE_DIR="$REG_WORK/cache"
  # No credentials of the machine's user leak into (or out of) the tests.
  export DOCKER_CONFIG="$REG_WORK/no-docker-config"
}

reg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A CA and a server certificate for 127.0.0.1/localhost, made once per run.
reg_make_ca() {
  [ -f "$REG_WORK/ca/ca.crt" ] && return 0
  local d="$REG_WORK/ca"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=imagegate test CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
  REG_CA="$d/ca.crt"
}

# Polls until URL answers any HTTP status (bounded: about 20 s).
reg_wait_http() {
  local url=$1 i
  for i in $(seq 1 200); do
    if curl -sk -o /dev/null --max-time 2 "$url"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: $url never answered" >&2
  return 1
}

# reg_start NAME [tls] [auth]: a docker-registry with its own storage. With
# auth, the user "tester" has password "s3cret-pw" (REG_AUTH_USER and
# REG_AUTH_PASSWORD choose others).
reg_start() {
  local name=$1 tls=${2:-} auth=${3:-}
  local dir="$REG_WORK/registry-$name" port scheme=http
  port=$(reg_free_port)
  mkdir -p "$dir/storage"
  {
    echo "version: 0.1"
    echo "log: {level: error, accesslog: {disabled: true}}"
    echo "storage: {filesystem: {rootdirectory: $dir/storage}, delete: {enabled: true}}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: imagegate-test-secret"
    if [ "$tls" = tls ]; then
      reg_make_ca
      echo "  tls: {certificate: $REG_WORK/ca/server.crt, key: $REG_WORK/ca/server.key}"
      scheme=https
    fi
    if [ "$auth" = auth ]; then
      htpasswd -Bbn "${REG_AUTH_USER:-tester}" "${REG_AUTH_PASSWORD:-s3cret-pw}" >"$dir/htpasswd"
      echo "auth: {htpasswd: {realm: imagegate-test, path: $dir/htpasswd}}"
    fi
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REG_PIDS+=($!)
  reg_wait_http "$scheme://127.0.0.1:$port/v2/"
  printf -v "REG_${name}_HOST" '%s' "127.0.0.1:$port"
  printf -v "REG_${name}_STORAGE" '%s' "$dir/storage"
  REG_CA="$REG_WORK/ca/ca.crt"
}

# reg_proxy NAME UPSTREAM_HOST MODE: the fault proxy; its request log is
# $REG_WORK/proxy-NAME.log.
reg_proxy() {
  local name=$1 upstream=$2 mode=$3 i
  local pf="$REG_WORK/proxy-$name.port"
  python3 "$IG_SOURCE_DIR/tests/integration/lib/registry_fault_proxy.py" --upstream "$upstream" --mode "$mode" \
    --port-file "$pf" --log "$REG_WORK/proxy-$name.log" &
  REG_PIDS+=($!)
  for i in $(seq 1 200); do
    [ -f "$pf" ] && break
    sleep 0.1
  done
  [ -f "$pf" ] || { echo "FAIL: proxy $name did not start" >&2; return 1; }
  printf -v "REG_${name}_HOST" '%s' "127.0.0.1:$(cat "$pf")"
}

# reg_build_image LAYOUT TAG ARCH TEXT: one layer holding /hello with TEXT.
reg_build_image() {
  local layout=$1 tag=$2 arch=$3 text=$4
  local bundle="$REG_WORK/bundle-$tag-$$"
  [ -d "$layout" ] || umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci config --image "$layout:$tag" --architecture "$arch" --os linux --config.cmd /hello
  umoci unpack --rootless --image "$layout:$tag" "$bundle" >/dev/null
  printf '%s\n' "$text" >"$bundle/rootfs/hello"
  umoci repack --image "$layout:$tag" "$bundle" >/dev/null
  rm -rf "$bundle"
}

# reg_push SRC DEST [args]: skopeo copy with TLS verification off (the test CA
# is not in skopeo's trust store) and no signature policy.
reg_push() {
  local src=$1 dest=$2
  shift 2
  skopeo --insecure-policy copy -q --dest-tls-verify=false "$@" "$src" "$dest" >/dev/null
}

# reg_raw_digest REF [args]: sha256 of the manifest bytes as skopeo sees them.
reg_raw_digest() {
  local ref=$1
  shift
  echo "sha256:$(skopeo inspect --raw --tls-verify=false "$@" "docker://$ref" | sha256sum | cut -d' ' -f1)"
}

# expect_fail CODE FRAGMENT CMD...: runs CMD, asserts its exit code and that
# stderr contains FRAGMENT.
expect_fail() {
  local code=$1 fragment=$2 rc=0
  shift 2
  "$@" >"$REG_WORK/out" 2>"$REG_WORK/err" || rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: expected exit $code, got $rc from: $*" >&2
    cat "$REG_WORK/err" >&2
    return 1
  fi
  if ! grep -qF -- "$fragment" "$REG_WORK/err"; then
    echo "FAIL: stderr of '$*' lacks '$fragment':" >&2
    cat "$REG_WORK/err" >&2
    return 1
  fi
}

# check NAME ACTUAL EXPECTED
check() {
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: expected '$3', got '$2'" >&2
    return 1
  fi
  echo "ok: $1"
}
