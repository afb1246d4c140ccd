#!/usr/bin/env bash
# Step 1 of the action: puts imagegate on the PATH.
#   INPUT_BINARY        use this imagegate as it is (a build of your own)
#   INPUT_DEB           a .deb to install (a path), else the release asset
#   INPUT_VERSION       release to download when INPUT_DEB is empty (e.g. 0.1.0)
#   INPUT_RELEASE_REPO  owner/name whose GitHub release holds the .deb
#   INPUT_INSTALL_MODE  apt (default: apt-get install, which also installs the
#                       libraries it needs) or extract (dpkg-deb -x into
#                       RUNNER_TEMP, for runners that have the libraries or
#                       no root)
# Outputs: path (the binary), version.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work=$(action_workdir)
if [ -n "${INPUT_BINARY:-}" ]; then
  [ -x "$INPUT_BINARY" ] || action_fail "binary '$INPUT_BINARY' is not an executable file; give the path of an imagegate build or leave 'binary' empty"
  bin=$INPUT_BINARY
else
  deb=${INPUT_DEB:-}
  if [ -z "$deb" ]; then
    version=${INPUT_VERSION:-}
    repo=${INPUT_RELEASE_REPO:-}
    [ -n "$version" ] && [ -n "$repo" ] ||
      action_fail "nothing to install: set 'deb' to a .deb path, or 'version' and 'release-repo' to download one"
    arch=$(dpkg --print-architecture)
    deb="$work/imagegate_${version}_${arch}.deb"
    url="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/v$version/imagegate_${version}_${arch}.deb"
    curl --fail --silent --show-error --location --retry 3 -o "$deb" "$url" ||
      action_fail "cannot download $url; check 'version' and 'release-repo', or give 'deb'"
  fi
  [ -f "$deb" ] || action_fail "deb '$deb' does not exist; give the path of imagegate_<version>_<arch>.deb"
  dpkg-deb --info "$deb" >/dev/null 2>&1 || action_fail "'$deb' is not a Debian package"
  case "${INPUT_INSTALL_MODE:-apt}" in
    apt)
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      # apt resolves the libraries the package depends on.
      $sudo apt-get install -y --no-install-recommends "$(realpath "$deb")" >"$work/install.log" 2>&1 ||
        action_fail "apt-get install of $deb failed: $(tail -3 "$work/install.log")"
      bin=/usr/bin/imagegate
      ;;
    extract)
      root="$work/root"
      rm -rf "$root"
      dpkg-deb -x "$deb" "$root"
      bin="$root/usr/bin/imagegate"
      echo "$root/usr/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
      ;;
    *) action_fail "install-mode '${INPUT_INSTALL_MODE}' is not apt or extract" ;;
  esac
fi
version=$("$bin" --version 2>/dev/null | awk '$1 == "imagegate" {print $2}')
[ -n "$version" ] || action_fail "$bin does not run: $("$bin" --version 2>&1 | head -3)"
action_output path "$bin"
action_output version "$version"
echo "imagegate $version at $bin"
