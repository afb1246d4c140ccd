# The images that imagegate is compared on, against Trivy (peer_trivy.sh) and
# in the SBOM benchmark (bench/run-sbom-bench.sh). Sourced, not run.
#
# Each builder writes an OCI layout with one tag "t" and prints nothing on
# success. The layouts are cached under $IMAGEGATE_TEST_CACHE/peer-images,
# keyed by k_peer_images_version, because building them (umoci, dpkg) takes
# minutes on a shared two-core machine; delete that folder to rebuild.
#
# Inputs (real, except the small fixtures named below):
#   debian - layer 1: debootstrap --variant=minbase bookworm (the root the
#            inventory_os_debian test caches); layer 2: dpkg --purge of tzdata
#            and e2fsprogs (whiteouts for their files) and dpkg --install of
#            Debian's less .deb (fetched once with apt-get download).
#   lang   - one layer of language content: the npm app of inventory_lang_npm
#            (lodash, @babel/core, express and their trees) plus a copy of its
#            package.json/package-lock.json without node_modules; every
#            *.dist-info/*.egg-info of the host's /usr/lib/python3/dist-packages;
#            the host's rubygems-integration gemspecs; /usr/share/java; and
#            the docker-registry Go binary - all from Debian packages that
#            scripts/install-deps installs; a Go program built here offline
#            in module mode with a vendored and a replaced dependency; a
#            cargo-auditable .dep-v0 section added to /usr/bin/true with
#            objcopy; and the Cargo.lock, .deps.json and composer
#            installed.json fixtures of tests/fixtures/lang.
#   rpm    - one layer: Rocky Linux 9.3's etc/os-release, rocky-release and
#            the redhat-release and system-release symlinks to it (the
#            files of tests/fixtures/rpm/rocky-9), and an sqlite rpmdb at
#            var/lib/rpm made by rpm --initdb and rpm -i --justdb from the
#            packages rpmbuild builds from tests/fixtures/rpm/*.spec
#            (lib/rpm_fixtures.sh, the same recipe as inventory_os_rpm.sh),
#            plus Debian's bookworm archive key imported with rpm --import
#            (the gpg-pubkey entry every Red Hat family rpmdb has).
#   alpine - one layer: Alpine 3.18.5's etc/alpine-release, etc/os-release and
#            a lib/apk/db/installed in apk-tools' v2 format, written by hand
#            (tests/fixtures/apk/alpine-3.18: Alpine packages cannot be
#            downloaded here) with the names, versions, origins and licenses
#            of Alpine 3.18's base packages.
#
# Every function returns 77 when an input cannot be had (no mirror, no npm
# registry and nothing cached), so callers can skip.

k_peer_images_version=2
peer_cache="${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}"

# peer_umoci_new DIR: an empty image DIR:t unpacked into DIR.b.
peer_umoci_new() {
  umoci init --layout "$1" >&2
  umoci new --image "$1:t" >&2
  umoci unpack --rootless --image "$1:t" "$1.b" >/dev/null 2>&1
}

# peer_umoci_layer DIR: commits DIR.b as a new layer and unpacks the result, so
# the next layer is a diff against it.
peer_umoci_layer() {
  umoci repack --image "$1:t" "$1.b" >&2
  rm -rf "$1.b"
  umoci unpack --rootless --image "$1:t" "$1.b" >/dev/null 2>&1
}

# peer_debootstrap_root: prints the cached bookworm minbase root, making it
# when missing (the same cache as inventory_os_debian.sh).
peer_debootstrap_root() {
  local root="$peer_cache/debootstrap-bookworm"
  if [ ! -f "$root/var/lib/dpkg/status" ]; then
    mkdir -p "$peer_cache"
    rm -rf "$root.tmp"
    if ! debootstrap --variant=minbase bookworm "$root.tmp" http://deb.debian.org/debian \
        >"$peer_cache/debootstrap.log" 2>&1; then
      rm -rf "$root.tmp"
      echo "the Debian mirror is unreachable and no cached root exists (see $peer_cache/debootstrap.log)" >&2
      return 77
    fi
    mv "$root.tmp" "$root"
  fi
  echo "$root"
}

# peer_npm_app: prints the cached npm project of inventory_lang_npm.sh, making
# it when missing.
peer_npm_app() {
  local app="$peer_cache/npm-app"
  if [ ! -f "$app/package-lock.json" ] || [ ! -d "$app/node_modules/@babel/core" ]; then
    mkdir -p "$peer_cache/npm"
    rm -rf "$app.tmp"
    mkdir -p "$app.tmp"
    echo '{"name":"ig-test-app","version":"1.0.0","private":true}' >"$app.tmp/package.json"
    if ! npm install --prefix "$app.tmp" --cache "$peer_cache/npm" --no-audit --no-fund --ignore-scripts \
        lodash@4.17.21 @babel/core@7.24.0 express@4.18.2 >"$peer_cache/npm-install.log" 2>&1; then
      rm -rf "$app.tmp"
      echo "the npm registry is unreachable and nothing is cached (see $peer_cache/npm-install.log)" >&2
      return 77
    fi
    rm -rf "$app"
    mv "$app.tmp" "$app"
  fi
  echo "$app"
}

# peer_go_binary OUT: a module-mode Go program with a vendored dependency
# and a replaced one, built offline (GOPROXY=off, -mod=vendor).
peer_go_binary() {
  command -v go >/dev/null || { echo "go is not installed" >&2; return 77; }
  local src
  src=$(mktemp -d)
  mkdir -p "$src/vendor/example.com/greet" "$src/vendor/example.com/old" "$(dirname "$1")"
  printf 'module example.com/hello\n\ngo 1.19\n\nrequire (\n\texample.com/greet v1.2.3\n\texample.com/old v1.0.0\n)\n\nreplace example.com/old v1.0.0 => example.com/new v1.1.0\n' >"$src/go.mod"
  printf 'package main\n\nimport (\n\t"example.com/greet"\n\t"example.com/old"\n)\n\nfunc main() { greet.Hi(); old.Hi() }\n' >"$src/main.go"
  printf 'package greet\n\nfunc Hi() { println("hi") }\n' >"$src/vendor/example.com/greet/greet.go"
  printf 'package old\n\nfunc Hi() { println("old") }\n' >"$src/vendor/example.com/old/old.go"
  printf '# example.com/greet v1.2.3\n## explicit\nexample.com/greet\n# example.com/old v1.0.0 => example.com/new v1.1.0\n## explicit\nexample.com/old\n# example.com/old v1.0.0 => example.com/new v1.1.0\n' \
    >"$src/vendor/modules.txt"
  (cd "$src" && GOCACHE="$peer_cache/go-build" GOPROXY=off GOFLAGS=-mod=vendor CGO_ENABLED=0 \
    go build -trimpath -o "$1" . >"$src/build.log" 2>&1) || { cat "$src/build.log" >&2; rm -rf "$src"; return 1; }
  rm -rf "$src"
}

# peer_rust_binary OUT: /usr/bin/true with a cargo-auditable .dep-v0 section
# (zlib-compressed dependency JSON), as cargo auditable writes it.
peer_rust_binary() {
  command -v objcopy >/dev/null || { echo "objcopy is not installed" >&2; return 77; }
  local tmp
  tmp=$(mktemp -d)
  python3 - "$tmp/deps.z" <<'PY'
import json, sys, zlib
deps = {"packages": [
    {"name": "hello-rust", "version": "0.1.0", "source": "local", "kind": "runtime", "dependencies": [1, 2], "root": True},
    {"name": "serde", "version": "1.0.197", "source": "crates.io", "kind": "runtime", "dependencies": []},
    {"name": "memchr", "version": "2.7.1", "source": "crates.io", "kind": "runtime", "dependencies": []},
    {"name": "cc", "version": "1.0.90", "source": "crates.io", "kind": "build", "dependencies": []},
]}
open(sys.argv[1], "wb").write(zlib.compress(json.dumps(deps, separators=(",", ":")).encode(), 9))
PY
  mkdir -p "$(dirname "$1")"
  objcopy --add-section .dep-v0="$tmp/deps.z" /usr/bin/true "$1"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

# peer_debian_image: prints the OCI layout dir of the two-layer Debian image.
peer_debian_image() {
  local out="$peer_cache/peer-images/v$k_peer_images_version/debian"
  if [ -f "$out.done" ]; then echo "$out"; return 0; fi
  local root deb_dir="$peer_cache/peer-debs"
  root=$(peer_debootstrap_root) || return $?
  if ! ls "$deb_dir"/less_*.deb >/dev/null 2>&1; then
    mkdir -p "$deb_dir"
    (cd "$deb_dir" && apt-get download less >"$deb_dir/download.log" 2>&1) || {
      echo "apt-get download less failed (see $deb_dir/download.log)" >&2
      return 77
    }
  fi
  rm -rf "$out" "$out.b"
  mkdir -p "$(dirname "$out")"
  peer_umoci_new "$out"
  cp -a "$root/." "$out.b/rootfs/"
  peer_umoci_layer "$out"
  local r="$out.b/rootfs"
  dpkg --root="$r" --purge --force-remove-essential --force-depends tzdata e2fsprogs >"$out.dpkg.log" 2>&1 &&
    dpkg --root="$r" --install "$deb_dir"/less_*.deb >>"$out.dpkg.log" 2>&1 || {
    echo "dpkg in the second layer failed (see $out.dpkg.log)" >&2
    return 1
  }
  peer_umoci_layer "$out"
  rm -rf "$out.b"
  touch "$out.done"
  echo "$out"
}

# peer_lang_image: prints the OCI layout dir of the language-heavy image.
peer_lang_image() {
  local out="$peer_cache/peer-images/v$k_peer_images_version/lang"
  if [ -f "$out.done" ]; then echo "$out"; return 0; fi
  local app
  app=$(peer_npm_app) || return $?
  if [ ! -x /usr/bin/docker-registry ] || [ ! -d /usr/share/java ] ||
      [ ! -d /usr/share/rubygems-integration/all/specifications ]; then
    echo "needs docker-registry, lib*-java and ruby-* packages (scripts/install-deps)" >&2
    return 77
  fi
  rm -rf "$out" "$out.b"
  mkdir -p "$(dirname "$out")"
  peer_umoci_new "$out"
  local r="$out.b/rootfs"
  mkdir -p "$r/srv/app" "$r/srv/lockonly" "$r/usr/lib/python3/dist-packages" "$r/usr/bin" \
    "$r/usr/share/rubygems-integration/all"
  cp -a "$app/." "$r/srv/app/"
  cp "$app/package.json" "$app/package-lock.json" "$r/srv/lockonly/"
  cp -a /usr/lib/python3/dist-packages/*.dist-info /usr/lib/python3/dist-packages/*.egg-info \
    "$r/usr/lib/python3/dist-packages/" 2>/dev/null || true
  cp -a /usr/share/rubygems-integration/all/specifications "$r/usr/share/rubygems-integration/all/"
  cp -a /usr/share/java "$r/usr/share/"
  cp -a /usr/bin/docker-registry "$r/usr/bin/"
  peer_go_binary "$r/usr/local/bin/hello-go" || return $?
  peer_rust_binary "$r/usr/local/bin/hello-rust" || return $?
  local fx="${IG_SOURCE_DIR:?}/tests/fixtures/lang"
  mkdir -p "$r/srv/rust" "$r/srv/dotnet" "$r/srv/php/vendor/composer"
  cp "$fx/cargo/Cargo.lock" "$r/srv/rust/"
  cp "$fx/dotnet/webapi.deps.json" "$r/srv/dotnet/"
  cp "$fx/php/installed-v2.json" "$r/srv/php/vendor/composer/installed.json"
  peer_umoci_layer "$out"
  rm -rf "$out.b"
  touch "$out.done"
  echo "$out"
}

# peer_fixture_key DIR FUNCTION...: a short hash of the files under DIR and of
# the code of the shell FUNCTIONs that build an image from them, so a cached
# image is rebuilt when either changes.
peer_fixture_key() {
  local dir=$1
  shift
  {
    declare -f "$@"
    (cd "$dir" && find . \( -type f -o -type l \) -print0 | sort -z |
      xargs -0 sh -c 'for f; do printf "%s\n" "$f"; if [ -L "$f" ]; then readlink "$f"; else cat "$f"; fi; done' sh)
  } | sha256sum | cut -c1-12
}

# peer_rpm_image: prints the OCI layout dir of the Red Hat family (Rocky
# Linux 9) image with an sqlite rpmdb.
peer_rpm_image() {
  local tool
  for tool in rpm rpmbuild gpg; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; return 77; }
  done
  [ -f /usr/share/keyrings/debian-archive-bookworm-stable.gpg ] ||
    { echo "debian-archive-keyring is not installed" >&2; return 77; }
  local fx="${IG_SOURCE_DIR:?}/tests/fixtures/rpm"
  # shellcheck source=../lib/rpm_fixtures.sh
  . "$IG_SOURCE_DIR/tests/integration/lib/rpm_fixtures.sh"
  local key
  key=$(peer_fixture_key "$fx" peer_rpm_image rpm_fixture_build rpm_fixture_sqlite_db)
  local out="$peer_cache/peer-images/v$k_peer_images_version/rpm-$key"
  if [ -f "$out.done" ]; then echo "$out"; return 0; fi
  local top
  top=$(mktemp -d)
  rpm_fixture_build "$top" || { rm -rf "$top"; return 1; }
  rm -rf "$out" "$out.b"
  mkdir -p "$(dirname "$out")"
  peer_umoci_new "$out"
  local r="$out.b/rootfs"
  cp -a "$fx/rocky-9/." "$r/"
  rpm_fixture_sqlite_db "$r/var/lib/rpm" "$top"/RPMS/noarch/*.rpm || {
    echo "rpm --justdb into $r/var/lib/rpm failed" >&2
    rm -rf "$top"
    return 1
  }
  # A Red Hat family rpmdb also holds the signing keys rpm --import'ed, as
  # gpg-pubkey-KEYID-DATE headers; a real image has one for its distro's key.
  # Debian's archive key stands in for Rocky's, which cannot be had here.
  GNUPGHOME="$top/gnupg" gpg -q --no-default-keyring \
    --keyring /usr/share/keyrings/debian-archive-bookworm-stable.gpg --export --armor >"$top/key.asc" &&
    [ -s "$top/key.asc" ] &&
    rpm --import --dbpath "$r/var/lib/rpm" --define '_db_backend sqlite' "$top/key.asc" || {
    echo "rpm --import of Debian's archive key into $r/var/lib/rpm failed" >&2
    rm -rf "$top"
    return 1
  }
  rm -rf "$top"
  peer_umoci_layer "$out"
  rm -rf "$out.b"
  touch "$out.done"
  echo "$out"
}

# peer_alpine_image: prints the OCI layout dir of the Alpine 3.18 image.
peer_alpine_image() {
  local fx="${IG_SOURCE_DIR:?}/tests/fixtures/apk/alpine-3.18"
  local key
  key=$(peer_fixture_key "$fx" peer_alpine_image)
  local out="$peer_cache/peer-images/v$k_peer_images_version/alpine-$key"
  if [ -f "$out.done" ]; then echo "$out"; return 0; fi
  rm -rf "$out" "$out.b"
  mkdir -p "$(dirname "$out")"
  peer_umoci_new "$out"
  cp -a "$fx/." "$out.b/rootfs/"
  peer_umoci_layer "$out"
  rm -rf "$out.b"
  touch "$out.done"
  echo "$out"
}
