// Vulnerability database throughput: OSV import (records/s, size on disk),
// open time and per-package lookup latency, on a data set made by
// bench/gen-osv.py:
//   bench/gen-osv.py --records 200000 --output /tmp/osv-200k.zip
//   IG_BENCH_OSV=/tmp/osv-200k.zip build/release/bench/vulndb_bench
//   IG_BENCH_DB=/tmp/bench.db build/release/bench/vulndb_bench   (reuse a database)
// Lookup benches take an argument: how many of every 10 names have no records
// (/0: all have some, the worst case; /9: a realistic image).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "inventory/package.h"
#include "scan/matcher.h"
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

using Key = std::tuple<std::string, std::string, std::string>;  // ecosystem, release, package

// 10,000 (ecosystem, release, package) keys drawn at random (seed 42) from the
// database's distinct packages, so every one has records; with `absent_per_10`
// > 0, that many of every 10 names are altered so they have none (a real
// image's packages mostly have no advisories). Empty when the database is.
std::vector<Key> pick_keys(int absent_per_10) {
  std::vector<Key> keys;
  auto c = ig::vulndb::Connection::open(work_db(), SQLITE_OPEN_READONLY);
  if (!c) return keys;
  auto q = c->prepare("SELECT DISTINCT ecosystem, distro_release, package FROM affected");
  if (!q) return keys;
  for (auto row = q->step(); row && *row; row = q->step()) {
    keys.emplace_back(std::string(q->text(0)), std::string(q->text(1)), std::string(q->text(2)));
  }
  std::vector<Key> picks;
  if (keys.empty()) return picks;
  std::mt19937 rng(42);
  for (int i = 0; i < 10000; ++i) {
    Key k = keys[rng() % keys.size()];
    if (i % 10 < absent_per_10) std::get<2>(k) += "-x" + std::to_string(i);
    picks.push_back(std::move(k));
  }
  return picks;
}

// The same keys grouped per (ecosystem, release), as the matcher batches them.
std::map<std::pair<std::string, std::string>, std::vector<std::string>> group_keys(const std::vector<Key>& keys) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
  for (const auto& [eco, rel, pkg] : keys) groups[{eco, rel}].push_back(pkg);
  return groups;
}

void set_counters(benchmark::State& state, int64_t found) {
  state.counters["records_per_batch"] = static_cast<double>(found) / static_cast<double>(state.iterations());
  state.counters["lookup_us"] = benchmark::Counter(static_cast<double>(state.iterations()) * 10000.0,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// 10,000 lookups one affected() call each, as the matcher did before the batch
// API. Arg: how many names in 10 have no records.
void BM_Lookup10k(benchmark::State& state) {
  auto keys = pick_keys(static_cast<int>(state.range(0)));
  auto db = Database::open(work_db(), Database::Mode::read);
  if (keys.empty() || !db) {
    state.SkipWithError("no database or an empty one: run BM_ImportOsv first or set IG_BENCH_DB");
    return;
  }
  int64_t found = 0;
  for (auto _ : state) {
    auto snapshot = db->read_transaction();  // as the matcher does
    for (const auto& [eco, rel, pkg] : keys) {
      auto r = db->affected(eco, rel, pkg);
      found += r ? static_cast<int64_t>(r->size()) : 0;
    }
  }
  set_counters(state, found);
}
BENCHMARK(BM_Lookup10k)->Arg(0)->Arg(9)->Unit(benchmark::kMillisecond);

// The same 10,000 lookups through for_each_affected(), one batch per
// (ecosystem, release): the matcher's path. Records are counted, not copied.
void BM_LookupBatch10k(benchmark::State& state) {
  auto groups = group_keys(pick_keys(static_cast<int>(state.range(0))));
  auto db = Database::open(work_db(), Database::Mode::read);
  if (groups.empty() || !db) {
    state.SkipWithError("no database or an empty one: run BM_ImportOsv first or set IG_BENCH_DB");
    return;
  }
  int64_t found = 0;
  for (auto _ : state) {
    auto snapshot = db->read_transaction();
    for (const auto& [group, names] : groups) {
      auto r = db->for_each_affected(group.first, group.second, names,
                                     [&](size_t, std::span<const ig::vulndb::AffectedRecord> records) -> ig::Result<void> {
                                       found += static_cast<int64_t>(records.size());
                                       return {};
                                     });
      if (!r) {
        state.SkipWithError(r.error().message.c_str());
        return;
      }
    }
  }
  set_counters(state, found);
}
BENCHMARK(BM_LookupBatch10k)->Arg(0)->Arg(9)->Unit(benchmark::kMillisecond);

// A synthetic Debian 12 image of 10,000 packages for the full matcher:
// debian:12 deb packages and language packages drawn at random (seed 7) from
// the database, at random versions X.Y.Z (deb: X.Y.Z-1), so every record's
// ranges are compared and some match. Arg: how many names in 10 have no records.
ig::inventory::Inventory synthetic_image(int absent_per_10) {
  ig::inventory::Inventory inv;
  inv.os.id = "debian";
  inv.os.version_id = "12";
  auto c = ig::vulndb::Connection::open(work_db(), SQLITE_OPEN_READONLY);
  if (!c) return inv;
  auto q = c->prepare("SELECT DISTINCT ecosystem, package FROM affected WHERE (ecosystem = 'deb' AND "
                      "distro_release = 'debian:12') OR distro_release = ''");
  if (!q) return inv;
  std::vector<std::pair<std::string, std::string>> names;
  for (auto row = q->step(); row && *row; row = q->step()) names.emplace_back(q->text(0), q->text(1));
  if (names.empty()) return inv;
  std::mt19937 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const auto& [eco, name] = names[rng() % names.size()];
    ig::inventory::Package p;
    p.ecosystem = eco;
    p.name = i % 10 < absent_per_10 ? name + "-x" + std::to_string(i) : name;
    p.version = fmt::format("{}.{}.{}", rng() % 10, rng() % 30, rng() % 20);
    if (eco == "deb") p.version += "-1";
    p.purl = "pkg:" + eco + "/" + p.name + "@" + p.version;
    inv.packages.push_back(std::move(p));
  }
  return inv;
}

// `imagegate scan`'s matching step on 10,000 packages: batched lookups,
// version parsing and range checks, vulnerability details for each finding.
void BM_Match10k(benchmark::State& state) {
  auto inv = synthetic_image(static_cast<int>(state.range(0)));
  auto db = Database::open(work_db(), Database::Mode::read);
  if (inv.packages.empty() || !db) {
    state.SkipWithError("no database or an empty one: run BM_ImportOsv first or set IG_BENCH_DB");
    return;
  }
  size_t findings = 0, warnings = 0;
  for (auto _ : state) {
    auto r = ig::scan::match(inv, *db);
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    findings = r->findings.size();
    warnings = r->warnings.size();
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["warnings"] = static_cast<double>(warnings);
}
BENCHMARK(BM_Match10k)->Arg(0)->Arg(9)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
