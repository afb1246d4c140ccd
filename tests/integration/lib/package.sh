# The Debian package of the imagegate under test and roots to install it in.
# Sourced (after test_cache.sh) by package_deb.sh, github_action.sh and
# container_image.sh.

# package_deb: prints the path of imagegate_<version>_<arch>.deb made by
# CPack from the binary in IG_BUILD_DIR (only `imagegate` must be built; the
# man pages and completions come from running it). Made once per binary:
# kept under IG_BUILD_DIR/test-packages/<sha256 of the binary>.
package_deb() {
  : "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
  local sum dir
  sum=$(sha256sum "$IG_BUILD_DIR/imagegate" | cut -c1-16)
  dir="$IG_BUILD_DIR/test-packages/$sum"
  (
    flock 9
    if ! ls "$dir"/imagegate_*.deb >/dev/null 2>&1; then
      rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
      cpack -G DEB --config "$IG_BUILD_DIR/CPackConfig.cmake" -B "$dir.tmp" >"$dir.tmp/cpack.log" 2>&1 || {
        cat "$dir.tmp/cpack.log" >&2
        exit 1
      }
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
    fi
  ) 9>"$IG_BUILD_DIR/test-packages.lock" || return 1
  ls "$dir"/imagegate_*.deb
}

# package_runtime_root DEB: prints a cached Debian bookworm minbase root with
# the libraries DEB depends on installed (apt-get, once per dependency
# list), but not DEB itself; 77 when the mirror cannot be reached.
package_runtime_root() {
  local depends key
  depends=$(dpkg-deb -f "$1" Depends)
  key=$(printf '%s' "$depends" | sha256sum | cut -c1-12)
  _package_depends=$depends test_cache_entry "debootstrap/bookworm-imagegate-runtime-$key" _package_make_runtime_root
}
_package_make_runtime_root() {
  local base rc=0
  base=$(test_cache_debootstrap) || return $?
  cp -a "$base/." "$1/"
  # Names only: apt picks versions satisfying what the package states.
  local names
  names=$(printf '%s' "$_package_depends" | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$')
  cp /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
  chroot "$1" apt-get update -qq >&2 || rc=$?
  [ "$rc" -eq 0 ] && { chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $names ca-certificates >&2 || rc=$?; }
  chroot "$1" apt-get clean || true
  rm -rf "$1"/var/lib/apt/lists/*
  if [ "$rc" -ne 0 ]; then
    echo "apt-get in the chroot failed (is the Debian mirror reachable?)"
    return 77
  fi
}

# package_scratch_root BASE DIR: makes DIR a writable copy of BASE (an
# overlay mount when the kernel allows it, a copy otherwise); undo with
# package_scratch_done DIR.
package_scratch_root() {
  mkdir -p "$2" "$2.upper" "$2.work"
  if mount -t overlay overlay -o "lowerdir=$1,upperdir=$2.upper,workdir=$2.work" "$2" 2>/dev/null; then
    return 0
  fi
  cp -a "$1/." "$2/"
}
package_scratch_done() {
  umount "$1" 2>/dev/null || true
  rm -rf "$1" "$1.upper" "$1.work" 2>/dev/null || true
}

# package_require_release: skips (77) under a sanitizer build: what ships is
# the release build, and a package of an ASan binary tests nothing more.
package_require_release() {
  if grep -q 'fsanitize' "$IG_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    echo "SKIP: packaging is tested on the release build, not a sanitizer build"
    exit 77
  fi
}
