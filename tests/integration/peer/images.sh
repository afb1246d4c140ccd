# The images that imagegate is compared on, against Trivy (peer_trivy.sh) and
# in the SBOM benchmark (bench/run-sbom-bench.sh). Sourced, not run.
#
# Each builder prints the directory of an OCI layout with one tag "t". The
# layouts are cached in the shared test cache (lib/test_cache.sh: built
# aside, renamed into place) under peer-images/, keyed by
# k_peer_images_version and a hash of the builder's code and inputs, because
# building them (umoci, dpkg) takes minutes on a shared two-core machine.
#
# Inputs (real, except the small fixtures named below):
#   debian - layer 1: debootstrap --variant=minbase bookworm (the root the
#            inventory_os_debian test caches); layer 2: dpkg --purge of tzdata
#            and e2fsprogs (whiteouts for their files) and dpkg --install of
#            Debian's less .deb (pinned, fetched once with apt-get download).
#   lang   - one layer of language content: the npm app of inventory_lang_npm
#            (lodash, @babel/core, express and their trees) plus a copy of its
#            package.json/package-lock.json without node_modules; the
#            *.dist-info/*.egg-info, rubygems-integration gemspecs, /usr/share/java
#            jars and the docker-registry Go binary of the Debian packages
#            pinned in k_peer_lang_debs (fetched once with apt-get download,
#            unpacked with dpkg -x: never the host's own /usr, whose content
#            depends on what else is installed); a Go program built here offline
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

k_peer_images_version=3
peer_cache="${IMAGEGATE_TEST_CACHE:-/var/tmp/imagegate-test-cache}"
# shellcheck source=../lib/test_cache.sh
. "${IG_SOURCE_DIR:?}/tests/integration/lib/test_cache.sh"

# The Debian packages whose files make the lang image's Python, Java, Ruby
# and Go content: pinned versions of bookworm, chosen for the shapes they
# cover (dist-info; egg-info directories and plain files, one named
# NAME-VERSION-pyX.Y; jars with and without pom.properties; gemspecs; a Go
# binary built by Debian). A version that leaves the archive makes the test
# skip with a message naming it: update the pin (and trivy-allow.txt).
k_peer_lang_debs=(
  python3-yaml=6.0-3+b2 python3-packaging=23.0-1 python3-six=1.16.0-4 python3-lazr.uri=1.0.6-3
  python3-apt=2.6.0 python3-cupshelpers=1.5.18-1
  libguice-java=4.2.3-2 libaopalliance-java=20070526-7 libatinject-jsr330-api-java=1.0+ds1-5
  libslf4j-java=1.7.32-1 libcommons-io-java=2.11.0-2
  ruby-rainbow=3.1.1-1 ruby-tzinfo=2.0.5-1
  docker-registry=2.8.2+ds1-1
)
k_peer_debian_debs=(less=590-2.1~deb12u2)

# peer_debs PKG=VERSION...: prints a cache directory holding those .debs;
# 77 when apt cannot fetch one.
peer_debs() {
  local key
  key=$(printf '%s\n' "$@" | sha256sum | cut -c1-12)
  test_cache_entry "peer-debs/$key" _peer_download_debs "$@"
}
_peer_download_debs() {
  local dir=$1
  shift
  if ! (cd "$dir" && apt-get download "$@" >"$dir/download.log" 2>&1); then
    grep -E '^E:' "$dir/download.log"
    echo "apt-get download of the pinned packages failed: $*"
    echo "(no apt mirror, or a pinned version left the archive: update the pin in tests/integration/peer/images.sh)"
    return 77
  fi
}

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

# peer_image NAME KEY BUILDER [ARGS...]: prints the OCI layout of the cached
# image NAME-KEY, running `BUILDER ROOTFS ARGS...` into a new image's only
# layer (and BUILDER may commit earlier layers with peer_umoci_layer) when it
# is missing.
peer_image() {
  local name=$1 key=$2
  shift 2
  local entry
  entry=$(test_cache_entry "peer-images/v$k_peer_images_version/$name-$key" _peer_make_image "$@") || return $?
  echo "$entry/oci"
}
_peer_make_image() {
  local out="$1/oci" builder=$2
  shift 2
  peer_umoci_new "$out"
  "$builder" "$out" "$@" || return $?
  peer_umoci_layer "$out"
  rm -rf "$out.b"
}

# peer_debian_image: prints the OCI layout dir of the two-layer Debian image.
peer_debian_image() {
  local root debs
  root=$(test_cache_debootstrap) || return $?
  debs=$(peer_debs "${k_peer_debian_debs[@]}") || return $?
  peer_image debian "$(peer_fixture_key "$debs" _peer_debian_layers)-$(basename "$root")" \
    _peer_debian_layers "$root" "$debs"
}
_peer_debian_layers() {
  local out=$1 root=$2 debs=$3
  cp -a "$root/." "$out.b/rootfs/"
  peer_umoci_layer "$out"
  local r="$out.b/rootfs"
  dpkg --root="$r" --purge --force-remove-essential --force-depends tzdata e2fsprogs >"$out.dpkg.log" 2>&1 &&
    dpkg --root="$r" --install "$debs"/less_*.deb >>"$out.dpkg.log" 2>&1 || {
    cat "$out.dpkg.log"
    echo "dpkg in the second layer failed"
    return 1
  }
}

# peer_lang_image: prints the OCI layout dir of the language-heavy image.
peer_lang_image() {
  local app debs fx="${IG_SOURCE_DIR:?}/tests/fixtures/lang"
  app=$(test_cache_npm_app) || return $?
  debs=$(peer_debs "${k_peer_lang_debs[@]}") || return $?
  peer_image lang "$(peer_fixture_key "$fx" _peer_lang_layer peer_go_binary peer_rust_binary)-$(basename "$debs")" \
    _peer_lang_layer "$app" "$debs" "$fx"
}
_peer_lang_layer() {
  local out=$1 app=$2 debs=$3 fx=$4 deb
  local r="$out.b/rootfs" x="$out.debs"
  mkdir -p "$x"
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$x" || return 1; done
  mkdir -p "$r/srv/app" "$r/srv/lockonly" "$r/usr/lib/python3/dist-packages" "$r/usr/bin" "$r/usr/share" \
    "$r/usr/share/rubygems-integration/all"
  cp -a "$app/." "$r/srv/app/"
  cp "$app/package.json" "$app/package-lock.json" "$r/srv/lockonly/"
  cp -a "$x"/usr/lib/python3/dist-packages/*.dist-info "$x"/usr/lib/python3/dist-packages/*.egg-info \
    "$r/usr/lib/python3/dist-packages/"
  cp -a "$x/usr/share/rubygems-integration/all/specifications" "$r/usr/share/rubygems-integration/all/"
  cp -a "$x/usr/share/java" "$r/usr/share/"
  cp -a "$x/usr/bin/docker-registry" "$r/usr/bin/"
  rm -rf "$x"
  peer_go_binary "$r/usr/local/bin/hello-go" || return $?
  peer_rust_binary "$r/usr/local/bin/hello-rust" || return $?
  mkdir -p "$r/srv/rust" "$r/srv/dotnet" "$r/srv/php/vendor/composer"
  cp "$fx/cargo/Cargo.lock" "$r/srv/rust/"
  cp "$fx/dotnet/webapi.deps.json" "$r/srv/dotnet/"
  cp "$fx/php/installed-v2.json" "$r/srv/php/vendor/composer/installed.json"
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
  peer_image rpm "$(peer_fixture_key "$fx" _peer_rpm_layer rpm_fixture_build rpm_fixture_sqlite_db)" \
    _peer_rpm_layer "$fx"
}
_peer_rpm_layer() {
  local out=$1 fx=$2
  local r="$out.b/rootfs" top="$out.rpmbuild"
  mkdir -p "$top"
  rpm_fixture_build "$top" || return 1
  cp -a "$fx/rocky-9/." "$r/"
  rpm_fixture_sqlite_db "$r/var/lib/rpm" "$top"/RPMS/noarch/*.rpm || {
    echo "rpm --justdb into $r/var/lib/rpm failed"
    return 1
  }
  # A Red Hat family rpmdb also holds the signing keys rpm --import'ed, as
  # gpg-pubkey-KEYID-DATE headers; a real image has one for its distro's key.
  # Debian's archive key stands in for Rocky's, which cannot be had here.
  GNUPGHOME="$top/gnupg" gpg -q --no-default-keyring \
    --keyring /usr/share/keyrings/debian-archive-bookworm-stable.gpg --export --armor >"$top/key.asc" &&
    [ -s "$top/key.asc" ] &&
    rpm --import --dbpath "$r/var/lib/rpm" --define '_db_backend sqlite' "$top/key.asc" || {
    echo "rpm --import of Debian's archive key into $r/var/lib/rpm failed"
    return 1
  }
  rm -rf "$top"
}

# peer_alpine_image: prints the OCI layout dir of the Alpine 3.18 image.
peer_alpine_image() {
  local fx="${IG_SOURCE_DIR:?}/tests/fixtures/apk/alpine-3.18"
  peer_image alpine "$(peer_fixture_key "$fx" _peer_alpine_layer)" _peer_alpine_layer "$fx"
}
_peer_alpine_layer() {
  cp -a "$2/." "$1.b/rootfs/"
}
