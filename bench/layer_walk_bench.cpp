// Layer walk throughput: the whole per-layer pipeline as analyze_image runs it
// (pread from the blob file, blob digest check, ISA-L gzip decode, diff_id
// hash, libarchive tar walk, selector matching for a package.json analyzer).
//
// Environment (set by bench/run-layer-bench.sh):
//   IG_BENCH_LAYER    path of a gzip layer blob
//   IG_BENCH_DIGEST   its sha256 digest, IG_BENCH_DIFF_ID its diff_id
// Run `layer_walk_bench --walk-once N` to walk the layer N times in parallel
// once and exit (for /usr/bin/time -v); otherwise Google Benchmark runs.
#include <benchmark/benchmark.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "image/decompress.h"
#include "image/layer_analysis.h"

namespace {

using namespace ig;
using namespace ig::image;

class PackageJson final : public Analyzer {
 public:
  PackageJson() { sel_.globs = {"*/node_modules/*/package.json"}; }
  std::string_view name() const override { return "npm"; }
  int version() const override { return 1; }
  const FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const FileMeta&, FileReader& r) const override {
    IG_ASSIGN(std::string data, r.read_all());
    return nlohmann::json(data.size());
  }

 private:
  FileSelector sel_;
};

struct BenchLayer {
  Layer layer;
  std::string path;
  uint64_t uncompressed = 0;
};

const BenchLayer& bench_layer() {
  static BenchLayer b = [] {
    BenchLayer l;
    const char* path = std::getenv("IG_BENCH_LAYER");
    const char* digest = std::getenv("IG_BENCH_DIGEST");
    const char* diff_id = std::getenv("IG_BENCH_DIFF_ID");
    if (path == nullptr || digest == nullptr || diff_id == nullptr) {
      std::fprintf(stderr, "set IG_BENCH_LAYER, IG_BENCH_DIGEST and IG_BENCH_DIFF_ID (see bench/run-layer-bench.sh)\n");
      std::exit(2);
    }
    struct stat st {};
    if (::stat(path, &st) != 0) {
      std::fprintf(stderr, "cannot stat %s\n", path);
      std::exit(2);
    }
    l.path = path;
    l.layer.blob.media_type = std::string(media_type::oci_layer_gzip);
    l.layer.blob.digest = digest;
    l.layer.blob.size = st.st_size;
    l.layer.diff_id = diff_id;
    if (const char* u = std::getenv("IG_BENCH_UNCOMPRESSED")) l.uncompressed = std::strtoull(u, nullptr, 10);
    return l;
  }();
  return b;
}

// Walks the layer once; returns the number of files the analyzer saw.
size_t walk_once() {
  static const PackageJson npm;
  const BenchLayer& b = bench_layer();
  StreamOpener open = [&]() -> Result<std::unique_ptr<ByteStream>> {
    IG_ASSIGN(auto file, open_file_stream(b.path));
    return open_layer_stream(verifying_stream(std::move(file), b.layer.blob, "bench blob"), b.layer, WalkLimits{});
  };
  auto out = analyze_layer(open, 0, "bench layer", {&npm}, WalkLimits{}, nullptr);
  if (!out) {
    std::fprintf(stderr, "walk failed: %s\n", out.error().message.c_str());
    std::exit(1);
  }
  return out->listing.records();
}

void walk_parallel(int n) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([] { benchmark::DoNotOptimize(walk_once()); });
  for (auto& t : threads) t.join();
}

void BM_WalkLayer(benchmark::State& state) {
  int layers = static_cast<int>(state.range(0));
  for (auto _ : state) walk_parallel(layers);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * layers *
                          static_cast<int64_t>(bench_layer().uncompressed));
}
BENCHMARK(BM_WalkLayer)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--walk-once") {
    walk_parallel(std::atoi(argv[2]));
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
