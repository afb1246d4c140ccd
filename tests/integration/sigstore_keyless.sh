#!/usr/bin/env bash
# imagegate verify-blob against real Sigstore bundles made by sigstore-js
# (@sigstore/sign) with @sigstore/mock's CA, CT log, Rekor and TSA, all offline:
# keyless message signatures (bundles v0.1, v0.2, v0.3), DSSE in-toto bundles,
# key-based bundles, and tampered cases that must fail with the right reason
# and exit code (11 invalid signature, 12 untrusted signer).
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}"
. "$IG_SOURCE_DIR/tests/integration/lib/sigstore_npm.sh"

T=$(mktemp -d)
trap 'rm -rf "$T" 2>/dev/null || true' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

sigstore_make_bundles "$T/b"
B=$T/b
ID='https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'
ISS='https://token.actions.githubusercontent.com'
KEYLESS=(--trusted-root "$B/trusted_root.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS")

# expect RC NAME-OF-CASE GREP-PATTERN imagegate-args...: runs verify-blob and
# checks the exit code and that stderr/stdout names the reason.
expect() {
  local want=$1 name=$2 pattern=$3
  shift 3
  set +e
  "$IMAGEGATE" verify-blob "$@" > "$T/out" 2> "$T/err"
  local rc=$?
  set -e
  [ "$rc" -eq "$want" ] || { cat "$T/out" "$T/err" >&2; fail "$name: exit $rc, want $want"; }
  grep -Eq -- "$pattern" "$T/out" "$T/err" || { cat "$T/out" "$T/err" >&2; fail "$name: output lacks /$pattern/"; }
  echo "ok: $name"
}

# Good bundles, every layout.
for v in v01 v02 v03; do
  expect 0 "message signature $v" "Verified OK: signed by $ID" "$B/artifact.txt" --bundle "$B/message.$v.json" "${KEYLESS[@]}"
done
expect 0 "DSSE in-toto" "Verified OK" "$B/artifact.txt" --bundle "$B/dsse.v03.json" "${KEYLESS[@]}"
expect 0 "by digest" "Verified OK" "sha256:$(sha256sum "$B/artifact.txt" | cut -d' ' -f1)" \
  --bundle "$B/message.v03.json" "${KEYLESS[@]}"
expect 0 "identity regexp" "Verified OK" "$B/artifact.txt" --bundle "$B/message.v03.json" --trusted-root "$B/trusted_root.json" \
  --certificate-identity-regexp '^https://github\.com/acme/' --certificate-oidc-issuer-regexp 'actions\.githubusercontent'
expect 0 "key-based with tlog" "signed with key sha256:" "$B/artifact.txt" --bundle "$B/key_message.v03.json" \
  --key "$B/signing.pub" --trusted-root "$B/trusted_root.json"
expect 0 "key-based DSSE, no tlog" "Verified OK" "$B/artifact.txt" --bundle "$B/key_dsse_notlog.v03.json" --key "$B/signing.pub"

# JSON output names every check and the signer.
"$IMAGEGATE" verify-blob "$B/artifact.txt" --bundle "$B/dsse.v03.json" "${KEYLESS[@]}" --format json > "$T/v.json"
python3 - "$T/v.json" "$ID" "$ISS" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["verified"] is True, v
assert v["signer"] == {"kind": "certificate", "identity": sys.argv[2], "issuer": sys.argv[3]}, v["signer"]
status = {c["name"]: c["status"] for c in v["checks"]}
for name in ["signature", "artifact digest", "tlog body", "tlog SET", "tlog inclusion proof", "RFC 3161 timestamp",
             "certificate chain", "SCT", "certificate identity", "certificate issuer"]:
    assert status.get(name) == "passed", (name, status)
assert v["tlog_ignored"] is False
PY
echo "ok: JSON report"

# --insecure-ignore-tlog says so; the DSSE bundle still has a TSA timestamp for the chain.
expect 0 "ignore tlog" "transparency log was not checked" "$B/artifact.txt" --bundle "$B/dsse.v03.json" "${KEYLESS[@]}" --insecure-ignore-tlog
"$IMAGEGATE" verify-blob "$B/artifact.txt" --bundle "$B/dsse.v03.json" "${KEYLESS[@]}" --insecure-ignore-tlog --format json |
  python3 -c 'import json,sys; v=json.load(sys.stdin); assert v["tlog_ignored"] and any(c["status"]=="skipped" and c["name"]=="transparency log" for c in v["checks"]), v'

# Tampered cases.
printf 'hello from imagegatE\n' > "$T/changed.txt"
expect 11 "changed payload byte" "artifact digest check failed" "$T/changed.txt" --bundle "$B/message.v03.json" "${KEYLESS[@]}"
expect 11 "changed payload byte (DSSE)" "no subject of the in-toto statement" "$T/changed.txt" --bundle "$B/dsse.v03.json" "${KEYLESS[@]}"
expect 11 "wrong digest" "artifact digest check failed" "sha256:$(printf x | sha256sum | cut -d' ' -f1)" \
  --bundle "$B/message.v03.json" "${KEYLESS[@]}"
expect 12 "wrong identity" "certificate identity check failed" "$B/artifact.txt" --bundle "$B/message.v03.json" \
  --trusted-root "$B/trusted_root.json" --certificate-identity https://github.com/evil/app --certificate-oidc-issuer "$ISS"
expect 12 "wrong issuer" "certificate issuer check failed" "$B/artifact.txt" --bundle "$B/message.v03.json" \
  --trusted-root "$B/trusted_root.json" --certificate-identity "$ID" --certificate-oidc-issuer https://accounts.google.com
expect 11 "expired certificate" "certificate chain check failed.*expired" "$B/artifact.txt" --bundle "$B/expired.v03.json" \
  --trusted-root "$B/trusted_root_expired.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
expect 11 "untrusted CA" "certificate chain check failed" "$B/artifact.txt" --bundle "$B/message.v03.json" \
  --trusted-root "$B/trusted_root_other_ca.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
expect 11 "unknown log" "not in the trusted root" "$B/artifact.txt" --bundle "$B/message.v03.json" \
  --trusted-root "$B/trusted_root_other_log.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
expect 11 "nothing trusted" "RFC 3161 timestamp check failed" "$B/artifact.txt" --bundle "$B/message.v03.json" \
  --trusted-root "$B/trusted_root_other.json" --certificate-identity "$ID" --certificate-oidc-issuer "$ISS"
openssl ecparam -name prime256v1 -genkey 2>/dev/null | openssl ec -pubout -out "$T/other.pub" 2>/dev/null
expect 11 "wrong key" "signature check failed" "$B/artifact.txt" --bundle "$B/key_message.v03.json" --key "$T/other.pub"

# Edit one field of a bundle: tamper BUNDLE OUT PYTHON-EXPR (b is the bundle, e its first tlog entry).
tamper() {
  python3 - "$1" "$2" "$3" <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
e = b["verificationMaterial"]["tlogEntries"][0]
def flip(s, i=10):
    raw = bytearray(base64.b64decode(s)); raw[i] ^= 1; return base64.b64encode(bytes(raw)).decode()
exec(sys.argv[3])
json.dump(b, open(sys.argv[2], "w"))
PY
}
tamper "$B/message.v03.json" "$T/bad_set.json" 'e["inclusionPromise"]["signedEntryTimestamp"] = flip(e["inclusionPromise"]["signedEntryTimestamp"], 20)'
expect 11 "bad SET" "tlog SET check failed" "$B/artifact.txt" --bundle "$T/bad_set.json" "${KEYLESS[@]}"
tamper "$B/message.v03.json" "$T/bad_time.json" 'e["integratedTime"] = str(int(e["integratedTime"]) - 60)'
expect 11 "moved integrated time" "tlog SET check failed" "$B/artifact.txt" --bundle "$T/bad_time.json" "${KEYLESS[@]}"
tamper "$B/message.v03.json" "$T/bad_proof.json" 'e["inclusionProof"]["rootHash"] = flip(e["inclusionProof"]["rootHash"], 3)'
expect 11 "bad inclusion proof" "tlog inclusion proof check failed" "$B/artifact.txt" --bundle "$T/bad_proof.json" "${KEYLESS[@]}"
tamper "$B/message.v03.json" "$T/bad_proof2.json" 'e["inclusionProof"]["hashes"] = [base64.b64encode(b"x" * 32).decode()]'
expect 11 "extra proof hash" "tlog inclusion proof check failed" "$B/artifact.txt" --bundle "$T/bad_proof2.json" "${KEYLESS[@]}"
tamper "$B/message.v03.json" "$T/bad_sig.json" 'b["messageSignature"]["signature"] = flip(b["messageSignature"]["signature"], 12)'
expect 11 "changed signature byte" "signature check failed" "$B/artifact.txt" --bundle "$T/bad_sig.json" "${KEYLESS[@]}"
tamper "$B/dsse.v03.json" "$T/bad_payload.json" 'p = bytearray(base64.b64decode(b["dsseEnvelope"]["payload"])); p[-3] ^= 1; b["dsseEnvelope"]["payload"] = base64.b64encode(bytes(p)).decode()'
expect 11 "changed DSSE payload byte" "signature check failed" "$B/artifact.txt" --bundle "$T/bad_payload.json" "${KEYLESS[@]}"
tamper "$B/dsse.v03.json" "$T/bad_tsa.json" 'tv = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]; tv["signedTimestamp"] = flip(tv["signedTimestamp"], 60)'
expect 11 "bad RFC 3161 timestamp" "RFC 3161 timestamp check failed" "$B/artifact.txt" --bundle "$T/bad_tsa.json" "${KEYLESS[@]}"

# A chain that also carries the CA's root: every other check would pass, the
# bundle is refused for the root alone.
tamper "$B/message.v02.json" "$T/with_root.json" 'r = json.load(open("'"$B"'/trusted_root.json")); b["verificationMaterial"]["x509CertificateChain"]["certificates"].append(r["certificateAuthorities"][0]["certChain"]["certificates"][-1])'
expect 11 "root in bundle chain" "chain includes a root certificate" "$B/artifact.txt" --bundle "$T/with_root.json" "${KEYLESS[@]}"
# Base64 wrapped at 76 columns (as the `base64` tool writes it) is read like the unwrapped text.
tamper "$B/dsse.v03.json" "$T/wrapped_tsa.json" 'tv = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]; tv["signedTimestamp"] = base64.encodebytes(base64.b64decode(tv["signedTimestamp"])).decode()'
expect 0 "line-wrapped timestamp" "Verified OK" "$B/artifact.txt" --bundle "$T/wrapped_tsa.json" "${KEYLESS[@]}"

# Usage errors: keyless without identity, key-based without key.
expect 2 "no identity" "needs --certificate-identity" "$B/artifact.txt" --bundle "$B/message.v03.json" --trusted-root "$B/trusted_root.json"
expect 2 "key bundle without key" "pass the public key with --key" "$B/artifact.txt" --bundle "$B/key_message.v03.json" "${KEYLESS[@]}"
echo "all sigstore keyless cases passed"
