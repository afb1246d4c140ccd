#!/usr/bin/env bash
# Language packages that Debian itself installs, copied into a root file
# system and catalogued with `imagegate sbom dir:ROOT -f json`, compared with
# what Debian's own tools say: dpkg-query (PyYAML, rack), unzip on the jar's
# pom.properties (commons-lang3) and `go version -m` (docker-registry).
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
for tool in jq dpkg-query unzip go; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
yaml_dir=$(ls -d /usr/lib/python3/dist-packages/PyYAML-*.dist-info 2>/dev/null | head -1)
rack_spec=$(ls /usr/share/rubygems-integration/all/specifications/rack-*.gemspec 2>/dev/null | head -1)
jar=/usr/share/java/commons-lang3.jar
bin=/usr/bin/docker-registry
if [ -z "$yaml_dir" ] || [ -z "$rack_spec" ] || [ ! -f "$jar" ] || [ ! -x "$bin" ]; then
  echo "SKIP: needs python3-yaml, ruby-rack, libcommons-lang3-java and docker-registry (scripts/install-deps)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
root="$work/root"
for f in "$yaml_dir/METADATA" "$rack_spec" "$jar" "$bin"; do
  mkdir -p "$root$(dirname "$f")"
  cp "$f" "$root$f"
done

export IMAGEGATE_CACHE_DIR="$work/cache"
"$IMAGEGATE" -q sbom "dir:$root" -f json >"$work/sbom.json"
pkg() { jq -r --arg e "$1" --arg n "$2" '[.packages[] | select(.ecosystem==$e and .name==$n)][0] | "\(.version) \(.purl) \(.locations[0])"' "$work/sbom.json"; }

pass=0
fail=0
check() {
  if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL: $1: got '$2', want '$3'"; fail=$((fail + 1)); fi
}

yaml_ver=$(sed -n 's/^Version: //p' "$yaml_dir/METADATA" | tr -d '\r')
deb_yaml=$(dpkg-query -W -f='${Version}' python3-yaml)
check "PyYAML METADATA version is Debian's upstream version" "${deb_yaml%%-*}" "$yaml_ver"
check "pyyaml" "$(pkg pypi pyyaml)" "$yaml_ver pkg:pypi/pyyaml@$yaml_ver ${yaml_dir#/}/METADATA"

rack_ver=$(basename "$rack_spec" .gemspec)
rack_ver=${rack_ver#rack-}
deb_rack=$(dpkg-query -W -f='${Version}' ruby-rack)
check "rack gemspec version is Debian's upstream version" "${deb_rack%%-*}" "$rack_ver"
check "rack" "$(pkg gem rack)" "$rack_ver pkg:gem/rack@$rack_ver ${rack_spec#/}"

lang3_ver=$(unzip -p "$jar" 'META-INF/maven/org.apache.commons/commons-lang3/pom.properties' | sed -n 's/^version=//p' | tr -d '\r')
check "commons-lang3" "$(pkg maven org.apache.commons:commons-lang3)" \
  "$lang3_ver pkg:maven/org.apache.commons/commons-lang3@$lang3_ver usr/share/java/commons-lang3.jar"

go_ver=$(go version "$bin" | sed 's/.*: //')
check "docker-registry stdlib" "$(pkg golang stdlib)" "v${go_ver#go} pkg:golang/stdlib@v${go_ver#go} usr/bin/docker-registry"
main_pkg=$(go version -m "$bin" | awk -F'\t' '$2=="path"{print $3}')
check "docker-registry main package" \
  "$(jq -r '[.packages[] | select(.name=="stdlib")][0].extra.main_package' "$work/sbom.json")" "$main_pkg"
n_go=$(go version -m "$bin" | awk -F'\t' '$2=="dep"||$2=="mod"' | wc -l)
check "docker-registry module count" \
  "$(jq '[.packages[] | select(.ecosystem=="golang" and .name!="stdlib")] | length' "$work/sbom.json")" "$n_go"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
