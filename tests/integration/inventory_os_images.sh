#!/usr/bin/env bash
# Alpine and RHEL-like images end to end: two-layer OCI images built with
# umoci (layer 1: the OS release files, with etc/os-release a symlink as on
# real systems; layer 2: the package database), catalogued through
# image::resolve + inventory::catalog by the CatalogReal.OsImage gtest, which
# compares the purls with the ones written out here by hand from the purl
# spec. The apk database is written in apk-tools' real format; the rpm
# database is written by rpm itself from tests/fixtures/rpm.
set -euo pipefail

: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
unit="$IG_BUILD_DIR/tests/unit_inventory"
[ -x "$unit" ] || { echo "FAIL: $unit is not built"; exit 1; }
for tool in umoci rpm rpmbuild; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
export HOME="$work" IMAGEGATE_CACHE_DIR="$work/cache"
passed=0
failed=0

# new_image NAME: an empty image and an unpacked bundle to fill.
new_image() {
  umoci init --layout "$work/$1"
  umoci new --image "$work/$1:t"
  umoci unpack --rootless --image "$work/$1:t" "$work/$1.b" >/dev/null
}
# layer NAME: commits the bundle as a new layer, then unpacks the result so
# the next layer is a diff against it.
layer() {
  umoci repack --image "$work/$1:t" "$work/$1.b"
  rm -rf "$work/$1.b"
  umoci unpack --rootless --image "$work/$1:t" "$work/$1.b" >/dev/null
}

run_case() {  # run_case NAME
  local out
  if out=$(IG_OS_IMAGE="oci:$work/$1:t" IG_OS_EXPECT="$work/$1.expect" "$unit" \
    --gtest_filter='CatalogReal.OsImageMatchesExpectedPurls' 2>&1) &&
    ! grep -q SKIPPED <<<"$out" && grep -q "\[  PASSED  \] 1 test" <<<"$out"; then
    passed=$((passed + 1))
    echo "ok: $1"
  else
    failed=$((failed + 1))
    echo "$out"
    echo "FAIL: $1"
  fi
}

# --- Alpine ---
new_image alpine
r="$work/alpine.b/rootfs"
mkdir -p "$r/etc" "$r/usr/lib"
echo 3.18.4 >"$r/etc/alpine-release"
printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18"\n' >"$r/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/etc/os-release"
layer alpine
mkdir -p "$r/lib/apk/db" "$r/bin" "$r/lib"
cat >"$r/lib/apk/db/installed" <<'APK'
C:Q1T0ZXyThJNa2cJbk4GG3ujrNUDbY=
P:busybox
V:1.36.1-r5
A:x86_64
S:509279
I:946176
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700000000
c:1c6fcbb2ef1c2c4a54c1e8e4cf7ac1f5ad9f3c10
D:so:libc.musl-x86_64.so.1
F:bin
R:busybox
a:0:0:755
Z:Q1WUwBY0eOGgzgVxTZxJBZPyQUicI=

C:Q1abc=
P:libcrypto3
V:3.1.4-r1
A:x86_64
I:4370432
L:Apache-2.0
o:openssl
F:lib
R:libcrypto.so.3

APK
echo busybox >"$r/bin/busybox"
echo crypto >"$r/lib/libcrypto.so.3"
layer alpine
cat >"$work/alpine.expect" <<'EXP'
alpine 3.18.4
pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=3.18.4
pkg:apk/alpine/libcrypto3@3.1.4-r1?arch=x86_64&distro=3.18.4&upstream=openssl
EXP
run_case alpine

# --- RHEL-like, rpm database in usr/lib/sysimage/rpm (var/lib/rpm links there) ---
for spec in "$IG_SOURCE_DIR"/tests/fixtures/rpm/*.spec; do
  rpmbuild -bb --quiet --define "_topdir $work/top" "$spec" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"
    exit 1
  }
done
new_image rhel
r="$work/rhel.b/rootfs"
mkdir -p "$r/etc" "$r/usr/lib"
printf 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.2"\nID_LIKE="fedora"\n' >"$r/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/etc/os-release"
echo "Red Hat Enterprise Linux release 9.2 (Plow)" >"$r/etc/redhat-release"
layer rhel
mkdir -p "$r/usr/lib/sysimage/rpm" "$r/var/lib"
ln -s ../../usr/lib/sysimage/rpm "$r/var/lib/rpm"
rpm --initdb --dbpath "$r/usr/lib/sysimage/rpm" --define '_db_backend sqlite' 2>/dev/null
rpm -i --nodeps --justdb --noscripts --ignoreos --ignorearch --dbpath "$r/usr/lib/sysimage/rpm" \
  --define '_db_backend sqlite' "$work"/top/RPMS/noarch/*.rpm 2>/dev/null
rm -f "$r/usr/lib/sysimage/rpm/.rpm.lock"
layer rhel
cat >"$work/rhel.expect" <<'EXP'
rhel 9.2
pkg:rpm/redhat/igtest-epoch@3.1.4-7.el9?arch=noarch&distro=rhel-9.2&epoch=2
pkg:rpm/redhat/igtest-hello@1.0-1?arch=noarch&distro=rhel-9.2
pkg:rpm/redhat/igtest-modular@0.9-2.module%2Bel8.1?arch=noarch&distro=rhel-9.2
EXP
run_case rhel

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
