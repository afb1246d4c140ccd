#!/usr/bin/env bash
# The GitHub Action (action.yml) outside GitHub: its shell steps
# (scripts/action/*.sh) run in order with GitHub's variables simulated
# (GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE,
# RUNNER_TEMP) on the bundled example image: install from the .deb, a
# database restored into the cache or pulled from a real registry, check
# (deny, exit 21) and scan, SARIF, the summary, and failing on deny. Also
# checks that action.yml wires every input to a step and names scripts that
# exist.
set -euo pipefail

: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
. "$(dirname "$0")/lib/registry_lib.sh"
. "$(dirname "$0")/lib/test_cache.sh"
. "$(dirname "$0")/lib/package.sh"
package_require_release
reg_init
for tool in cpack dpkg-deb python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml is not installed"; exit 77; }
example="$IG_BUILD_DIR/example/image"
[ -f "$example/index.json" ] || { echo "FAIL: the example image is not built (target example_image)"; exit 1; }

actions="$IG_SOURCE_DIR/scripts/action"
T=$REG_WORK/action
mkdir -p "$T"
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
# output NAME: the last value a step wrote for NAME to GITHUB_OUTPUT.
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -1; }

# A fresh runner: GitHub's files for one job.
export RUNNER_TEMP="$T/runner-temp" GITHUB_WORKSPACE="$T/workspace"
export GITHUB_OUTPUT="$T/github-output" GITHUB_PATH="$T/github-path" GITHUB_STEP_SUMMARY="$T/step-summary.md"
mkdir -p "$RUNNER_TEMP" "$GITHUB_WORKSPACE"
: >"$GITHUB_OUTPUT" && : >"$GITHUB_PATH" && : >"$GITHUB_STEP_SUMMARY"
cp -a "$example" "$GITHUB_WORKSPACE/image"

# action.yml: every input reaches a step, every script it runs exists.
python3 - "$IG_SOURCE_DIR/action.yml" <<'PY' || fail "action.yml"
import os, re, sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path))
assert doc["runs"]["using"] == "composite", "not a composite action"
text = open(path).read()
for name in doc["inputs"]:
    assert "inputs." + name + " }}" in text or "inputs." + name + " ==" in text, f"input {name} is not used"
root = os.path.dirname(path)
for step in doc["runs"]["steps"]:
    if "run" in step:
        assert step.get("shell") == "bash", f"step {step.get('id')} has no shell: bash"
        for script in re.findall(r"\$GITHUB_ACTION_PATH/(\S+?\.sh)", step["run"]):
            assert os.access(os.path.join(root, script), os.X_OK), f"{script} is not an executable file"
uses = [s["uses"].split("@")[0] for s in doc["runs"]["steps"] if "uses" in s]
assert uses == ["actions/cache", "github/codeql-action/upload-sarif"], uses
for out in doc["outputs"].values():
    assert out["value"].startswith("${{ steps."), out
PY
ok "action.yml: composite, every input used, scripts exist"

# 1. install from the .deb (extracted: the libraries are the host's).
deb=$(package_deb)
expect_fail 1 "does not exist" env INPUT_DEB="$T/none.deb" INPUT_INSTALL_MODE=extract "$actions/install.sh"
INPUT_DEB="$deb" INPUT_INSTALL_MODE=extract "$actions/install.sh" >/dev/null
ig=$(output path)
[ "$ig" = "$RUNNER_TEMP/imagegate/root/usr/bin/imagegate" ] || fail "install path output: $ig"
grep -qx "$RUNNER_TEMP/imagegate/root/usr/bin" "$GITHUB_PATH" || fail "GITHUB_PATH lacks the bin directory"
[ "$("$ig" --version)" = "$("$IMAGEGATE" --version)" ] || fail "the installed imagegate is another build"
check "version output" "$(output version)" "$("$IMAGEGATE" --version | awk '{print $2}')"
ok "install.sh: .deb extracted, PATH and outputs set"

# 2. the database: none -> a clear failure; restored by the cache -> used;
# stale with db-ref -> pulled from a registry.
cache="$T/cache"
expect_fail 1 "set db-ref" env INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" "$actions/prepare-db.sh"
"$IMAGEGATE" --db "$T/example.db" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" \
  "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
mkdir -p "$cache/db" && cp "$T/example.db" "$cache/db/imagegate.db"
INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" "$actions/prepare-db.sh" >/dev/null
check "restored database used" "$(output db)" "$cache/db/imagegate.db"
reg_start main
"$IMAGEGATE" --db "$T/example.db" db push "$REG_main_HOST/security/imagegate-db:v1" >/dev/null 2>&1
touch -d '3 days ago' "$cache/db/imagegate.db"
expect_fail 1 "fresher than 24h" env INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" "$actions/prepare-db.sh"
rm "$cache/db/imagegate.db"
INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" INPUT_DB_REF="$REG_main_HOST/security/imagegate-db:v1" \
  "$actions/prepare-db.sh" >/dev/null 2>&1 || fail "prepare-db.sh with db-ref"
[ -s "$cache/db/imagegate.db" ] || fail "db-ref was not pulled into the cache"
"$ig" --db "$cache/db/imagegate.db" db status >/dev/null || fail "the pulled database does not open"
ok "prepare-db.sh: missing and stale fail with the fix, restored is used, db-ref is pulled"

# 3. check: the example carries a CRITICAL finding -> deny, exit 21.
db=$(output db)
run_step() {
  env INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" INPUT_DB="$db" INPUT_IMAGE="oci:$GITHUB_WORKSPACE/image:latest" "$@" \
    "$actions/run.sh"
}
run_step INPUT_COMMAND=check >"$T/run.log" 2>&1 || { cat "$T/run.log"; fail "run.sh must not fail the step on a deny"; }
check "check decision" "$(output decision)" deny
check "check exit code" "$(output exit-code)" 21
jq -e '.version == "2.1.0" and (.runs[0].results | length) > 0' "$(output sarif)" >/dev/null || fail "SARIF"
check "verdict file" "$(jq -r .decision "$(output verdict)")" deny
grep -q "imagegate check: deny" "$GITHUB_STEP_SUMMARY" || fail "the job summary lacks the decision"
grep -qi "critical" "$GITHUB_STEP_SUMMARY" || fail "the job summary lacks the findings"
ok "run.sh check: deny (21), SARIF with results, verdict.json, job summary"

rc=0
INPUT_EXIT_CODE=21 INPUT_DECISION=deny "$actions/finish.sh" >"$T/finish.log" || rc=$?
check "finish fails the job with the deny's code" "$rc" 21
grep -q "::error" "$T/finish.log" || fail "no ::error annotation on deny"
INPUT_EXIT_CODE=21 INPUT_DECISION=deny INPUT_FAIL_ON_DENY=false "$actions/finish.sh" | grep -q "::warning" ||
  fail "fail-on-deny=false should only warn"
INPUT_EXIT_CODE=0 INPUT_DECISION=allow "$actions/finish.sh" >/dev/null || fail "allow must pass"
ok "finish.sh: deny fails (or warns with fail-on-deny: false), allow passes"

# Extra flags reach imagegate: --notify-only makes every rule only warn.
run_step INPUT_COMMAND=check INPUT_ARGS="--notify-only" INPUT_SARIF=false >/dev/null 2>&1
check "notify-only decision" "$(output decision)" warn
check "notify-only exit code" "$(output exit-code)" 0
check "no SARIF when sarif=false" "$(output sarif)" ""

# 4. scan: passes without a threshold, fails at CRITICAL.
run_step INPUT_COMMAND=scan >/dev/null 2>&1
check "scan decision" "$(output decision)" pass
run_step INPUT_COMMAND=scan INPUT_SEVERITY_THRESHOLD=CRITICAL >/dev/null 2>&1
check "scan with threshold" "$(output decision)" fail
check "scan exit code" "$(output exit-code)" 1
ok "run.sh scan: pass, and fail at a threshold"

# 5. an error is not a verdict: the step fails with imagegate's code named.
expect_fail 1 "failed with exit code 3" env INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" INPUT_DB="$db" \
  INPUT_IMAGE="oci:$T/no-such-layout:latest" "$actions/run.sh"
expect_fail 1 "'image' input is empty" env INPUT_BINARY="$ig" INPUT_CACHE_DIR="$cache" "$actions/run.sh"
ok "run.sh: a missing image fails the step naming exit code 3; an empty input is named"
echo "$passed passed, 0 failed"
