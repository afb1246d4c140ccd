#!/bin/sh
# Puts the imagegate source tree the Dockerfile builds into
# lambda/imagegate-src: the repository's HEAD, without the CDK package, the
# tests or the docs, so the image builds from exactly what was committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel)
rm -rf "$here/imagegate-src"
mkdir -p "$here/imagegate-src"
git -C "$top" archive HEAD CMakeLists.txt CMakePresets.json src scripts example | tar -x -C "$here/imagegate-src"
echo "bundle-source: $(git -C "$top" rev-parse --short HEAD) into $here/imagegate-src"
