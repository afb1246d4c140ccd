#!/usr/bin/env bash
# Step 5 of the action (after the SARIF upload): fails the job on a deny.
#   INPUT_EXIT_CODE     run.sh's exit-code output
#   INPUT_DECISION      run.sh's decision output
#   INPUT_FAIL_ON_DENY  true (default): a deny (or a failed scan) fails the job;
#                       false: it is only reported
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rc=${INPUT_EXIT_CODE:-}
[ -n "$rc" ] || action_fail "no exit code from the run step; it did not run or failed early"
case "${INPUT_DECISION:-}" in
  deny | fail)
    if action_true "${INPUT_FAIL_ON_DENY:-true}"; then
      echo "::error title=imagegate::the image was denied (exit $rc); the job summary lists every reason and its fix"
      exit "$rc"
    fi
    echo "::warning title=imagegate::the image was denied (exit $rc), but fail-on-deny is false"
    ;;
  warn) echo "::warning title=imagegate::allowed with warnings; see the job summary" ;;
esac
exit 0
