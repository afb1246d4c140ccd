// The matcher's hot loop: many installed versions tested against many ranges.
// Versions and ranges are parsed once; contains() must stay cheap.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "version/version.h"

namespace {

using ig::version::Constraint;
using ig::version::Ecosystem;
using ig::version::Version;

std::vector<Version> versions(Ecosystem eco, int n) {
  std::vector<Version> out;
  for (int i = 0; i < n; ++i) {
    std::string s = eco == Ecosystem::deb ? "1:" + std::to_string(i % 7) + "." + std::to_string(i % 13) + "-" +
                                                std::to_string(i % 5) + "+deb12u" + std::to_string(i % 3)
                                          : std::to_string(i % 7) + "." + std::to_string(i % 13) + "." +
                                                std::to_string(i % 5);
    out.push_back(*Version::parse(eco, s));
  }
  return out;
}

void BM_DebContains(benchmark::State& state) {
  auto vs = versions(Ecosystem::deb, 10000);
  auto c = *Constraint::parse(Ecosystem::deb, ">=1:2.0-1, <1:5.3-2");
  for (auto _ : state) {
    int hits = 0;
    for (const auto& v : vs) hits += c.contains(v);
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(vs.size()));
}
BENCHMARK(BM_DebContains);

void BM_NpmRange(benchmark::State& state) {
  auto vs = versions(Ecosystem::npm, 10000);
  auto c = *Constraint::parse(Ecosystem::npm, "^1.2.3 || ~4.5 || >=6.0.0 <6.9.0");
  for (auto _ : state) {
    int hits = 0;
    for (const auto& v : vs) hits += c.contains(v);
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(vs.size()));
}
BENCHMARK(BM_NpmRange);

void BM_ParsePep440(benchmark::State& state) {
  for (auto _ : state) {
    auto v = Version::parse(Ecosystem::pypi, "1!2.3.4rc5.post6.dev7+ubuntu.1");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ParsePep440);

}  // namespace
BENCHMARK_MAIN();
