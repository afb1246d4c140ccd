#!/usr/bin/env bash
# `imagegate files` on images with whiteouts and opaque directories made by
# real tools (umoci for ordinary whiteouts, a hand-made tar layer added with
# `umoci raw add-layer` for the opaque marker, which umoci never writes), on
# the bundled example image, and `imagegate cache info|clean`.
set -euo pipefail
: "${IMAGEGATE:?path to the imagegate binary}" "${IG_BUILD_DIR:?build directory}"
for tool in umoci jq tar; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

work=$(mktemp -d)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
export IMAGEGATE_CACHE_DIR="$work/cache"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- build the image: three layers -------------------------------------------
D="$work/oci"
B="$work/bundle"
umoci init --layout "$D"
umoci new --image "$D:t"
umoci unpack --rootless --image "$D:t" "$B"
mkdir -p "$B/rootfs/app" "$B/rootfs/data/sub" "$B/rootfs/cache"
echo old > "$B/rootfs/app/old.txt"
echo keep > "$B/rootfs/app/keep.txt"
echo d > "$B/rootfs/data/sub/d.txt"
echo c1 > "$B/rootfs/cache/c1.txt"
# umoci puts a directory into the next layer when its mtime changed, which
# depends on whether a second boundary passed between the two repacks; pin the
# times so that app/ and cache/ belong to layer 0 on every run.
pin_dirs() { touch -d @1700000000 "$B/rootfs/app" "$B/rootfs/cache"; }
pin_dirs
umoci repack --refresh-bundle --image "$D:t" "$B"           # layer 0
rm "$B/rootfs/app/old.txt"                                   # -> app/.wh.old.txt
rm -rf "$B/rootfs/data"                                      # -> .wh.data
rm "$B/rootfs/cache/c1.txt"
echo c2 > "$B/rootfs/cache/c2.txt"
pin_dirs
umoci repack --refresh-bundle --image "$D:t" "$B"           # layer 1
L="$work/layer2"
mkdir -p "$L/cache" "$L/app"
: > "$L/cache/.wh..wh..opq"
echo c3 > "$L/cache/c3.txt"
echo keep-v2 > "$L/app/keep.txt"
tar -C "$L" -cf "$work/layer2.tar" cache/.wh..wh..opq cache/c3.txt app/keep.txt
umoci raw add-layer --image "$D:t" "$work/layer2.tar"      # layer 2: opaque cache/, app/keep.txt rewritten

# --- the final filesystem ----------------------------------------------------
"$IMAGEGATE" files "oci:$D:t" --format json > "$work/files.json"
got=$(jq -c '[.files[] | "\(.path) \(.type) \(.layer)"]' "$work/files.json")
want='["app dir 0","app/keep.txt file 2","cache dir 0","cache/c3.txt file 2"]'
[ "$got" = "$want" ] || fail "final listing: got $got, want $want"

# Each entry names the diff_id of the layer that wrote it, as in the config.
diff_ids=$("$IMAGEGATE" inspect "oci:$D:t" --format json | jq -c '[.layers[].diff_id]')
jq -e --argjson ids "$diff_ids" 'all(.files[]; .diff_id == $ids[.layer])' "$work/files.json" >/dev/null ||
  fail "diff_id of each file does not match its layer"
jq -e '.files[] | select(.path == "app/keep.txt") | .size == 8 and .mode == "0644"' "$work/files.json" >/dev/null ||
  fail "app/keep.txt should be the 8-byte file of layer 2"

"$IMAGEGATE" files "oci:$D:t" > "$work/files.txt"
grep -q 'cache/c3.txt' "$work/files.txt" || fail "table output lacks cache/c3.txt"
if grep -q -e 'old.txt' -e 'data/' -e 'c1.txt' -e 'c2.txt' "$work/files.txt"; then
  fail "deleted or hidden files appear in the table: $(cat "$work/files.txt")"
fi

# --- the bundled example image (layer 2 deletes app/old.txt) -----------------
ex="$IG_BUILD_DIR/example/image"
[ -f "$ex/index.json" ] || fail "example image not built at $ex"
"$IMAGEGATE" files "oci:$ex" --format json > "$work/example.json"
jq -e '[.files[].path] | index("app/old.txt") == null' "$work/example.json" >/dev/null ||
  fail "example: app/old.txt should be deleted by layer 2"
jq -e '.files[] | select(.path == "app/hello.txt") | .layer == 0 and .type == "file"' "$work/example.json" >/dev/null ||
  fail "example: app/hello.txt should come from layer 0"
jq -e '.files[] | select(.path == "usr/lib/node_modules/left-pad/package.json") | .layer == 1' "$work/example.json" \
  >/dev/null || fail "example: left-pad's package.json should come from layer 1"

# --- the cache ---------------------------------------------------------------
"$IMAGEGATE" cache info --format json > "$work/info.json"
jq -e --arg d "$IMAGEGATE_CACHE_DIR" '.dir == $d and .analysis.files == 5 and .analysis.bytes > 0' "$work/info.json" \
  >/dev/null || fail "cache info after two images: $(cat "$work/info.json")"
# A warm run gives the same answer.
"$IMAGEGATE" files "oci:$D:t" --format json | cmp -s - "$work/files.json" || fail "warm run differs from cold run"
"$IMAGEGATE" cache info | grep -q "^Cache directory: $IMAGEGATE_CACHE_DIR" || fail "cache info table"

# Something imagegate did not write makes clean refuse, touching nothing.
echo mine > "$IMAGEGATE_CACHE_DIR/analysis/notes.txt"
set +e
"$IMAGEGATE" cache clean 2> "$work/clean.err"
rc=$?
set -e
[ "$rc" = 7 ] || fail "cache clean with a foreign file: exit $rc, want 7"
grep -q "did not create" "$work/clean.err" || fail "cache clean message: $(cat "$work/clean.err")"
[ -f "$IMAGEGATE_CACHE_DIR/analysis/notes.txt" ] || fail "cache clean removed a foreign file"
rm "$IMAGEGATE_CACHE_DIR/analysis/notes.txt"
echo unrelated > "$IMAGEGATE_CACHE_DIR/keep-me"

"$IMAGEGATE" cache clean | grep -q "5 analysis entries" || fail "cache clean summary"
"$IMAGEGATE" cache info --format json | jq -e '.analysis.files == 0 and .blobs.files == 0' >/dev/null ||
  fail "cache not empty after clean"
[ -f "$IMAGEGATE_CACHE_DIR/keep-me" ] || fail "cache clean removed a file outside its own subdirectories"

echo "layers_whiteouts: all checks passed"
