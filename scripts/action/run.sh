#!/usr/bin/env bash
# Step 3 of the action: runs `imagegate check` (or `scan`) once, keeps its
# exit code for finish.sh (so the SARIF upload between them still runs on a
# deny), and writes the Markdown summary to GITHUB_STEP_SUMMARY.
#   INPUT_COMMAND     check (default) or scan
#   INPUT_IMAGE       the image (any imagegate input: registry, oci:DIR, docker-archive:FILE)
#   INPUT_DB, INPUT_CACHE_DIR   from prepare-db.sh / actions/cache
#   the flags (each empty = imagegate's default):
#   INPUT_POLICY INPUT_SEVERITY INPUT_SEVERITY_THRESHOLD INPUT_IGNORE_UNFIXED
#   INPUT_IGNORE_FILE INPUT_KEY (one per line) INPUT_PLATFORM INPUT_USERNAME
#   INPUT_PASSWORD INPUT_INSECURE INPUT_TIMEOUT, and INPUT_ARGS (more flags,
#   split on blanks)
#   INPUT_SARIF       true: write SARIF for code scanning (default true)
#   INPUT_SUMMARY     true: write the job summary (default true)
# Outputs: exit-code, decision (allow|warn|deny for check; pass|fail for
# scan), sarif (the file, or empty), verdict (verdict.json for check).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ig=$(action_imagegate)
work=$(action_workdir)
command=${INPUT_COMMAND:-check}
image=${INPUT_IMAGE:-}
[ -n "$image" ] || action_fail "the 'image' input is empty; name the image to $command"
case "$command" in check | scan) ;; *) action_fail "command '$command' is not check or scan" ;; esac

global=(--cache-dir "${INPUT_CACHE_DIR:?INPUT_CACHE_DIR is not set}")
[ -n "${INPUT_DB:-}" ] && global+=(--db "$INPUT_DB")
flags=()
[ -n "${INPUT_POLICY:-}" ] && [ "$command" = check ] && flags+=(--policy "$INPUT_POLICY")
[ -n "${INPUT_SEVERITY:-}" ] && flags+=(--severity "$INPUT_SEVERITY")
[ -n "${INPUT_SEVERITY_THRESHOLD:-}" ] && flags+=(--severity-threshold "$INPUT_SEVERITY_THRESHOLD")
action_true "${INPUT_IGNORE_UNFIXED:-false}" && flags+=(--ignore-unfixed)
[ -n "${INPUT_IGNORE_FILE:-}" ] && flags+=(--ignore-file "$INPUT_IGNORE_FILE")
while IFS= read -r key; do
  [ -n "$key" ] && [ "$command" = check ] && flags+=(--key "$key")
done <<<"${INPUT_KEY:-}"
[ -n "${INPUT_PLATFORM:-}" ] && flags+=(--platform "$INPUT_PLATFORM")
[ -n "${INPUT_INSECURE:-}" ] && flags+=(--insecure "$INPUT_INSECURE")
[ -n "${INPUT_TIMEOUT:-}" ] && flags+=(--timeout "$INPUT_TIMEOUT")
[ -n "${INPUT_USERNAME:-}" ] && flags+=(--username "$INPUT_USERNAME" --password-stdin)
# A scan "fails" only when asked to: a threshold makes findings at or above it exit 1.
[ "$command" = scan ] && [ -n "${INPUT_SEVERITY_THRESHOLD:-}" ] && flags+=(--exit-code 1)
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<<"$INPUT_ARGS"
  flags+=("${extra[@]}")
fi

# Runs imagegate with the password (if any) on stdin, never in argv.
run_imagegate() {
  if [ -n "${INPUT_USERNAME:-}" ]; then
    printf '%s' "${INPUT_PASSWORD:-}" | "$ig" "$@"
  else
    "$ig" "$@" </dev/null
  fi
}

sarif=""
out="$work/out"
rm -rf "$out"
rc=0
if action_true "${INPUT_SARIF:-true}"; then
  sarif="$work/imagegate.sarif"
  primary=(--format sarif --output "$sarif")
else
  primary=(--format json --output "$work/result.json")
fi
[ "$command" = check ] && primary+=(--output-dir "$out")
run_imagegate "${global[@]}" "$command" "$image" "${primary[@]}" "${flags[@]}" || rc=$?

# Exit codes: 0 allow/warn (or a scan below the threshold), 1 a scan at or
# above it, 20-23 a deny; anything else is an error, not a verdict.
case "$command:$rc" in
  check:0 | check:2[0-3]) decision=$(jq -r .decision "$out/verdict.json") ;;
  scan:0) decision=pass ;;
  scan:1) decision=fail ;;
  *)
    action_output exit-code "$rc"
    action_fail "imagegate $command failed with exit code $rc (see the message above; exit codes: README)"
    ;;
esac
[ -s "${sarif:-/dev/null}" ] || sarif=""

# The summary: imagegate's Markdown report when this imagegate has it, else
# its table in a code block. A second run: the layers and the database are
# cached by then, so it costs seconds, and its exit code is the first's.
write_summary() {
  local format=table
  "$ig" "$command" --help 2>/dev/null | grep -q markdown && format=markdown
  echo "## imagegate $command: $decision"
  echo
  if [ "$format" = markdown ]; then
    run_imagegate "${global[@]}" "$command" "$image" --format markdown "${flags[@]}" || true
  else
    echo "\`$image\`"
    echo
    echo '```'
    if [ -f "$out/summary.txt" ]; then
      cat "$out/summary.txt"
    else
      run_imagegate "${global[@]}" "$command" "$image" --format table "${flags[@]}" || true
    fi
    echo '```'
  fi
}
if action_true "${INPUT_SUMMARY:-true}" && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  write_summary >>"$GITHUB_STEP_SUMMARY"
fi

action_output exit-code "$rc"
action_output decision "$decision"
action_output sarif "$sarif"
action_output verdict "$([ "$command" = check ] && echo "$out/verdict.json")"
echo "imagegate $command $image: $decision (exit $rc)"
