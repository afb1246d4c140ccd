# Shared by tests/integration/version_*.sh: asks the real tool (through
# version_oracle.py) and imagegate (through `version compare|satisfies
# --stdin`, so the real binary is tested) the same questions, and fails on
# any answer that differs.
#
# version_check ECOSYSTEM ORACLE COUNT [compare|satisfies] [GEN_NAME]
version_check() {
  local eco=$1 oracle=$2 count=$3 mode=${4:-compare} gen=${5:-$1}
  local lib work
  lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  work=${VERSION_WORK:?}
  /usr/bin/python3 "$lib/version_gen.py" "$gen" "$count" > "$work/$oracle.in"
  /usr/bin/python3 "$lib/version_oracle.py" "$oracle" "$work" < "$work/$oracle.in" > "$work/$oracle.want"
  # A bad line makes imagegate exit 2 after answering the others: expected.
  set +e
  "$IMAGEGATE" version "$mode" --ecosystem "$eco" --stdin < "$work/$oracle.in" > "$work/$oracle.got" 2> "$work/$oracle.err"
  local rc=$?
  set -e
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "FAIL: imagegate exited $rc for $oracle"; cat "$work/$oracle.err"; return 1
  fi
  if grep -qx error "$work/$oracle.got" && [ "$rc" -ne 2 ]; then
    echo "FAIL: imagegate printed 'error' but exited $rc"; return 1
  fi
  local total mismatches
  total=$(wc -l < "$work/$oracle.in")
  [ "$total" -eq "$(wc -l < "$work/$oracle.got")" ] || { echo "FAIL: answer count differs"; return 1; }
  /usr/bin/python3 - "$work/$oracle" > "$work/$oracle.diff" <<'PY'
import sys
base = sys.argv[1]
qs, want, got = (open(base + ext).read().split("\n") for ext in (".in", ".want", ".got"))
for q, w, g in zip(qs, want, got):
    if w != g:
        print(f"{q!r}: real tool {w}, imagegate {g}")
PY
  mismatches=$(wc -l < "$work/$oracle.diff")
  echo "$oracle: $total questions, $mismatches differ from the real tool"
  if [ "$mismatches" -ne 0 ]; then
    head -40 "$work/$oracle.diff"
    return 1
  fi
}
