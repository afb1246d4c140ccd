#!/usr/bin/env bash
# The Debian package (cmake/Package.cmake): made by CPack from the binary
# under test, installed with dpkg into a clean bookworm root (debootstrap
# minbase plus the libraries its Depends names, cached), and used there:
# --version, a man page per command, completions that parse, and a scan of
# a local OCI layout whose findings equal the build tree's binary's.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_BUILD_DIR:?set IG_BUILD_DIR to the build directory}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
for tool in cpack dpkg-deb debootstrap chroot jq; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
example="$IG_BUILD_DIR/example/image"
[ -f "$example/index.json" ] || { echo "FAIL: the example image is not built (target example_image)"; exit 1; }

. "$(dirname "$0")/lib/test_cache.sh"
. "$(dirname "$0")/lib/package.sh"
package_require_release

T=$(mktemp -d)
root="$T/root"
trap 'package_scratch_done "$root"; rm -rf "$T"' EXIT
passed=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { passed=$((passed + 1)); echo "ok: $*"; }

deb=$(package_deb)
[[ $(basename "$deb") =~ ^imagegate_[0-9.]+_[a-z0-9]+\.deb$ ]] || fail "package name $(basename "$deb")"
ok "built $(basename "$deb")"

# Depends: from dpkg-shlibdeps, plus libcurl4, which is opened with dlopen.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libssl3 libsqlite3-0 libarchive13 libisal2 libzstd1 libc6; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
ok "Depends names the libraries ($depends)"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
pages=$(grep -c '^./usr/share/man/man1/imagegate.*\.1\.gz$' <<<"$contents")
# One page per command: every command path the CLI knows, from its own help.
want_pages=$("$IMAGEGATE" __generate completion bash | grep -o '"[a-z -]*|[a-z-]*"' | grep -vc '|-' || true)
[ "$pages" -ge 30 ] || fail "only $pages man pages"
for f in usr/bin/imagegate usr/share/bash-completion/completions/imagegate usr/share/zsh/vendor-completions/_imagegate \
  usr/share/fish/vendor_completions.d/imagegate.fish usr/share/doc/imagegate/copyright usr/share/doc/imagegate/README.md \
  usr/share/man/man1/imagegate-db-import.1.gz usr/share/man/man1/imagegate.1.gz; do
  grep -qx "./$f" <<<"$contents" || fail "$f is not in the package"
done
ok "binary, $pages man pages, three completions, docs and copyright ($want_pages command steps)"

rc=0
base=$(package_runtime_root "$deb") || rc=$?
[ "$rc" -ne 77 ] || { echo "SKIP: no Debian root with the runtime libraries (mirror unreachable)"; exit 77; }
[ "$rc" -eq 0 ] || fail "making the runtime root"
package_scratch_root "$base" "$root"
[ ! -e "$root/usr/bin/imagegate" ] || fail "the clean root already has imagegate"
cp "$deb" "$root/tmp/imagegate.deb"
chroot "$root" dpkg -i /tmp/imagegate.deb >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log"; fail "dpkg -i"; }
[ "$(chroot "$root" dpkg-query -W -f '${Status}' imagegate)" = "install ok installed" ] || fail "dpkg does not list it"
ok "dpkg -i in a clean bookworm root"

version=$(chroot "$root" imagegate --version)
[[ $version == "imagegate "* ]] || fail "--version printed: $version"
[ "$version" = "$("$IMAGEGATE" --version)" ] || fail "--version differs from the build tree's: $version"
chroot "$root" imagegate version --format json >"$T/version.json"
[ "$(jq -r '.libraries.libcurl.version' "$T/version.json")" != "" ] || fail "the installed binary finds no libcurl"
ok "imagegate --version in the root: $version"

# Completions parse in the shell they are for (bash is in minbase).
chroot "$root" bash -n /usr/share/bash-completion/completions/imagegate || fail "bash completion does not parse"
chroot "$root" bash -c '. /usr/share/bash-completion/completions/imagegate; COMP_WORDS=(imagegate db imp); COMP_CWORD=2; _imagegate; [ "${COMPREPLY[*]}" = import ]' ||
  fail "bash completion of 'imagegate db imp' is not 'import'"
if command -v zsh >/dev/null; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_imagegate" || fail "zsh completion does not parse"
fi
if command -v fish >/dev/null; then
  fish -n "$root/usr/share/fish/vendor_completions.d/imagegate.fish" || fail "fish completion does not parse"
fi
zcat "$root/usr/share/man/man1/imagegate-scan.1.gz" | grep -q '^\.TH "IMAGEGATE\\-SCAN" "1"' || fail "imagegate-scan(1) has no title"
if command -v groff >/dev/null; then
  for page in "$root"/usr/share/man/man1/imagegate*.1.gz; do
    warn=$(zcat "$page" | groff -man -ww -z -Tutf8 2>&1)
    [ -z "$warn" ] || fail "groff warns about $(basename "$page"): $warn"
  done
fi
ok "completions parse (bash$(command -v zsh >/dev/null && echo ', zsh')$(command -v fish >/dev/null && echo ', fish')), man pages format cleanly"

# A scan of a local OCI layout, inside the root, equals the build tree's.
mkdir -p "$root/tmp/work"
cp -a "$example" "$root/tmp/work/image"
cp -a "$IG_SOURCE_DIR/example/advisories" "$root/tmp/work/advisories"
chroot "$root" imagegate --db /tmp/work/ig.db db import /tmp/work/advisories/debian-tracker.json /tmp/work/advisories/osv >/dev/null
chroot "$root" imagegate --cache-dir /tmp/work/cache --db /tmp/work/ig.db scan oci:/tmp/work/image:latest --format json >"$T/in-root.json"
"$IMAGEGATE" --db "$T/host.db" db import "$IG_SOURCE_DIR/example/advisories/debian-tracker.json" "$IG_SOURCE_DIR/example/advisories/osv" >/dev/null
"$IMAGEGATE" --cache-dir "$T/cache" --db "$T/host.db" scan "oci:$example:latest" --format json >"$T/host.json"
got=$(jq -c '[.findings[] | [.id, .package.name, .severity]] | sort' "$T/in-root.json")
want=$(jq -c '[.findings[] | [.id, .package.name, .severity]] | sort' "$T/host.json")
[ "$(jq length <<<"$got")" -gt 0 ] || fail "the scan in the root found nothing"
[ "$got" = "$want" ] || fail "findings differ: root $got, build tree $want"
ok "scan of an OCI layout in the root: $(jq length <<<"$got") findings, as in the build tree"

chroot "$root" dpkg -r imagegate >/dev/null 2>&1 || fail "dpkg -r"
[ ! -e "$root/usr/bin/imagegate" ] && [ ! -e "$root/usr/share/man/man1/imagegate.1.gz" ] || fail "dpkg -r left files"
ok "dpkg -r removes it"
echo "$passed passed, 0 failed"
