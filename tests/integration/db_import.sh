#!/usr/bin/env bash
# `imagegate db import/status/build` with the real binary: every feed kind from
# tests/fixtures/advisories (auto-detected), status as JSON checked with jq,
# re-import replacing a source, a distribution build, and the exit codes of
# the failures a user can cause.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source tree}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
fx="$IG_SOURCE_DIR/tests/fixtures/advisories"
work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
export IMAGEGATE_CACHE_DIR="$work/cache"
fail() { echo "FAIL: $*"; exit 1; }

# A missing database is "not found" (3) with the fix in the message.
set +e
out=$("$IMAGEGATE" db status 2>&1); rc=$?
set -e
[ "$rc" -eq 3 ] || fail "status without a database: exit $rc, want 3 ($out)"
grep -q "imagegate db import" <<<"$out" || fail "status without a database does not say how to fix it: $out"

gzip -c "$fx/epss/epss_scores.csv" > "$work/epss_scores.csv.gz"
"$IMAGEGATE" db import "$fx/osv" "$fx/osv-all.zip" "$fx/secdb/v3.18-main.json" "$fx/secdb/v3.19-community.yaml" \
  "$fx/debian/tracker.json" "$fx/kev/known_exploited_vulnerabilities.json" "$work/epss_scores.csv.gz" \
  > "$work/import.out" 2> "$work/import.err"
grep -q "imported 11 osv records from $fx/osv (11 files, 2 skipped" "$work/import.out" || fail "osv dir summary: $(cat "$work/import.out")"
grep -q "BROKEN-0001" "$work/import.err" || fail "no warning names the malformed record: $(cat "$work/import.err")"
[ -f "$work/cache/db/imagegate.db" ] || fail "the default database path <cache>/db/imagegate.db was not used"

"$IMAGEGATE" db status --format json > "$work/status.json"
jq -e '.schema_version == 4' "$work/status.json" >/dev/null || fail "schema_version: $(cat "$work/status.json")"
jq -e '.sources | length == 7' "$work/status.json" >/dev/null || fail "source count"
jq -e '[.sources[] | .kind] | sort == ["debian","epss","kev","osv","osv","secdb","secdb"]' "$work/status.json" >/dev/null \
  || fail "source kinds: $(jq -c '[.sources[].kind]' "$work/status.json")"
jq -e '.sources[] | select(.kind == "debian") | .records == 5' "$work/status.json" >/dev/null || fail "debian records"
jq -e '.sources[] | select(.kind == "kev") | .records == 2' "$work/status.json" >/dev/null || fail "kev records"
jq -e '.sources[] | select(.kind == "epss") | .records == 3' "$work/status.json" >/dev/null || fail "epss records"
jq -e '.counts.kev == 2 and .counts.epss == 3 and .counts.affected > 20' "$work/status.json" >/dev/null || fail "counts"
jq -e '.age_seconds >= 0 and .age_seconds < 600 and .built_at == null' "$work/status.json" >/dev/null || fail "age"
"$IMAGEGATE" db status | grep -q "^Sources:" || fail "text status"

# Importing the same source again replaces it: counts do not grow.
before=$(jq '.counts.affected' "$work/status.json")
"$IMAGEGATE" db import "$fx/secdb/v3.18-main.json" >/dev/null 2>&1
after=$("$IMAGEGATE" db status --format json | jq '.counts.affected')
[ "$before" = "$after" ] || fail "re-import changed the affected count: $before -> $after"

# --db and $IMAGEGATE_DB pick another file; --kind forces the parser.
"$IMAGEGATE" --db "$work/other.db" db import --kind secdb --name alpine-main "$fx/secdb/v3.18-main.json" >/dev/null 2>&1
IMAGEGATE_DB="$work/other.db" "$IMAGEGATE" db status --format json \
  | jq -e '.sources == [.sources[0]] and .sources[0].name == "alpine-main" and .sources[0].records == 8' >/dev/null \
  || fail "--db/IMAGEGATE_DB/--name"

# A distribution build: a readable copy with built_at set.
"$IMAGEGATE" db build --output "$work/dist/imagegate.db"
"$IMAGEGATE" --db "$work/dist/imagegate.db" db status --format json \
  | jq -e '.built_at != null and (.sources | length) == 7' >/dev/null || fail "built database status"
set +e
"$IMAGEGATE" db build --output "$work/dist/imagegate.db" 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "building over an existing file: exit $rc, want 2"
"$IMAGEGATE" db build --output "$work/dist/imagegate.db" --force

# Failures a user can cause.
echo '{"hello": "world"}' > "$work/unknown.json"
set +e
out=$("$IMAGEGATE" db import "$work/unknown.json" 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown feed: exit $rc, want 2"
grep -q -- "--kind" <<<"$out" || fail "unknown feed message does not mention --kind: $out"
set +e
"$IMAGEGATE" db import "$work/nope.json" >/dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 3 ] || fail "missing source: exit $rc, want 3"
set +e
"$IMAGEGATE" db import --kind kev "$fx/secdb/v3.18-main.json" >/dev/null 2>&1; rc=$?
set -e
[ "$rc" -eq 5 ] || fail "wrong --kind: exit $rc, want 5"

# A database from a newer imagegate is refused with the fix.
cp "$work/dist/imagegate.db" "$work/future.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' "$work/future.db"
set +e
out=$("$IMAGEGATE" --db "$work/future.db" db status 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "newer schema: exit $rc, want 2"
grep -q "has schema version 99; this imagegate understands up to 4" <<<"$out" || fail "newer schema message: $out"

echo "db_import: all checks passed"
