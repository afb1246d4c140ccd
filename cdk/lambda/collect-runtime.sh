#!/bin/sh
# Copies BINARY and every shared library it needs (libcurl too, which
# imagegate opens with dlopen on first use) into ROOT, with the loader, an
# ld.so.cache and the CA bundle: a root file system with nothing else.
set -eu
bin=$1 root=$2
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp"
cp "$bin" "$root/usr/local/bin/imagegate"
curl_so=$(ldconfig -p | awk '/libcurl\.so\.4 /{print $NF; exit}')
for f in "$bin" "$curl_so"; do
  ldd "$f" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'
done | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -L "$curl_so" "$root$curl_so"
mkdir -p "$root/etc"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
ldconfig -r "$root"
