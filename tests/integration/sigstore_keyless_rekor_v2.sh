#!/usr/bin/env bash
# imagegate verify-blob against bundles shaped as the public Sigstore instance
# makes them today (sigstore/make_rekor_v2.js): Rekor v2 entries (hashedrekord
# and dsse 0.0.2) without integrated time or SET, an Ed25519 log key, a
# checkpoint co-signed by a witness whose line comes first, and the time from
# an RFC 3161 timestamp. @sigstore/verify accepted each good bundle first.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}"
. "$IG_SOURCE_DIR/tests/integration/lib/sigstore_npm.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

sigstore_make_bundles "$T/b" make_rekor_v2.js
B=$T/b
ID='https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'
ISS='https://token.actions.githubusercontent.com'
WHO=(--certificate-identity "$ID" --certificate-oidc-issuer "$ISS")
KEYLESS=(--trusted-root "$B/trusted_root.json" "${WHO[@]}")

# expect RC NAME GREP-PATTERN verify-blob-args...: exit code and reason.
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

# One good bundle per shape.
expect 0 "hashedrekord 0.0.2, certificate" "Verified OK: signed by $ID" "$B/artifact.txt" --bundle "$B/message.v2.json" "${KEYLESS[@]}"
expect 0 "dsse 0.0.2, certificate" "Verified OK: signed by $ID" "$B/artifact.txt" --bundle "$B/dsse.v2.json" "${KEYLESS[@]}"
expect 0 "hashedrekord 0.0.2, key" "signed with key sha256:" "$B/artifact.txt" --bundle "$B/key_message.v2.json" \
  --key "$B/signing.pub" --trusted-root "$B/trusted_root.json"
# The log and the TSA end at the timestamp's very second: still valid.
expect 0 "log and TSA validity end at the timestamp" "Verified OK" "$B/artifact.txt" --bundle "$B/message.v2.json" \
  --trusted-root "$B/trusted_root_ends_at_timestamp.json" "${WHO[@]}"

# The report: the checkpoint and the timestamp passed, no SET was claimed, and
# the signing time is the timestamp's.
"$IMAGEGATE" verify-blob "$B/artifact.txt" --bundle "$B/message.v2.json" "${KEYLESS[@]}" --format json > "$T/v.json"
python3 - "$T/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["verified"] is True, v
status = {c["name"]: c["status"] for c in v["checks"]}
for name in ["signature", "artifact digest", "RFC 3161 timestamp", "tlog body", "tlog inclusion proof",
             "certificate chain", "SCT", "certificate identity", "certificate issuer"]:
    assert status.get(name) == "passed", (name, status)
assert "tlog SET" not in status, status
chain = next(c for c in v["checks"] if c["name"] == "certificate chain")
assert "verified timestamps" in chain["detail"], chain
assert v.get("signing_time"), v
PY
echo "ok: JSON report"

# Refused.
expect 11 "no timestamp" "no integrated time.*RFC 3161" "$B/artifact.txt" --bundle "$B/message_no_timestamp.v2.json" "${KEYLESS[@]}"
expect 11 "log validity ended a second before" "outside the validity of log" "$B/artifact.txt" --bundle "$B/message.v2.json" \
  --trusted-root "$B/trusted_root_log_ended.json" "${WHO[@]}"
expect 11 "checkpoint signed by the witness only" "tlog inclusion proof check failed.*no signature by the log" \
  "$B/artifact.txt" --bundle "$B/message_witness_only.v2.json" "${KEYLESS[@]}"
expect 11 "log key differs from the trusted root's" "tlog inclusion proof check failed" "$B/artifact.txt" \
  --bundle "$B/message.v2.json" --trusted-root "$B/trusted_root_other_log_key.json" "${WHO[@]}"
expect 11 "entry records another signature" "tlog body check failed" "$B/artifact.txt" \
  --bundle "$B/message_other_entry.v2.json" "${KEYLESS[@]}"
printf 'hello from imagegatE\n' > "$T/changed.txt"
expect 11 "changed artifact byte" "artifact digest check failed" "$T/changed.txt" --bundle "$B/message.v2.json" "${KEYLESS[@]}"

# The independent verifier refuses what imagegate refuses for the log.
for bad in message_witness_only.v2.json message_other_entry.v2.json; do
  if NODE_PATH="$SIGSTORE_NODE_PATH" node -e '
    const fs = require("fs");
    const { bundleFromJSON } = require("@sigstore/bundle");
    const verify = require("@sigstore/verify");
    const { TrustedRoot } = require("@sigstore/protobuf-specs");
    const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
    const entity = verify.toSignedEntity(bundleFromJSON(JSON.parse(fs.readFileSync(process.argv[2], "utf8"))),
      fs.readFileSync(process.argv[3]));
    new verify.Verifier(verify.toTrustMaterial(root)).verify(entity);' \
    "$B/trusted_root.json" "$B/$bad" "$B/artifact.txt" 2>/dev/null; then
    fail "@sigstore/verify accepted $bad"
  fi
  echo "ok: @sigstore/verify refuses $bad too"
done
echo "all Rekor v2 cases passed"
