#!/usr/bin/env bash
# A real Debian bookworm root (debootstrap --variant=minbase, cached across
# runs), packed into an OCI image with umoci, catalogued through
# image::resolve + inventory::catalog and compared with what dpkg-query says
# about the same root (the CatalogReal gtest in unit_inventory).
set -euo pipefail

: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
unit="$IG_BUILD_DIR/tests/unit_inventory"
[ -x "$unit" ] || { echo "FAIL: $unit is not built"; exit 1; }
for tool in debootstrap umoci dpkg-query; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

# shellcheck source=lib/test_cache.sh
. "$(dirname "$0")/lib/test_cache.sh"
rc=0
root=$(test_cache_debootstrap) || rc=$?
if [ "$rc" -eq 77 ]; then echo "SKIP: no Debian root (the mirror is unreachable)"; exit 77; fi
[ "$rc" -eq 0 ] || { echo "FAIL: debootstrap"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
umoci init --layout "$work/oci"
umoci new --image "$work/oci:t"
umoci unpack --rootless --image "$work/oci:t" "$work/bundle" >/dev/null
cp -a "$root/." "$work/bundle/rootfs/"
umoci repack --image "$work/oci:t" "$work/bundle"

export IMAGEGATE_CACHE_DIR="$work/cache"
out=$(IG_DEBIAN_IMAGE="oci:$work/oci:t" IG_DEBIAN_ROOTFS="$root" "$unit" --gtest_filter='CatalogReal.DebianImageMatchesDpkgQuery' 2>&1) || {
  echo "$out"
  exit 1
}
echo "$out"
if grep -q "SKIPPED" <<<"$out" || ! grep -q "\[  PASSED  \] 1 test" <<<"$out"; then
  echo "FAIL: the CatalogReal test did not run"
  exit 1
fi
echo "1 passed, 0 failed"
