#!/usr/bin/env bash
# `db import` of feeds laid out as their publishers ship them, then `scan` of a
# root filesystem against them: an Alpine secdb checkout (one folder per
# release, a null `packages:`) mixed with other kinds in one folder, one
# transaction per command (a failing path leaves the database byte-for-byte
# as it was), zero records never reported as success, and an Alpine 3.7.3
# minirootfs-like tree whose musl 1.1.18-r3 gets CVE-2019-14697 from v3.7.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source tree}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
fx="$IG_SOURCE_DIR/tests/fixtures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export IMAGEGATE_CACHE_DIR="$work/cache"
db="$work/feeds.db"
ig() { "$IMAGEGATE" --db "$db" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

# A folder mixing the secdb checkout, KEV and an unknown JSON file.
mkdir -p "$work/feeds"
cp -r "$fx/secdb-checkout" "$work/feeds/alpine-secdb"
cp "$fx/advisories/kev/known_exploited_vulnerabilities.json" "$work/feeds/kev.json"
echo '{"hello": "world"}' >"$work/feeds/notes.json"
ig db import "$work/feeds" >"$work/import.out" 2>"$work/import.err" || fail "import: $(cat "$work/import.err")"
grep -qx "imported 7 secdb records from $work/feeds (4 files, 1 skipped, see warnings)" "$work/import.out" \
  || fail "secdb summary: $(cat "$work/import.out")"
grep -qx "imported 2 kev records from $work/feeds (1 skipped, see warnings)" "$work/import.out" || fail "kev summary: $(cat "$work/import.out")"
grep -q "skipping $work/feeds/notes.json: not a feed" "$work/import.err" || fail "unknown file not named: $(cat "$work/import.err")"
ig db status --format json | jq -e '[.sources[].kind] | sort == ["kev","secdb"]' >/dev/null || fail "sources"

# A null `packages:` alone imports nothing: an error, not success.
cp "$db" "$work/before.db"
set +e
out=$(ig db import "$fx/secdb-checkout/v3.3/community.yaml" 2>&1); rc=$?
set -e
[ "$rc" -eq 5 ] || fail "zero records: exit $rc, want 5 ($out)"
grep -q "nothing was imported" <<<"$out" || fail "zero records message: $out"
grep -q "^imported" <<<"$out" && fail "success printed over zero records: $out"

# All or none: the third path is broken at line 3; the first two are not kept.
printf '{\n  "distroversion": "v3.19",\n  "packages": [,]\n}\n' >"$work/broken.json"
set +e
out=$(ig db import "$fx/advisories/secdb/v3.18-main.json" "$fx/advisories/debian/tracker.json" "$work/broken.json" 2>&1); rc=$?
set -e
[ "$rc" -eq 5 ] || fail "broken file: exit $rc, want 5 ($out)"
grep -q "$work/broken.json: not valid JSON at line 3" <<<"$out" || fail "broken file message: $out"
dump() { python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$1"; }
[ "$(dump "$db")" = "$(dump "$work/before.db")" ] || fail "a failed import changed the database"

# Alpine 3.7.3 as its minirootfs ships: os-release names 3.7.3, secdb v3.7.
r="$work/alpine-3.7"
mkdir -p "$r/etc" "$r/lib/apk/db"
echo 3.7.3 >"$r/etc/alpine-release"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.7.3\nPRETTY_NAME="Alpine Linux v3.7"\n' >"$r/etc/os-release"
cat >"$r/lib/apk/db/installed" <<'APK'
C:Q1fixture0000000000000000000000=
P:musl
V:1.1.18-r3
A:x86_64
I:581632
L:MIT
o:musl
F:lib
R:libc.musl-x86_64.so.1

C:Q1fixture0000000000000000000001=
P:busybox
V:1.27.2-r11
A:x86_64
I:761856
L:GPL-2.0
o:busybox

APK
ig scan --format json "dir:$r" >"$work/scan.json" 2>"$work/scan.err" || fail "scan: $(cat "$work/scan.err")"
got=$(jq -r '.findings[] | [.package.name, .package.version, .id, (.fixed_versions | join(","))] | @tsv' "$work/scan.json")
want=$(printf 'musl\t1.1.18-r3\tCVE-2019-14697\t1.1.18-r4')
[ "$got" = "$want" ] || fail "alpine 3.7 findings: got [$got], want [$want]"
jq -e '.os.distro_release == "alpine:3.7"' "$work/scan.json" >/dev/null || fail "release: $(jq -c .os "$work/scan.json")"
grep -q "no advisory data" "$work/scan.err" && fail "scan says there is no data: $(cat "$work/scan.err")"

echo "db_import_feeds: all checks passed"
