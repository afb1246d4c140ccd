#!/usr/bin/env bash
# Amazon Linux 2 and 2023 end to end: root filesystems whose rpm databases
# are made here with rpmbuild and rpm --justdb (AL2023: sqlite; AL2: the same
# headers in a Berkeley DB hash file, as inventory_os_rpm.sh makes it), ALAS
# advisories imported from rpm-md updateinfo.xml fixtures, and the exact
# findings of `scan`. AL2 data must never match AL2023 and the reverse.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source tree}"
for tool in rpm rpmbuild db5.3_load python3 jq; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
fx="$IG_SOURCE_DIR/tests/fixtures/updateinfo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" IMAGEGATE_CACHE_DIR="$work/cache"
db="$work/al.db"
ig() { "$IMAGEGATE" --db "$db" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=lib/rpm_fixtures.sh
. "$IG_SOURCE_DIR/tests/integration/lib/rpm_fixtures.sh"

# rpm_spec NAME EPOCH VERSION RELEASE [SUBPACKAGE]: a noarch package with no
# files (a subpackage built from the same source when given).
rpm_spec() {
  local name=$1 epoch=$2 version=$3 release=$4 sub=${5:-}
  {
    echo "Name: $name"
    [ "$epoch" = 0 ] || echo "Epoch: $epoch"
    printf 'Version: %s\nRelease: %s\nSummary: imagegate Amazon Linux fixture\nLicense: MIT\nBuildArch: noarch\n' \
      "$version" "$release"
    printf '%%description\nFixture.\n%%files\n'
    if [ -n "$sub" ]; then
      printf '%%package -n %s\nSummary: fixture subpackage\n%%description -n %s\nFixture.\n%%files -n %s\n' \
        "$sub" "$sub" "$sub"
    fi
  } >"$work/specs/$name-$release.spec"
  rpmbuild -bb --quiet --define "_topdir $work/top" "$work/specs/$name-$release.spec" >"$work/build.log" 2>&1 \
    || { cat "$work/build.log"; fail "rpmbuild $name"; }
}

# root_fs DIR ID VERSION_ID PRETTY RPM...: os-release and an sqlite rpmdb.
root_fs() {
  local r=$1 version=$2 pretty=$3
  shift 3
  mkdir -p "$r/etc"
  printf 'NAME="Amazon Linux"\nVERSION="%s"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="%s"\nPRETTY_NAME="%s"\n' \
    "$version" "$version" "$pretty" >"$r/etc/os-release"
  rpm_fixture_sqlite_db "$r/var/lib/rpm" "$@"
}

mkdir -p "$work/specs"
rpm_spec curl 0 8.5.0 1.amzn2023.0.1 libcurl
rpm_spec openssl 1 3.0.8 1.amzn2023.0.9 openssl-libs
rpm_spec bash 0 5.2.15 3.amzn2023.0.2
rpm_spec curl 0 8.3.0 1.amzn2.0.4 libcurl
rpm_spec bash 0 4.2.46 34.amzn2
R="$work/top/RPMS/noarch"
root_fs "$work/al2023" 2023 "Amazon Linux 2023.3.20240108" "$R"/*amzn2023*.rpm
root_fs "$work/al2" 2 "Amazon Linux 2" "$R"/*amzn2.0*.rpm "$R"/bash-4.2.46-34.amzn2.noarch.rpm

# AL2 keeps a Berkeley DB: the same header blobs, loaded with db_load.
python3 - "$work/al2/var/lib/rpm/rpmdb.sqlite" >"$work/bdb.dump" <<'PY'
import sqlite3, struct, sys
rows = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(
    "SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
print("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END")
print(" " + struct.pack("<I", 0).hex() + "\n " + struct.pack("<I", max(h for h, _ in rows) + 1).hex())
for h, b in rows:
    print(" " + struct.pack("<I", h).hex() + "\n " + bytes(b).hex())
print("DATA=END")
PY
rm -f "$work/al2/var/lib/rpm/rpmdb.sqlite"*
db5.3_load -f "$work/bdb.dump" "$work/al2/var/lib/rpm/Packages"

# The AL2023 file is gzipped as repositories serve it; its release comes from
# --distro, the AL2 file's from its ALAS2- ids.
gzip -c "$fx/al2023-updateinfo.xml" >"$work/updateinfo.xml.gz"
ig db import --kind updateinfo --distro amazonlinux:2023 "$work/updateinfo.xml.gz" >"$work/import.out" 2>&1 \
  || fail "import al2023: $(cat "$work/import.out")"
grep -qx "imported 4 updateinfo records from $work/updateinfo.xml.gz (1 skipped, see warnings)" "$work/import.out" \
  || fail "al2023 import summary: $(cat "$work/import.out")"
ig db import "$fx/al2-updateinfo.xml" >"$work/import2.out" 2>&1 || fail "import al2: $(cat "$work/import2.out")"
grep -qx "imported 2 updateinfo records from $fx/al2-updateinfo.xml" "$work/import2.out" \
  || fail "al2 import summary: $(cat "$work/import2.out")"

findings() {
  ig scan --format json "dir:$1" >"$work/scan.json" 2>"$work/scan.err" || fail "scan $1: $(cat "$work/scan.err")"
  jq -r '.os.distro_release' "$work/scan.json"
  jq -r '.findings[] | [.package.name, .package.version, .id, .severity, (.fixed_versions | join(","))] | @tsv' \
    "$work/scan.json"
}
got=$(findings "$work/al2023")
want=$(printf '%s\n' "amazonlinux:2023" \
  "$(printf 'curl\t8.5.0-1.amzn2023.0.1\tCVE-2023-46218\tMEDIUM\t8.5.0-1.amzn2023.0.2')" \
  "$(printf 'curl\t8.5.0-1.amzn2023.0.1\tCVE-2023-46219\tMEDIUM\t8.5.0-1.amzn2023.0.2')" \
  "$(printf 'libcurl\t8.5.0-1.amzn2023.0.1\tCVE-2023-46218\tMEDIUM\t8.5.0-1.amzn2023.0.2')" \
  "$(printf 'libcurl\t8.5.0-1.amzn2023.0.1\tCVE-2023-46219\tMEDIUM\t8.5.0-1.amzn2023.0.2')" \
  "$(printf 'openssl-libs\t1:3.0.8-1.amzn2023.0.9\tCVE-2023-5678\tHIGH\t1:3.0.8-1.amzn2023.0.10')")
[ "$got" = "$want" ] || fail "AL2023 findings:
got:
$got
want:
$want"
jq -e '[.findings[].package.purl] | all(test("distro=amazonlinux-2023"))' "$work/scan.json" >/dev/null \
  || fail "AL2023 purls: $(jq -c '[.findings[].package.purl]' "$work/scan.json")"

got=$(findings "$work/al2")
want=$(printf '%s\n' "amazonlinux:2" \
  "$(printf 'curl\t8.3.0-1.amzn2.0.4\tCVE-2023-46218\tMEDIUM\t8.3.0-1.amzn2.0.5')" \
  "$(printf 'libcurl\t8.3.0-1.amzn2.0.4\tCVE-2023-46218\tMEDIUM\t8.3.0-1.amzn2.0.5')")
[ "$got" = "$want" ] || fail "AL2 findings (AL2023 data must not apply):
got:
$got
want:
$want"
jq -e '[.findings[].package.purl] | all(test("distro=amazonlinux-2(&|$)"))' "$work/scan.json" >/dev/null \
  || fail "AL2 purls: $(jq -c '[.findings[].package.purl]' "$work/scan.json")"

echo "scan_amazonlinux: all checks passed"
