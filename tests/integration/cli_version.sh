#!/usr/bin/env bash
# `imagegate version`: the build's commit and date (the commit's date unless
# SOURCE_DATE_EPOCH was set at configure time), the database schema the
# binary writes (as `db status` reports of a database it made), and the
# library versions, the runtime ones equal to what the system's libraries say.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$IMAGEGATE" version --format json >"$T/v.json"
for key in version commit build_date database_schema compiler libraries; do
  jq -e --arg k "$key" 'has($k)' "$T/v.json" >/dev/null || fail "version --format json lacks $key"
done
[ "$(jq -r .version "$T/v.json")" = "$("$IMAGEGATE" --version | awk '{print $2}')" ] || fail "--version and version disagree"
if git -C "$IG_SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
  commit=$(jq -r .commit "$T/v.json")
  git -C "$IG_SOURCE_DIR" cat-file -e "$commit^{commit}" 2>/dev/null || fail "commit $commit is not in the repository"
  want=$(TZ=UTC git -C "$IG_SOURCE_DIR" log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ "$commit")
  got=$(jq -r .build_date "$T/v.json")
  grep -q "SOURCE_DATE_EPOCH" "${IG_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null ||
    [ "$got" = "$want" ] || fail "build date $got is not the commit's date $want"
fi
"$IMAGEGATE" --db "$T/db" db import "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
schema=$("$IMAGEGATE" --db "$T/db" db status --format json | jq -r '.schema_version')
[ "$(jq -r .database_schema "$T/v.json")" = "$schema" ] || fail "database_schema differs from db status ($schema)"
# Runtime versions are the system's libraries'.
sqlite=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')
[ "$(jq -r .libraries.SQLite.version "$T/v.json")" = "$sqlite" ] || fail "SQLite version, want $sqlite"
curl_v=$(curl --version | awk 'NR == 1 {print $2}')
[ "$(jq -r .libraries.libcurl.version "$T/v.json")" = "$curl_v" ] || fail "libcurl version, want $curl_v"
"$IMAGEGATE" version | grep -q "^database schema: $schema$" || fail "the table lacks the database schema"
echo "ok: version json and table (commit, date, schema $schema, SQLite $sqlite, libcurl $curl_v)"
echo "1 passed, 0 failed"
