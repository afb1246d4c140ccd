#!/usr/bin/env bash
# `imagegate key generate` writes cosign-format keys that an independent
# implementation (Python's hashlib.scrypt + PyNaCl's secretbox) can decrypt,
# with the private key at mode 0600.
set -euo pipefail
: "${IMAGEGATE:?}"
PY=/usr/bin/python3
"$PY" -c 'import nacl.secret' 2>/dev/null || { echo "python3-nacl missing: run scripts/install-deps"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

IMAGEGATE_PASSWORD='s3cret pass' "$IMAGEGATE" key generate --output-key-prefix "$T/k"
[ "$(stat -c %a "$T/k.key")" = 600 ] || fail "private key mode is $(stat -c %a "$T/k.key"), want 600"
head -1 "$T/k.key" | grep -qx -- '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----' || fail "wrong PEM label"
head -1 "$T/k.pub" | grep -qx -- '-----BEGIN PUBLIC KEY-----' || fail "public key is not PKIX PEM"

# Decrypt independently and compare the derived public key with k.pub.
"$PY" - "$T/k.key" "$T/k.der" <<'PY'
import base64, hashlib, json, sys
import nacl.secret
lines = open(sys.argv[1]).read().strip().splitlines()
doc = json.loads(base64.b64decode("".join(lines[1:-1])))
assert doc["kdf"]["name"] == "scrypt" and doc["cipher"]["name"] == "nacl/secretbox", doc
p = doc["kdf"]["params"]
key = hashlib.scrypt(b"s3cret pass", salt=base64.b64decode(doc["kdf"]["salt"]), n=p["N"], r=p["r"], p=p["p"],
                     maxmem=256 * 1024 * 1024, dklen=32)
der = nacl.secret.SecretBox(key).decrypt(base64.b64decode(doc["ciphertext"]), base64.b64decode(doc["cipher"]["nonce"]))
open(sys.argv[2], "wb").write(der)
PY
openssl pkey -inform DER -in "$T/k.der" -pubout > "$T/derived.pub"
cmp -s "$T/derived.pub" "$T/k.pub" || fail "public key derived from the decrypted private key differs from k.pub"
openssl pkey -inform DER -in "$T/k.der" -noout -text 2>/dev/null | grep -q "NIST CURVE: P-256" || fail "not a P-256 key"

# Refuses to overwrite, exit 2 (usage).
set +e
IMAGEGATE_PASSWORD=x "$IMAGEGATE" key generate --output-key-prefix "$T/k" 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "overwrite: exit $rc, want 2"
grep -q "already exists" "$T/err" || fail "overwrite message: $(cat "$T/err")"

# No password and no terminal: a clear usage error, not a hang.
set +e
env -u IMAGEGATE_PASSWORD -u COSIGN_PASSWORD setsid -w "$IMAGEGATE" key generate --output-key-prefix "$T/n" < /dev/null 2> "$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "no password: exit $rc, want 2"
grep -q "IMAGEGATE_PASSWORD" "$T/err" || fail "no-password message: $(cat "$T/err")"
[ ! -e "$T/n.key" ] || fail "a key was written without a password"
echo "sign_keys: all checks passed"
