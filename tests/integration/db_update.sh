#!/usr/bin/env bash
# `imagegate db update` against a local mirror served in the feeds' real
# formats by lib/feed_server.py (ETag, Last-Modified, 304): the first update,
# an update with nothing new (all 304, nothing downloaded, file untouched), one
# feed changed, a 500 then success, a truncated body, a wrong Content-Length,
# a feed that does not parse, a killed update, file:// mirrors, and the usage
# errors. After each failure the previous database must be byte-for-byte the
# same and still scan the bundled example image.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
IMAGE=oci:$IG_BUILD_DIR/example/image:latest
[ -f "$IG_BUILD_DIR/example/image/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
FIX=$IG_SOURCE_DIR/tests/fixtures/advisories
T=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db/imagegate.db IMAGEGATE_RETRY_BASE_MS=1
DB=$IMAGEGATE_DB
M=$T/mirror

# The mirror: MIRROR/BASE/PATH as the built-in feed list lays it out.
zip_dir() { python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(out), exist_ok=True)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY
}
zip_dir "$FIX/osv/pypi" "$M/osv/PyPI/all.zip"
zip_dir "$FIX/osv/npm" "$M/osv/npm/all.zip"
zip_dir "$FIX/osv/go" "$M/osv/Go/all.zip"
zip_dir "$FIX/osv/ubuntu" "$M/osv/Ubuntu/all.zip"
mkdir -p "$M/debian/data" "$M/kev" "$M/epss"
cp "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$M/debian/data/json"
cp "$FIX/kev/known_exploited_vulnerabilities.json" "$M/kev/"
gzip -c "$FIX/epss/epss_scores.csv" > "$M/epss/epss_scores-current.csv.gz"
# Every Alpine release the built-in list names: the real fixture for 3.18,
# documents with no packages (as some real ones are) for the rest.
"$IMAGEGATE" db update --print-feeds > "$T/feeds.yaml"
for p in $(grep -o 'base: alpine, path: [^}]*' "$T/feeds.yaml" | sed 's/.*path: //'); do
  mkdir -p "$M/alpine/$(dirname "$p")"
  rel=$(dirname "$p"); repo=$(basename "$p" .json)
  printf '{"distroversion": "%s", "reponame": "%s", "packages": []}\n' "$rel" "$repo" > "$M/alpine/$p"
done
cp "$FIX/secdb/v3.18-main.json" "$M/alpine/v3.18/main.json"
n_alpine=$(grep -c 'base: alpine' "$T/feeds.yaml")
[ "$n_alpine" -ge 40 ] || fail "only $n_alpine Alpine feeds in the built-in list"

echo '{}' > "$T/faults.json"
python3 "$IG_SOURCE_DIR/tests/integration/lib/feed_server.py" --root "$M" --port-file "$T/port" \
  --log "$T/server.log" --faults "$T/faults.json" &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -f "$T/port" ] && break; sleep 0.1; done
[ -f "$T/port" ] || fail "the feed server did not start"
URL=http://127.0.0.1:$(cat "$T/port")
SEL=(--mirror "$URL" --ecosystems pypi,npm,go --distros debian,alpine,ubuntu)
n_feeds=$((4 + 1 + n_alpine + 2))
faults() { echo "$1" > "$T/faults.json"; }
log_since() { tail -n +"$(( $1 + 1 ))" "$T/server.log"; }
log_len() { [ -f "$T/server.log" ] && wc -l < "$T/server.log" || echo 0; }
scan_ids() { "$IMAGEGATE" scan --format json --skip-db-age-check "$IMAGE" | jq -r '[.findings[] | .package.name + ":" + .id] | join(" ")'; }
want_ids="libssl3:CVE-2023-5678 libssl3:CVE-2024-0727 zlib1g:CVE-2023-45853"
unchanged() {  # the database is the one saved in $T/saved.db and scans as before
  cmp -s "$DB" "$T/saved.db" || fail "$1: the database changed"
  [ "$(scan_ids)" = "$want_ids" ] || fail "$1: scan after the failure: $(scan_ids)"
  ls -a "$T/db" | grep -q '^\.imagegate\.db\.update-' && fail "$1: scratch folder left: $(ls -a "$T/db")"
  return 0
}

# 1. The first update: every selected feed downloaded and imported, one line
# per feed (stderr is not a terminal), and the example image's findings.
"$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err" || fail "first update: $(cat "$T/err")"
[ "$(grep -c ': downloaded ' "$T/err")" -eq "$n_feeds" ] || fail "downloaded lines: $(cat "$T/err")"
[ "$(grep -c ': imported ' "$T/err")" -eq "$n_feeds" ] || fail "imported lines: $(cat "$T/err")"
grep -q "\\[ *1/$n_feeds\\] osv-pypi: imported 1 record$" "$T/err" || fail "pypi line: $(grep osv-pypi "$T/err")"
grep -q "^updated $DB: $n_feeds of $n_feeds feeds changed" "$T/out" || fail "summary: $(cat "$T/out")"
! grep -q $'\r' "$T/err" || fail "progress bar drawn off a terminal"
"$IMAGEGATE" db status --format json > "$T/status.json"
[ "$(jq '.sources | length' "$T/status.json")" -eq "$n_feeds" ] || fail "sources: $(jq -c '[.sources[].name]' "$T/status.json")"
jq -e --arg u "$URL/osv/PyPI/all.zip" '.sources[] | select(.name == "osv-pypi" and .kind == "osv" and .location == $u and .records == 1)' \
  "$T/status.json" > /dev/null || fail "osv-pypi source: $(jq -c '.sources[] | select(.name == "osv-pypi")' "$T/status.json")"
jq -e '.sources[] | select(.name == "alpine-v3.18-main" and .records == 8)' "$T/status.json" > /dev/null || fail "alpine 3.18"
jq -e '.counts.kev > 0 and .counts.epss > 0' "$T/status.json" > /dev/null || fail "enrichment: $(jq -c .counts "$T/status.json")"
[ "$(scan_ids)" = "$want_ids" ] || fail "scan: $(scan_ids)"
cp "$DB" "$T/saved.db"
inode=$(stat -c %i "$DB")

# 2. Nothing new: every request is conditional and answered 304; nothing is
# downloaded and the file is not rewritten.
n=$(log_len)
"$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err" || fail "second update: $(cat "$T/err")"
grep -q "is up to date: none of the $n_feeds feeds changed, nothing was downloaded" "$T/out" || fail "$(cat "$T/out")"
[ "$(grep -c ': not modified$' "$T/err")" -eq "$n_feeds" ] || fail "not modified lines: $(cat "$T/err")"
[ "$(log_since "$n" | awk '$3 != 304' | wc -l)" -eq 0 ] || fail "non-304 answers: $(log_since "$n" | awk '$3 != 304')"
[ "$(log_since "$n" | wc -l)" -eq "$n_feeds" ] || fail "requests: $(log_since "$n" | wc -l)"
[ "$(stat -c %i "$DB")" = "$inode" ] && cmp -s "$DB" "$T/saved.db" || fail "an up-to-date update rewrote the database"

# 3. One feed changed: it alone is downloaded and imported again.
zip_dir "$FIX/osv/maven" "$M/osv/PyPI/all.zip"
n=$(log_len)
"$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err" || fail "third update: $(cat "$T/err")"
grep -q "^updated $DB: 1 of $n_feeds feeds changed" "$T/out" || fail "$(cat "$T/out")"
[ "$(log_since "$n" | awk '$3 == 200 {print $2}')" = "/osv/PyPI/all.zip" ] || fail "200s: $(log_since "$n")"
"$IMAGEGATE" db status --format json | jq -e '.sources[] | select(.name == "osv-pypi" and .records == 1)' >/dev/null || fail "pypi re-import"
[ "$(scan_ids)" = "$want_ids" ] || fail "scan after a partial update: $(scan_ids)"
cp "$DB" "$T/saved.db"

# 4. A 500, then success: retried, and the update completes.
zip_dir "$FIX/osv/pypi" "$M/osv/PyPI/all.zip"
faults '{"/osv/PyPI/all.zip": {"mode": "500", "count": 1}}'
n=$(log_len)
"$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err" || fail "update after a 500: $(cat "$T/err")"
grep -q "osv-pypi: attempt 1 failed (the server answered HTTP 500); retrying" "$T/err" || fail "no retry line: $(cat "$T/err")"
[ "$(log_since "$n" | grep '/osv/PyPI/' | awk '{print $3}' | tr '\n' ' ')" = "500 200 " ] || fail "pypi requests: $(log_since "$n")"
grep -q "^updated $DB: 1 of $n_feeds" "$T/out" || fail "$(cat "$T/out")"
cp "$DB" "$T/saved.db"

# 5. A truncated body, every time: a network error (6) naming the feed after
# the retries; the database is untouched.
zip_dir "$FIX/osv/npm" "$M/osv/Go/all.zip"
faults '{"/osv/Go/all.zip": {"mode": "truncate"}}'
n=$(log_len)
set +e; "$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err"; rc=$?; set -e
[ "$rc" -eq 6 ] || fail "truncated body: exit $rc, want 6: $(cat "$T/err")"
grep -q "feed osv-go ($URL/osv/Go/all.zip): the body was cut off after [0-9]* of the [0-9]* bytes its Content-Length announced (truncated) (after 4 attempts)" "$T/err" \
  || fail "truncated message: $(cat "$T/err")"
[ "$(log_since "$n" | grep -c '/osv/Go/.*200-truncated')" -eq 4 ] || fail "attempts: $(log_since "$n")"
unchanged "truncated body"

# 6. A Content-Length larger than the body: the same, for another feed.
faults '{"/debian/data/json": {"mode": "badlength"}}'
echo >> "$M/debian/data/json"
set +e; "$IMAGEGATE" db update --mirror "$URL" --ecosystems none --distros debian > "$T/out" 2> "$T/err"; rc=$?; set -e
[ "$rc" -eq 6 ] || fail "bad Content-Length: exit $rc, want 6: $(cat "$T/err")"
grep -q "feed debian-tracker ($URL/debian/data/json): .*Content-Length" "$T/err" || fail "message: $(cat "$T/err")"
unchanged "bad Content-Length"

# 7. A feed that downloads but does not parse: invalid (5), naming it, after
# other feeds imported into the copy: all or nothing.
faults '{}'
echo '{"catalogVersion": "x", "vulnerabilities": 42' > "$M/kev/known_exploited_vulnerabilities.json"
set +e; "$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err"; rc=$?; set -e
[ "$rc" -eq 5 ] || fail "unparsable feed: exit $rc, want 5: $(cat "$T/err")"
grep -q "feed cisa-kev ($URL/kev/known_exploited_vulnerabilities.json)" "$T/err" || fail "message: $(cat "$T/err")"
grep -q "osv-go: imported" "$T/err" || fail "the feeds before it were not imported into the copy: $(cat "$T/err")"
unchanged "unparsable feed"
cp "$FIX/kev/known_exploited_vulnerabilities.json" "$M/kev/"

# 8. Killed mid-download: the database is untouched; the next update cleans up
# the scratch folder and completes.
faults '{"/epss/epss_scores-current.csv.gz": {"mode": "hang", "count": 1}}'
"$IMAGEGATE" db update "${SEL[@]}" > /dev/null 2>&1 &
upd=$!
for _ in $(seq 1 300); do grep -q ' hang ' "$T/server.log" && break; sleep 0.1; done
grep -q ' hang ' "$T/server.log" || fail "the update never reached the hanging feed"
kill -9 "$upd"; wait "$upd" 2>/dev/null || true
ls -a "$T/db" | grep -q '^\.imagegate\.db\.update-' || fail "expected the killed update's scratch folder"
cmp -s "$DB" "$T/saved.db" || fail "killed update: the database changed"
[ "$(scan_ids)" = "$want_ids" ] || fail "scan after a killed update"
"$IMAGEGATE" db update "${SEL[@]}" > "$T/out" 2> "$T/err" || fail "update after a killed one: $(cat "$T/err")"
ls -a "$T/db" | grep -q '^\.imagegate\.db\.update-' && fail "scratch folder left after the next update"
grep -q "osv-go: imported 1 record" "$T/err" || fail "$(cat "$T/err")"
"$IMAGEGATE" db status --format json | jq -e '.sources[] | select(.name == "osv-go" and .records == 1)' > /dev/null \
  || fail "osv-go after the update"

# 9. file:// mirrors: read in place, unchanged files skipped.
export IMAGEGATE_DB=$T/file.db
"$IMAGEGATE" db update --mirror "file://$M" --ecosystems pypi --distros debian > "$T/out" 2> "$T/err" \
  || fail "file:// update: $(cat "$T/err")"
grep -q "^updated $T/file.db: 4 of 4 feeds changed" "$T/out" || fail "$(cat "$T/out")"
DB=$T/file.db
[ "$(scan_ids)" = "$want_ids" ] || fail "scan of the file:// database: $(scan_ids)"
"$IMAGEGATE" db update --mirror "file://$M" --ecosystems pypi --distros debian > "$T/out" 2>/dev/null || fail "second file:// update"
grep -q "is up to date" "$T/out" || fail "$(cat "$T/out")"

# 10. Amazon Linux: the built-in feeds follow each release's mirror.list to
# its repository and that repository's repodata/repomd.xml to the updateinfo
# file (named by its checksum, as the real CDN names it); advisories land
# under the feed's release. Unchanged: every lookup again, then a 304.
export IMAGEGATE_DB=$T/al.db
ui=$IG_SOURCE_DIR/tests/fixtures/updateinfo/al2023-updateinfo.xml
for rel in al2023/core/mirrors/latest 2/core/latest; do
  repo=$M/amazonlinux/repo-${rel%%/*}
  mkdir -p "$repo/repodata" "$M/amazonlinux/$rel/x86_64"
  gzip -c "$ui" > "$repo/repodata/0123abcd-updateinfo.xml.gz"
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo">\n  <data type="primary"><location href="repodata/ffff-primary.xml.gz"/></data>\n  <data type="updateinfo"><location href="repodata/0123abcd-updateinfo.xml.gz"/></data>\n</repomd>\n' \
    > "$repo/repodata/repomd.xml"
  printf '%s/amazonlinux/repo-%s/\n' "$URL" "${rel%%/*}" > "$M/amazonlinux/$rel/x86_64/mirror.list"
done
"$IMAGEGATE" db update --mirror "$URL" --ecosystems none --distros amazonlinux > "$T/out" 2> "$T/err" \
  || fail "amazonlinux update: $(cat "$T/err")"
grep -q "^updated $T/al.db: 4 of 4 feeds changed" "$T/out" || fail "$(cat "$T/out") $(cat "$T/err")"
"$IMAGEGATE" db status --format json > "$T/status.json"
jq -e --arg u "$URL/amazonlinux/repo-al2023/repodata/0123abcd-updateinfo.xml.gz" \
  '.sources[] | select(.name == "amazonlinux-2023" and .kind == "updateinfo" and .location == $u and .records == 4)' \
  "$T/status.json" > /dev/null || fail "amazonlinux-2023 source: $(jq -c .sources "$T/status.json")"
[ "$(sqlite3 "$T/al.db" "SELECT group_concat(DISTINCT distro_release) FROM (SELECT distro_release FROM affected
  WHERE ecosystem = 'rpm' ORDER BY 1)")" = "amazonlinux:2,amazonlinux:2023" ] || fail "releases: $(sqlite3 "$T/al.db" \
  "SELECT DISTINCT ecosystem, distro_release FROM affected")"
n=$(log_len)
"$IMAGEGATE" db update --mirror "$URL" --ecosystems none --distros amazonlinux > "$T/out" 2> "$T/err" || fail "second al update"
grep -q "is up to date" "$T/out" || fail "$(cat "$T/out")"
[ "$(log_since "$n" | awk '$2 ~ /updateinfo/ {print $3}' | sort -u)" = "304" ] || fail "updateinfo answers: $(log_since "$n")"
printf 'nothing here\n' > "$M/amazonlinux/2/core/latest/x86_64/mirror.list"
expect_fail_al() { local rc=0; "$IMAGEGATE" db update --mirror "$URL" --ecosystems none --distros amazonlinux > "$T/out" 2> "$T/err" || rc=$?; [ "$rc" -eq "$1" ] && grep -q -- "$2" "$T/err" || fail "want $1 '$2': $rc $(cat "$T/err")"; }
expect_fail_al 5 "feed amazonlinux-2 .*: the mirror list names no repository URL"

# 11. Failures a user causes: usage (2) and not found (3), each with its fix.
expect_fail() {  # WANT_RC PATTERN ARGS...
  local want=$1 pattern=$2 rc; shift 2
  set +e; "$IMAGEGATE" db update "$@" > "$T/out" 2> "$T/err"; rc=$?; set -e
  [ "$rc" -eq "$want" ] || fail "db update $*: exit $rc, want $want: $(cat "$T/err")"
  grep -q -- "$pattern" "$T/err" || fail "db update $*: message: $(cat "$T/err")"
}
expect_fail 2 "no feed serves 'cobol'; choose from: .*pypi" --ecosystems cobol
printf 'bases: {a: %s}\nfeeds: [{name: x, kind: osv, ecosystem: pypi, base: a, path: p}]\n' "$URL" > "$T/f1.yaml"
expect_fail 2 "left no feed" --feeds "$T/f1.yaml" --ecosystems none
printf 'bases: {a: %s}\nfeeds: [{name: x, kind: osv, base: nope, path: p}]\n' "$URL" > "$T/f2.yaml"
expect_fail 2 "base 'nope' is not defined" --feeds "$T/f2.yaml"
printf 'bases: {a: %s}\nfeeds: [{name: gone, kind: osv, base: a, path: missing.zip}]\n' "$URL" > "$T/f3.yaml"
expect_fail 3 "feed gone ($URL/missing.zip): the server answered HTTP 404" --feeds "$T/f3.yaml"
expect_fail 2 "unsupported URL scheme" --mirror ftp://example.invalid --ecosystems pypi --distros none
echo "PASS"
