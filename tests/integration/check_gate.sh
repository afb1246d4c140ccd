#!/usr/bin/env bash
# imagegate check against a real docker-registry, on the bundled example image
# and its example advisories: signed and unsigned images with a key that
# matches and one that does not; a policy per rule kind with an image that
# passes and one that fails; notify versus enforce; an expired ignore entry;
# --digest-file and --output-dir; policy validate/init; and webhooks against
# a real local HTTP server (exact bodies, a retry after a 500, a dead
# receiver that does not change the exit code).
set -euo pipefail
. "$IG_SOURCE_DIR/tests/integration/lib/registry_lib.sh"
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
reg_init
reg_start plain
R=$REG_plain_HOST
W=$REG_WORK
ADV=$IG_SOURCE_DIR/example/advisories
export IMAGEGATE_DB=$W/db.sqlite IMAGEGATE_PASSWORD=test-pw
"$IMAGEGATE" db import "$ADV/debian-tracker.json" "$ADV/osv" >/dev/null

reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/app:v1"
reg_push "oci:$IG_BUILD_DIR/example/image:latest" "docker://$R/test/unsigned:v1"
reg_build_image "$W/layout" root amd64 "runs as root"
reg_push "oci:$W/layout:root" "docker://$R/test/root:latest"
D=$(reg_raw_digest "$R/test/app:v1")
"$IMAGEGATE" key generate --output-key-prefix "$W/k" 2>/dev/null
"$IMAGEGATE" key generate --output-key-prefix "$W/other" 2>/dev/null
"$IMAGEGATE" sign --key "$W/k.key" "$R/test/app:v1" 2>/dev/null

# run_check CODE ARGS...: runs check with ARGS, output in $W/out and $W/err.
run_check() {
  local code=$1 rc=0
  shift
  "$IMAGEGATE" check "$@" >"$W/out" 2>"$W/err" || rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: check $*: exit $rc, want $code" >&2
    cat "$W/out" "$W/err" >&2
    exit 1
  fi
}
jqo() { jq -r "$1" "$W/out"; }
# policy TEXT: writes $W/p.yaml, which must also match the shipped JSON Schema.
policy() {
  printf 'version: 1\n%s\n' "$1" >"$W/p.yaml"
  python3 "$IG_SOURCE_DIR/tests/integration/lib/policy_schema_check.py" "$IG_SOURCE_DIR/docs/policy.schema.json" valid "$W/p.yaml"
}

# --- the default policy: CRITICAL denies (zlib1g CVE-2023-45853) -------------
run_check 21 "$R/test/app:v1"
check "verdict first" "$(head -n1 "$W/out")" "Verdict: DENY (exit 21: denied by a vulnerability rule)"
grep -q "^\[enforce\] vulnerabilities.severity (vulnerability): 1 finding(s) of severity CRITICAL$" "$W/out" || { cat "$W/out"; exit 1; }
grep -q "CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1 (CRITICAL, will_not_fix)" "$W/out" || { cat "$W/out"; exit 1; }
check "ECR counts" "$(tail -n1 "$W/out")" "CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0"
run_check 0 --severity HIGH "$R/test/app:v1"
check "allow" "$(head -n1 "$W/out")" "Verdict: ALLOW"

# --- signatures: first, and before any scan work ------------------------------
run_check 0 --severity HIGH --key "$W/k.pub" -f json "$R/test/app:v1"
check "signed: allow" "$(jqo .decision)" "allow"
check "signed: status" "$(jqo .signature.status)" "verified"
check "signed: digest" "$(jqo .image.digest)" "$D"
run_check 20 --severity HIGH --key "$W/other.pub" -f json "$R/test/app:v1"
check "wrong key: untrusted" "$(jqo '.signature.status + " " + .reasons[0].rule + " " + (.scanned|tostring)')" "untrusted signatures.signer false"
run_check 20 --key "$W/k.pub" "$R/test/unsigned:v1"
grep -q "^\[enforce\] signatures.required (signature): the image digest carries no signature" "$W/out" || { cat "$W/out"; exit 1; }
grep -q "^Not scanned: the signature step already denied the image.$" "$W/out" || { cat "$W/out"; exit 1; }
run_check 0 --severity HIGH --key "$W/k.pub" --no-fail-on-unsigned -f json "$R/test/unsigned:v1"
check "unsigned, failOnUnsigned false: warn" "$(jqo '.decision + " " + .reasons[0].mode')" "warn notify"
# A signature rule needs a registry image: usage error for a layout.
run_check 2 --key "$W/k.pub" "oci:$IG_BUILD_DIR/example/image:latest"
grep -q "is not a registry image" "$W/err" || { cat "$W/err"; exit 1; }

# --- vulnerabilities: pass / fail, notify / enforce, an expired waiver ---------
policy 'vulnerabilities: {severities: [HIGH]}'
run_check 0 --policy "$W/p.yaml" "$R/test/app:v1"
policy 'vulnerabilities: {threshold: MEDIUM}'
run_check 21 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "threshold MEDIUM items" "$(jqo '.reasons[0].items | length')" "3"
policy 'vulnerabilities: {threshold: MEDIUM, mode: notify}'
run_check 0 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "notify: warn" "$(jqo '.decision + " " + (.exit_code|tostring)')" "warn 0"
run_check 0 --notify-only -f json "$R/test/app:v1"
check "--notify-only: warn" "$(jqo .decision)" "warn"
policy 'vulnerabilities:
  severities: [CRITICAL]
  ignore:
    - {id: CVE-2023-45853, expires: 2020-01-01, reason: accepted until the 2019 rebuild}'
run_check 21 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "expired waiver: warned" "$(jqo '.warnings[0]' | grep -c 'expired on 2020-01-01')" "1"
policy 'vulnerabilities:
  severities: [CRITICAL]
  ignore:
    - {id: CVE-2023-45853, expires: 2999-01-01, reason: minizip is not shipped}'
run_check 0 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "live waiver: suppressed" "$(jqo '.decision + " " + (.suppressed|tostring) + " " + (.counts.CRITICAL|tostring)')" "allow 1 0"
# A VEX statement suppresses the one finding it names, and the verdict shows it.
cat >"$W/vex.json" <<JSON
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "test",
 "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2023-45853"},
   "products": [{"@id": "pkg:oci/app", "subcomponents": [{"@id": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"}]}],
   "status": "not_affected", "justification": "vulnerable_code_not_present",
   "impact_statement": "minizip is not built"}]}
JSON
run_check 0 --vex "$W/vex.json" "$R/test/app:v1"
check "VEX: allow" "$(head -n1 "$W/out")" "Verdict: ALLOW"
grep -qF "  waived: CVE-2023-45853 in zlib1g 1:1.2.13.dfsg-1: ignored by $W/vex.json statement 1: VEX not_affected (vulnerable_code_not_present): minizip is not built" "$W/out" \
  || { cat "$W/out"; exit 1; }
printf 'CVE-2023-45853\n' >"$W/.trivyignore"
run_check 0 --ignorefile "$W/.trivyignore" "$R/test/app:v1"

# A fix known for more than N days: the two openssl findings, fixed in Debian,
# dated by their CVE records' publication (2023-11-06 and 2024-01-26).
policy 'vulnerabilities: {severities: [LOW], fix_available_days: {days: 36500, severities: {MEDIUM: 30}}}'
run_check 21 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "fix_available_days" "$(jqo '[.reasons[].rule] | join(" ")')" "vulnerabilities.fix_available_days"
check "fix_available_days items" "$(jqo '.reasons[0].items | map(split(";")[1]) | sort | map(split(",")[0]) | join("|")')" \
  " fix known since 2023-11-06| fix known since 2024-01-26"
policy 'vulnerabilities: {severities: [LOW], fix_available_days: 36500}'
run_check 0 --policy "$W/p.yaml" "$R/test/app:v1"

# --- config: the example runs as uid 1000; the umoci image as root -------------
policy 'config: {runs_as_root: enforce, allowed_registries: ['"$R"'/test/], denied_tags: [latest]}'
run_check 0 --policy "$W/p.yaml" "$R/test/app:v1"
run_check 22 --policy "$W/p.yaml" -f json "$R/test/root:latest"
check "config reasons" "$(jqo '[.reasons[].rule] | join(" ")')" "config.runs_as_root config.denied_tags"
policy 'config: {no_healthcheck: notify}'
run_check 0 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "no healthcheck: warn" "$(jqo '.decision + " " + .reasons[0].rule')" "warn config.no_healthcheck"

# --- licenses: left-pad is WTFPL ---------------------------------------------
policy 'licenses: {deny: [AGPL-3.0-only]}'
run_check 0 --policy "$W/p.yaml" "$R/test/app:v1"
policy 'licenses: {deny: [WTFPL]}'
run_check 23 --policy "$W/p.yaml" -f json "$R/test/app:v1"
check "license item" "$(jqo '.reasons[0].items[0]')" "left-pad 1.3.0 (npm): WTFPL"

# --- the record: --digest-file, --output-dir ----------------------------------
run_check 21 --key "$W/k.pub" --digest-file "$W/digest" --output-dir "$W/rec" "$R/test/app:v1"
check "digest file" "$(cat "$W/digest")" "$R/test/app@$D"
for f in verdict.json findings.json summary.txt sbom.cdx.json policy.applied.json; do
  [ -s "$W/rec/$f" ] || { echo "FAIL: --output-dir lacks $f" >&2; exit 1; }
done
check "record verdict" "$(jq -r '.schema_version, .decision, .exit_code' "$W/rec/verdict.json" | tr '\n' ' ')" "1 deny 21 "
check "record findings" "$(jq -r '.summary.total' "$W/rec/findings.json")" "3"
check "record policy" "$(jq -r '.signatures.signers[0].key' "$W/rec/policy.applied.json")" "$W/k.pub"
check "record sbom" "$(jq -r .bomFormat "$W/rec/sbom.cdx.json")" "CycloneDX"
cmp -s "$W/out" "$W/rec/summary.txt" || { echo "FAIL: summary.txt differs from the table" >&2; exit 1; }

# --- policy validate / init ----------------------------------------------------
"$IMAGEGATE" policy init -o "$W/init.yaml" 2>/dev/null
"$IMAGEGATE" policy validate "$W/init.yaml" >/dev/null
printf 'version: 1\nvulnerabilities:\n  severities: [SEVERE]\n  ignore:\n    - id: CVE-1\n' >"$W/bad.yaml"
python3 "$IG_SOURCE_DIR/tests/integration/lib/policy_schema_check.py" "$IG_SOURCE_DIR/docs/policy.schema.json" valid "$W/init.yaml"
python3 "$IG_SOURCE_DIR/tests/integration/lib/policy_schema_check.py" "$IG_SOURCE_DIR/docs/policy.schema.json" invalid "$W/bad.yaml"
rc=0; "$IMAGEGATE" policy validate "$W/bad.yaml" 2>"$W/err" || rc=$?
check "validate: usage" "$rc" "2"
grep -q "bad.yaml:3: vulnerabilities.severities 'SEVERE' is not a severity" "$W/err" || { cat "$W/err"; exit 1; }
grep -q "bad.yaml:5: the ignore entry for CVE-1 has no reason" "$W/err" || { cat "$W/err"; exit 1; }
run_check 2 --policy "$W/bad.yaml" "$R/test/app:v1"

# --- webhooks: a real receiver; a 500 is retried; a dead one changes nothing --
PORT=$(reg_free_port)
mkdir -p "$W/hooks"
python3 "$IG_SOURCE_DIR/tests/integration/lib/webhook_receiver.py" "$PORT" "$W/hooks" &
REG_PIDS+=($!)
reg_wait_http "http://127.0.0.1:$PORT/"
H="http://127.0.0.1:$PORT"
run_check 21 -f json --webhook "$H/flaky/secret-path?token=s3cr3t" --slack-webhook "$H/slack/T000/B000/XXXX" "$R/test/app:v1"
ls "$W/hooks" >"$W/hooks.list"
check "deliveries" "$(tr '\n' ' ' <"$W/hooks.list")" "001-flaky.json 002-flaky.json 003-slack.json "
cmp -s "$W/out" "$W/hooks/002-flaky.json" || { echo "FAIL: webhook body is not the verdict" >&2; exit 1; }
check "slack text" "$(jq -r .text "$W/hooks/003-slack.json")" "imagegate check: DENY for $R/test/app:v1@$D"
check "slack blocks" "$(jq -r '[.blocks[].type] | join(" ")' "$W/hooks/003-slack.json")" "header section section"
grep -q "nvd.nist.gov/vuln/detail/CVE-2023-45853" "$W/hooks/003-slack.json" || { echo "FAIL: no finding link" >&2; exit 1; }
! grep -q "s3cr3t\|secret-path\|T000" "$W/err" || { echo "FAIL: a webhook secret was logged" >&2; cat "$W/err"; exit 1; }
# allow sends nothing; warn only with --notify-on-warn.
run_check 0 --severity HIGH --webhook "$H/allow" "$R/test/app:v1"
run_check 0 --notify-only --webhook "$H/warn" "$R/test/app:v1"
run_check 0 --notify-only --notify-on-warn --webhook "$H/warnasked" "$R/test/app:v1"
check "deliveries on warn" "$(ls "$W/hooks" | tr '\n' ' ')" "001-flaky.json 002-flaky.json 003-slack.json 004-warnasked.json "
DEAD=$(reg_free_port)
run_check 21 --webhook "http://127.0.0.1:$DEAD/dead/secret-path?token=s3cr3t" "$R/test/app:v1"
grep -q "JSON webhook http://127.0.0.1:$DEAD/…: delivery failed" "$W/err" || { cat "$W/err"; exit 1; }
! grep -q "s3cr3t\|secret-path" "$W/err" || { echo "FAIL: a webhook secret was logged" >&2; cat "$W/err"; exit 1; }
echo "check_gate: OK"
