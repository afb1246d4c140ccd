// Vulnerability database throughput: OSV import (records/s, size on disk),
// open time and per-package lookup latency, on a data set made by
// bench/gen-osv.py:
//   bench/gen-osv.py --records 200000 --output /tmp/osv-200k.zip
//   IG_BENCH_OSV=/tmp/osv-200k.zip build/release/bench/vulndb_bench
//   IG_BENCH_DB=/tmp/bench.db build/release/bench/vulndb_bench   (reuse a database)
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "util/log.h"
#include "vulndb/database.h"
#include "vulndb/importer.h"
#include "vulndb/sqlite.h"

namespace {

namespace fs = std::filesystem;
using ig::vulndb::Database;

const fs::path& data_set() {
  static const fs::path p = [] {
    const char* env = std::getenv("IG_BENCH_OSV");
    return fs::path(env ? env : "/tmp/osv-200k.zip");
  }();
  return p;
}

// IG_BENCH_DB names an already imported database: the import is skipped and
// open/lookup run against it (for profiling the lookups alone).
const char* reused_db() { return std::getenv("IG_BENCH_DB"); }

const fs::path& work_db() {
  static const fs::path p = [] {
    if (const char* db = reused_db()) return fs::path(db);
    std::string tmpl = (fs::temp_directory_path() / "ig-vulndb-bench-XXXXXX").string();
    return fs::path(mkdtemp(tmpl.data())) / "bench.db";
  }();
  return p;
}

void BM_ImportOsv(benchmark::State& state) {
  ig::log::set_level(ig::log::Level::error);
  if (reused_db()) {
    state.SkipWithError("IG_BENCH_DB is set: import skipped");
    return;
  }
  if (!fs::exists(data_set())) {
    state.SkipWithError("no data set: run bench/gen-osv.py and set IG_BENCH_OSV");
    return;
  }
  int64_t records = 0;
  for (auto _ : state) {
    fs::remove(work_db());
    auto db = Database::open(work_db(), Database::Mode::write);
    if (!db) {
      state.SkipWithError(db.error().message.c_str());
      return;
    }
    auto r = ig::vulndb::import_source(*db, data_set(), std::nullopt, "bench");
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    records = r->stats.records;
  }
  state.counters["records"] = static_cast<double>(records);
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  std::error_code ec;
  auto size = fs::file_size(work_db(), ec);  // closed: the WAL is checkpointed into the file
  state.counters["db_MiB"] = ec ? 0.0 : static_cast<double>(size) / (1 << 20);
}
BENCHMARK(BM_ImportOsv)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

void BM_Open(benchmark::State& state) {
  for (auto _ : state) {
    auto db = Database::open(work_db(), Database::Mode::read);
    if (!db) {
      state.SkipWithError(db.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(db);
  }
}
BENCHMARK(BM_Open)->Unit(benchmark::kMicrosecond);

// 10,000 lookups of packages that exist (the matcher's load for a large image).
void BM_Lookup10k(benchmark::State& state) {
  std::vector<std::tuple<std::string, std::string, std::string>> keys;
  {
    auto c = ig::vulndb::Connection::open(work_db(), SQLITE_OPEN_READONLY);
    if (!c) {
      state.SkipWithError(c.error().message.c_str());
      return;
    }
    auto q = c->prepare("SELECT DISTINCT ecosystem, distro_release, package FROM affected");
    for (auto row = q->step(); row && *row; row = q->step()) {
      keys.emplace_back(std::string(q->text(0)), std::string(q->text(1)), std::string(q->text(2)));
    }
  }
  if (keys.empty()) {
    state.SkipWithError("empty database: BM_ImportOsv must run first");
    return;
  }
  std::mt19937 rng(42);
  std::vector<size_t> picks(10000);
  for (auto& p : picks) p = rng() % keys.size();
  auto db = Database::open(work_db(), Database::Mode::read);
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  int64_t found = 0;
  for (auto _ : state) {
    auto snapshot = db->read_transaction();  // as the matcher does
    for (size_t i : picks) {
      const auto& [eco, rel, pkg] = keys[i];
      auto r = db->affected(eco, rel, pkg);
      found += r ? static_cast<int64_t>(r->size()) : 0;
    }
  }
  state.counters["records_per_batch"] = static_cast<double>(found) / static_cast<double>(state.iterations());
  state.counters["lookup_us"] = benchmark::Counter(static_cast<double>(state.iterations()) * 10000.0,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert) ;
}
BENCHMARK(BM_Lookup10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
