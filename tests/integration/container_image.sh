#!/usr/bin/env bash
# The container image of imagegate (scripts/build-image), built from the
# package under test: its config names a non-root user and no healthcheck;
# unpacked, the binary runs in it (chroot, as that user) with nothing but
# what the image holds; imagegate's own sbom and scan of it list the
# libraries it carries; pushed to a real registry, it is signed and its SBOM
# attached, and both verify.
set -euo pipefail

: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
. "$(dirname "$0")/lib/registry_lib.sh"
. "$(dirname "$0")/lib/test_cache.sh"
. "$(dirname "$0")/lib/package.sh"
package_require_release
reg_init
for tool in cpack dpkg-deb chroot; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
T=$REG_WORK/image
mkdir -p "$T"
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$(package_deb)
"$IMAGEGATE" --db "$T/example.db" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" \
  "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
# Built, scanned, pushed to a real registry, signed with a throwaway key and
# its SBOM attached, in one run.
reg_start main
export IMAGEGATE_PASSWORD=test-key-password
"$IMAGEGATE" key generate --output-key-prefix "$T/cosign" >/dev/null 2>&1
ref="$REG_main_HOST/imagegate:test"
"$IG_SOURCE_DIR/scripts/build-image" --deb "$deb" --output "$T/oci" --tag test --db "$T/example.db" \
  --push "$ref" --key "$T/cosign.key" --registry-insecure >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "build-image"; }
ok "scripts/build-image from $(basename "$deb")"

"$IMAGEGATE" inspect "oci:$T/oci:test" --format json >"$T/inspect.json"
user=$(jq -r .config.user "$T/inspect.json")
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || fail "the image runs as '$user'"
[ "$(jq -r '.config.entrypoint[0]' "$T/inspect.json")" = /usr/bin/imagegate ] || fail "entrypoint"
skopeo inspect --config "oci:$T/oci:test" | jq -e '.config.Healthcheck == null' >/dev/null || fail "a healthcheck is set"
ok "config: user $user, entrypoint imagegate, no healthcheck"

# The unpacked root holds everything the binary needs: run it there as the
# image's user, with no path into the host.
umoci unpack --image "$T/oci:test" "$T/bundle" >/dev/null
rootfs="$T/bundle/rootfs"
[ ! -e "$rootfs/bin/sh" ] && [ ! -e "$rootfs/usr/bin/dpkg" ] || fail "the image has a shell or dpkg"
version=$(chroot --userspec="$user" "$rootfs" /usr/bin/imagegate --version) || fail "imagegate does not run in its image"
[ "$version" = "$("$IMAGEGATE" --version)" ] || fail "version in the image: $version"
chroot --userspec="$user" "$rootfs" /usr/bin/imagegate version --format json >"$T/version.json"
[ -n "$(jq -r .libraries.libcurl.version "$T/version.json")" ] || fail "libcurl cannot be loaded inside the image"
# A scan inside the image, of an OCI layout mounted into its /tmp.
cp -a "$IG_BUILD_DIR/example/image" "$rootfs/tmp/example" && cp "$T/example.db" "$rootfs/tmp/ig.db"
chmod -R a+rwX "$rootfs/tmp/example" "$rootfs/tmp/ig.db"
chroot --userspec="$user" "$rootfs" /usr/bin/imagegate --cache-dir /tmp/cache --db /tmp/ig.db \
  scan oci:/tmp/example:latest --format json >"$T/inner.json" || fail "scan inside the image"
[ "$(jq '.findings | length' "$T/inner.json")" -gt 0 ] || fail "the scan inside the image found nothing"
ok "runs in its own root as $user: --version, libcurl loads, a scan works"

# Ship what we preach: our scan of it sees the libraries it carries.
for pkg in imagegate libc6 libssl3 libcurl4 libsqlite3-0 ca-certificates; do
  jq -e --arg p "$pkg" '[.components[]? | select(.name == $p)] | length > 0' "$T/oci.sbom.cdx.json" >/dev/null ||
    fail "the SBOM of the image lacks $pkg"
done
jq -e '.schema_version == 1' "$T/oci.scan.json" >/dev/null || fail "build-image --db wrote no scan"
ok "the image's SBOM lists imagegate, libc6, libssl3, libcurl4 ... ($(jq '.components | length' "$T/oci.sbom.cdx.json") components)"

# What was pushed verifies with the public key and has the SBOM as a referrer.
"$IMAGEGATE" verify "$ref" --key "$T/cosign.pub" >/dev/null || fail "the pushed image's signature does not verify"
"$IMAGEGATE" referrers "$ref" --artifact-type application/vnd.cyclonedx+json --format json >"$T/referrers.json"
[ "$(jq 'if type == "array" then length else (.referrers // .manifests | length) end' "$T/referrers.json")" -ge 1 ] ||
  fail "no SBOM referrer: $(cat "$T/referrers.json")"
ok "pushed, signed (verifies with the public key) and the SBOM attached as a referrer"
echo "$passed passed, 0 failed"
