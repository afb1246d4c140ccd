#!/usr/bin/env bash
# The command line as people type it. Mistyped flags and commands: one line
# naming the flag and the command, the closest valid spelling, exit 2. Then
# the flags Trivy users type by habit (docs/trivy-cosign-flags.md): --input
# ARCHIVE (docker-archive and oci-archive told apart by content),
# --ignorefile, --scanners vuln, --skip-db-update, --timeout with units, and
# the global -q/--cache-dir after the command.
set -euo pipefail
: "${IMAGEGATE:?}" "${IG_SOURCE_DIR:?}" "${IG_BUILD_DIR:?}"
command -v skopeo >/dev/null || { echo "SKIP: skopeo is not installed"; exit 77; }
LAYOUT=$IG_BUILD_DIR/example/image
IMAGE=oci:$LAYOUT:latest
[ -f "$LAYOUT/index.json" ] || { echo "example image missing: build target example_image" >&2; exit 1; }
ADV=$IG_SOURCE_DIR/example/advisories
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export IMAGEGATE_CACHE_DIR=$T/cache IMAGEGATE_DB=$T/db.sqlite
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# usage_error WANT_LINE ARGS...: exit 2 and exactly WANT_LINE on stderr.
usage_error() {
  local want=$1 rc=0
  shift
  "$IMAGEGATE" "$@" >"$T/out" 2>"$T/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "imagegate $*: exit $rc, want 2 ($(cat "$T/err"))"
  [ "$(cat "$T/err")" = "$want" ] || fail "imagegate $*: stderr is '$(cat "$T/err")', want '$want'"
  ok "imagegate $*"
}
# usage_error_has FRAGMENT ARGS...: exit 2, one line, naming FRAGMENT.
usage_error_has() {
  local want=$1 rc=0
  shift
  "$IMAGEGATE" "$@" >"$T/out" 2>"$T/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "imagegate $*: exit $rc, want 2 ($(cat "$T/err"))"
  [ "$(wc -l <"$T/err")" -eq 1 ] || fail "imagegate $*: stderr is not one line: $(cat "$T/err")"
  grep -qF -- "$want" "$T/err" || fail "imagegate $*: stderr lacks '$want': $(cat "$T/err")"
  ok "imagegate $*"
}

# --- mistyped flags and commands ---
usage_error 'imagegate: --ignorefle is not an option of `imagegate scan`; did you mean --ignorefile?' \
  scan --ignorefle x.yaml "$IMAGE"
usage_error 'imagegate: --ignore-fiel is not an option of `imagegate scan`; did you mean --ignore-file?' \
  scan "$IMAGE" --ignore-fiel=x.yaml
usage_error 'imagegate: --fromat is not an option of `imagegate sbom`; did you mean --format?' sbom --fromat json "$IMAGE"
usage_error 'imagegate: --kye is not an option of `imagegate verify`; did you mean --key?' verify --kye k.pub reg/app:v1
usage_error 'imagegate: --quite is not an option of `imagegate inspect`; did you mean --quiet?' inspect --quite "$IMAGE"
usage_error 'imagegate: --zzzzzzzzzz is not an option of `imagegate db import`; see `imagegate db import --help`' \
  db import --zzzzzzzzzz "$ADV/osv"
usage_error 'imagegate: scna is not a command of `imagegate`; did you mean scan?' scna "$IMAGE"
usage_error 'imagegate: improt is not a command of `imagegate db`; did you mean import?' db improt "$ADV/osv"
# Bad values keep CLI11's naming of the option, on one line, with the command.
usage_error_has '--format' sbom --format spdx "$IMAGE"
usage_error_has 'imagegate sbom' sbom --format spdx "$IMAGE"
usage_error_has 'no image given' sbom
usage_error_has 'not both' sbom --input "$T/x.tar" "$IMAGE"

# --- --input ARCHIVE: the same packages as the layout, whichever archive kind ---
skopeo --insecure-policy copy -q "oci:$LAYOUT:latest" "docker-archive:$T/docker.tar" >/dev/null
skopeo --insecure-policy copy -q "oci:$LAYOUT:latest" "oci-archive:$T/oci.tar" >/dev/null
"$IMAGEGATE" sbom -f json "$IMAGE" | jq -c '[.packages[] | [.name, .version]]' >"$T/want"
for kind in docker oci; do
  "$IMAGEGATE" sbom -f json --input "$T/$kind.tar" >"$T/$kind.json"
  [ "$(jq -c '[.packages[] | [.name, .version]]' "$T/$kind.json")" = "$(cat "$T/want")" ] ||
    fail "--input $kind archive: packages differ"
  name=$(jq -r .image.name "$T/$kind.json")
  [ "$name" = "$kind-archive:$T/$kind.tar" ] || fail "--input $kind archive resolved as '$name'"
  ok "sbom --input $kind archive"
done
head -c 1024 /dev/zero >"$T/empty.tar"
rc=0
"$IMAGEGATE" sbom --input "$T/empty.tar" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" -eq 5 ] && grep -q 'neither manifest.json' "$T/err" || fail "--input of a tar with no image: exit $rc, $(cat "$T/err")"
ok "--input of a tar with no image"

# --- Trivy's scan flags ---
"$IMAGEGATE" -q db import "$ADV/debian-tracker.json" "$ADV/osv" >/dev/null
"$IMAGEGATE" scan -f json "$IMAGE" | jq -r '[.findings[].id] | sort | join(",")' >"$T/all"
grep -q CVE-2023-45853 "$T/all" || fail "the example scan lacks CVE-2023-45853: $(cat "$T/all")"
printf 'CVE-2023-45853\n' >"$T/.trivyignore"
for flag in --ignorefile --ignore-file; do
  "$IMAGEGATE" scan -f json "$flag" "$T/.trivyignore" "$IMAGE" |
    jq -r '[.findings[].id] | sort | join(",")' >"$T/ignored"
  grep -q CVE-2023-45853 "$T/ignored" && fail "$flag did not ignore CVE-2023-45853"
  [ -s "$T/ignored" ] || fail "$flag dropped every finding"
  ok "scan $flag"
done
"$IMAGEGATE" scan -f json --scanners vuln --skip-db-update --timeout 5m "$IMAGE" |
  jq -r '[.findings[].id] | sort | join(",")' >"$T/trivy-flags"
cmp -s "$T/trivy-flags" "$T/all" || fail "--scanners vuln --skip-db-update --timeout 5m changed the findings"
ok "scan --scanners vuln --skip-db-update --timeout 5m"
usage_error_has '--scanners secret: imagegate scans only for known vulnerabilities' scan --scanners vuln,secret "$IMAGE"
usage_error_has "--timeout '5x' is not a duration" scan --timeout 5x "$IMAGE"
usage_error_has "--timeout '1h30'" sbom --timeout 1h30 "$IMAGE"
"$IMAGEGATE" sbom --timeout 30 "$IMAGE" >/dev/null || fail "--timeout 30 (bare seconds) refused"
ok "bare --timeout seconds"

# --- global flags after the command ---
# A single-platform image asked for another platform: a warning, which -q drops.
"$IMAGEGATE" scan --platform linux/s390x -f json "$IMAGE" >/dev/null 2>"$T/err1"
grep -q 'single-platform image' "$T/err1" || fail "no warning to silence: $(cat "$T/err1")"
"$IMAGEGATE" scan -q --platform linux/s390x -f json "$IMAGE" >/dev/null 2>"$T/err2"
[ ! -s "$T/err2" ] || fail "scan -q still printed: $(cat "$T/err2")"
ok "scan -q"
"$IMAGEGATE" sbom --cache-dir "$T/other-cache" "$IMAGE" >/dev/null
[ -n "$(ls -A "$T/other-cache" 2>/dev/null)" ] || fail "sbom --cache-dir DIR did not use DIR"
ok "sbom --cache-dir after the command"
echo "cli_usage: all checks passed"
