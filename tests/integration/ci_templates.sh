#!/usr/bin/env bash
# The CI templates parse and carry what their platform needs: the GitLab
# template (ci/gitlab/imagegate.gitlab-ci.yml) a container_scanning report
# written by `--format gitlab`, the CodeBuild example a post_build check of
# the pushed image, the GitHub example the action and the permission SARIF
# needs. Every shell line in them passes `bash -n`, and every imagegate
# flag they use is one `imagegate __generate completion bash` knows for that
# command (so a renamed flag breaks this test, not a user's pipeline).
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$IMAGEGATE" __generate completion bash >"$T/completion.bash"

python3 - "$IG_SOURCE_DIR" "$T/completion.bash" <<'PY'
import os, re, subprocess, sys, yaml
src, completion = sys.argv[1], open(sys.argv[2]).read()
# "scan|--format" pairs: the words each command takes, from the lines
#     "scan") words="--format -f ..." files=1 ;;
# of the generated bash completion.
known = set()
for cmd, words in re.findall(r'^    "([a-z -]*)"\) words="([^"]*)"', completion, re.M):
    known.update(f"{cmd}|{w}" for w in words.split())
failures = []
def fail(msg):
    failures.append(msg)

def check_shell(name, lines):
    script = "\n".join(lines)
    r = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        fail(f"{name}: bash -n: {r.stderr.strip()}")
    for line in lines:
        for m in re.finditer(r"imagegate ((?:db |version |policy |key |cache )?[a-z-]+)((?: [^|;&]*)?)", line):
            cmd, rest = m.group(1), m.group(2)
            for flag in re.findall(r"\s(--?[a-z][-a-z0-9]*)", rest):
                if f"{cmd}|{flag}" not in known:
                    fail(f"{name}: `imagegate {cmd}` has no flag {flag}")

def load(rel):
    return yaml.safe_load(open(os.path.join(src, rel)))

gl = load("ci/gitlab/imagegate.gitlab-ci.yml")
job = gl["imagegate_container_scanning"]
report = job["artifacts"]["reports"]["container_scanning"]
lines = job["before_script"] + job["script"]
if not any("--format gitlab" in l and f"--output {report}" in l for l in lines):
    fail("gitlab: no `--format gitlab --output` writing the container_scanning report")
if not any(re.search(r"imagegate check ", l) for l in lines):
    fail("gitlab: no imagegate check (the gate)")
if job["artifacts"].get("when") != "always":
    fail("gitlab: artifacts must be kept when the gate fails (when: always)")
if "CS_IMAGE" not in gl["variables"]:
    fail("gitlab: CS_IMAGE is not a variable")
check_shell("gitlab", lines)

cb = load("examples/codebuild/buildspec.yml")
if str(cb["version"]) != "0.2":
    fail(f"codebuild: version {cb['version']}")
for phase in ("install", "pre_build", "build", "post_build"):
    if not cb["phases"][phase]["commands"]:
        fail(f"codebuild: phase {phase} has no commands")
post = cb["phases"]["post_build"]["commands"]
if not any("imagegate check" in l for l in post):
    fail("codebuild: post_build does not run imagegate check")
if not any("docker push" in l for l in cb["phases"]["build"]["commands"]):
    fail("codebuild: the build phase does not push")
check_shell("codebuild", sum((cb["phases"][p]["commands"] for p in cb["phases"]), []))

gh = load("examples/github/imagegate.yml")
if gh["permissions"].get("security-events") != "write":
    fail("github example: upload-sarif needs security-events: write")
steps = [s for j in gh["jobs"].values() for s in j["steps"]]
gate = [s for s in steps if s.get("id") == "gate"]
if not gate or "image" not in gate[0].get("with", {}):
    fail("github example: no gate step with an image")
action = load("action.yml")
for key in gate[0].get("with", {}) if gate else []:
    if key not in action["inputs"]:
        fail(f"github example: action.yml has no input {key}")

for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print("ok: gitlab template, codebuild buildspec and github example")
PY
echo "1 passed, 0 failed"
