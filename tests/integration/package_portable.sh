#!/usr/bin/env bash
# The portable tarball (preset release-static + scripts/package-portable)
# in a root that holds nothing but glibc (every shared library
# of Debian bookworm's libc6, from a minbase root), as a distroless, Lambda or Amazon
# Linux 2023-style base would: --version, libcurl opened from the tarball's
# lib/, and a scan of a local OCI layout equal to the build tree's.
# Needs the release-static build: IG_PORTABLE_BUILD_DIR, else
# IG_SOURCE_DIR/build/release-static (skipped when neither is built).
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
portable=${IG_PORTABLE_BUILD_DIR:-$IG_SOURCE_DIR/build/release-static}
[ -x "$portable/imagegate" ] || {
  echo "SKIP: no portable build at $portable (cmake --preset release-static && cmake --build --preset release-static --target imagegate)"
  exit 77
}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
. "$(dirname "$0")/lib/test_cache.sh"
rc=0
base=$(test_cache_debootstrap) || rc=$?
[ "$rc" -ne 77 ] || { echo "SKIP: no Debian root (the mirror is unreachable)"; exit 77; }
[ "$rc" -eq 0 ] || { echo "FAIL: debootstrap"; exit 1; }

T=$(mktemp -d)
trap 'umount "$T/root/proc" 2>/dev/null || true; rm -rf "$T"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Made once per binary (stripping and compressing 25 MB is most of the time).
dist="$portable/test-packages/$(sha256sum "$portable/imagegate" | cut -c1-16)"
tarball=$(ls "$dist"/imagegate-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$tarball" ]; then
  tarball=$("$IG_SOURCE_DIR/scripts/package-portable" "$portable" "$dist.tmp.$$")
  rm -rf "$dist" && mv "$dist.tmp.$$" "$dist"
  tarball="$dist/$(basename "$tarball")"
fi
ok "$(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

# A root with glibc only.
root="$T/root"
mkdir -p "$root/usr/lib/x86_64-linux-gnu" "$root/usr/lib64" "$root/tmp" "$root/opt" "$root/proc"
ln -s usr/lib "$root/lib" && ln -s usr/lib64 "$root/lib64"
# Every shared library of Debian's libc6 (libc, libm, libresolv, the loader...),
# as any glibc system has them, and nothing else.
glibc_libs=$(grep -E '^/(usr/)?lib/x86_64-linux-gnu/[^/]+\.so[.0-9]*$' "$base/var/lib/dpkg/info/libc6:amd64.list" | xargs -n1 basename)
for f in $glibc_libs; do
  cp -L "$base/usr/lib/x86_64-linux-gnu/$f" "$root/usr/lib/x86_64-linux-gnu/$f"
done
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/usr/lib64/ld-linux-x86-64.so.2"
chmod 1777 "$root/tmp"
# glibc finds $ORIGIN of the main program through /proc/self/exe, which every
# container runtime and Lambda mount.
mount -t proc proc "$root/proc" || { echo "SKIP: cannot mount /proc in the root"; exit 77; }
tar -xzf "$tarball" -C "$root/opt"
top=$(basename "$tarball" .tar.gz)
ig="/opt/$top/bin/imagegate"
[ "$(find "$root/usr" -type f -name '*.so*' | wc -l)" -eq "$(wc -w <<<"$glibc_libs")" ] || fail "the root holds more than glibc"

# The newest glibc it needs is no newer than the root's.
need=$(cat "$root/opt/$top/share/doc/imagegate/min-glibc.txt")
have=$(chroot "$root" /lib64/ld-linux-x86-64.so.2 --version | awk 'NR == 1 {print $NF}' | sed 's/[).]*$//')
[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | tail -1)" = "$have" ] || fail "needs glibc $need, the root has $have"
ok "needs glibc >= $need (the root has $have)"

version=$(chroot "$root" "$ig" --version) || fail "it does not run in a glibc-only root"
[[ $version == "imagegate "* ]] || fail "--version printed: $version"
chroot "$root" "$ig" version --format json >"$T/version.json"
[ -n "$(jq -r .libraries.libcurl.version "$T/version.json")" ] || fail "libcurl was not opened from the tarball's lib/"
ok "$version, libcurl $(jq -r .libraries.libcurl.version "$T/version.json") from lib/"

mkdir -p "$root/tmp/work"
cp -a "$IG_BUILD_DIR/example/image" "$root/tmp/work/image"
cp -a "$IG_SOURCE_DIR/example/advisories" "$root/tmp/work/advisories"
chroot "$root" "$ig" --db /tmp/work/ig.db db import /tmp/work/advisories/debian-tracker.json /tmp/work/advisories/osv >/dev/null
chroot "$root" "$ig" --cache-dir /tmp/work/cache --db /tmp/work/ig.db scan oci:/tmp/work/image:latest --format json >"$T/in-root.json"
"$IMAGEGATE" --db "$T/host.db" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
"$IMAGEGATE" --cache-dir "$T/cache" --db "$T/host.db" scan "oci:$IG_BUILD_DIR/example/image:latest" --format json >"$T/host.json"
got=$(jq -c '[.findings[] | [.id, .package.name, .severity]] | sort' "$T/in-root.json")
want=$(jq -c '[.findings[] | [.id, .package.name, .severity]] | sort' "$T/host.json")
[ "$(jq length <<<"$got")" -gt 0 ] && [ "$got" = "$want" ] || fail "findings differ: root $got, build tree $want"
ok "db import and a scan of an OCI layout in the glibc-only root: $(jq length <<<"$got") findings, as in the build tree"
echo "$passed passed, 0 failed"
