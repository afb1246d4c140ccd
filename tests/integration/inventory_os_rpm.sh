#!/usr/bin/env bash
# Real rpm databases for the rpmdb parser: packages built with rpmbuild from
# tests/fixtures/rpm/*.spec, installed with rpm --justdb into an sqlite rpmdb,
# and the same header blobs loaded into a Berkeley DB hash file with db_load
# (Debian's rpm cannot write bdb or ndb; we check that rpm's read-only bdb
# backend reads our bdb file back identically). The RpmDbReal gtest then
# parses all three backends (ndb is written by the test from the same blobs)
# and compares with rpm -qa.
set -euo pipefail

: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
unit="$IG_BUILD_DIR/tests/unit_inventory"
[ -x "$unit" ] || { echo "FAIL: $unit is not built"; exit 1; }
for tool in rpm rpmbuild db5.3_load python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
export HOME="$work"  # keep rpmbuild away from the user's ~/.rpmmacros
# shellcheck source=lib/rpm_fixtures.sh
. "$IG_SOURCE_DIR/tests/integration/lib/rpm_fixtures.sh"
rpm_fixture_build "$work/top"

rpmq() { rpm "$@" 2>/dev/null; }
qf='%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{VENDOR}|%{MODULARITYLABEL}\n'
mkdir -p "$work/bdb"
rpm_fixture_sqlite_db "$work/sqlite" "$work"/top/RPMS/noarch/*.rpm
rpmq -qa --dbpath "$work/sqlite" --define '_db_backend sqlite' --qf "$qf" >"$work/expected.txt"
rpmq -qal --dbpath "$work/sqlite" --define '_db_backend sqlite' >"$work/files.txt"
[ "$(wc -l <"$work/expected.txt")" -ge 3 ] || { echo "FAIL: rpm lists $(cat "$work/expected.txt")"; exit 1; }

# Berkeley DB: key 0 holds the next header number, as rpm writes it.
python3 - "$work/sqlite/rpmdb.sqlite" >"$work/bdb.dump" <<'PY'
import sqlite3, struct, sys
rows = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(
    "SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
print("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END")
print(" " + struct.pack("<I", 0).hex() + "\n " + struct.pack("<I", max(h for h, _ in rows) + 1).hex())
for h, b in rows:
    print(" " + struct.pack("<I", h).hex() + "\n " + bytes(b).hex())
print("DATA=END")
PY
db5.3_load -f "$work/bdb.dump" "$work/bdb/Packages"
if ! diff <(sort "$work/expected.txt") \
  <(rpmq -qa --dbpath "$work/bdb" --define '_db_backend bdb_ro' --qf "$qf" | sort); then
  echo "FAIL: rpm's own bdb_ro backend reads the db_load file differently"
  exit 1
fi

out=$(IG_RPMDB_DIR="$work" "$unit" --gtest_filter='RpmDbReal.*' 2>&1) || {
  echo "$out"
  exit 1
}
echo "$out"
if grep -q "SKIPPED" <<<"$out" || ! grep -q "\[  PASSED  \] 1 test" <<<"$out"; then
  echo "FAIL: the RpmDbReal test did not run"
  exit 1
fi
echo "2 passed, 0 failed"
