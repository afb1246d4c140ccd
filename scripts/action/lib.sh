# Shared by the GitHub Action's steps (action.yml). Sourced, not run.
# Each step reads its inputs as INPUT_* variables (set in action.yml from the
# action's inputs) and GitHub's own variables (GITHUB_OUTPUT, GITHUB_PATH,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP), so tests/integration/github_action.sh
# can run them outside GitHub with those variables pointing at files.

set -euo pipefail

action_fail() {
  # ::error (a workflow command, read from stdout) shows it on the job's
  # page; stderr keeps it in the step's log for anyone running this by hand.
  echo "::error title=imagegate::$*"
  echo "imagegate action: $*" >&2
  exit 1
}

# action_output NAME VALUE: a step output (single line).
action_output() {
  printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set; run inside GitHub Actions or set it}"
}

# action_true VALUE: "true"/"yes"/"1" (any case) are true.
action_true() {
  case "${1,,}" in true | yes | 1) return 0 ;; *) return 1 ;; esac
}

# The imagegate to run: what install.sh put on the PATH (or INPUT_BINARY).
action_imagegate() {
  if [ -n "${INPUT_BINARY:-}" ]; then
    echo "$INPUT_BINARY"
  elif [ -n "${IMAGEGATE_BIN:-}" ]; then
    echo "$IMAGEGATE_BIN"
  else
    command -v imagegate || action_fail "imagegate is not installed; the install step of this action should have run"
  fi
}

# The action's working files live under RUNNER_TEMP/imagegate.
action_workdir() {
  local d="${RUNNER_TEMP:?RUNNER_TEMP is not set}/imagegate"
  mkdir -p "$d"
  echo "$d"
}
