// imagegate cache info|clean: what the local cache holds, and emptying it.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "image/layer_cache.h"
#include "util/fs.h"

namespace ig::cli {

namespace {

std::string human_bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

std::filesystem::path cache_root(const GlobalOptions& global) {
  return global.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(global.cache_dir);
}

nlohmann::json usage_json(const image::CacheUsage& u) {
  return {{"dir", u.root.string()},
          {"blobs", {{"files", u.blob_files}, {"bytes", u.blob_bytes}}},
          {"analysis", {{"files", u.analysis_files}, {"bytes", u.analysis_bytes}}}};
}

}  // namespace

void register_cache(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto* cmd = app.add_subcommand("cache", "Show or empty the local cache of blobs and layer analyses");
  cmd->require_subcommand(1);
  auto format = std::make_shared<std::string>("table");
  auto* info = cmd->add_subcommand("info", "Print the cache directory and how many blobs and analysis entries it holds");
  info->add_option("-f,--format", *format, "Output format: table or json")->check(CLI::IsMember({"table", "json"}));
  info->callback([&global, &run, format] {
    run = [&global, format]() -> int {
      auto u = image::cache_usage(cache_root(global));
      if (*format == "json") {
        std::cout << usage_json(u).dump(2) << "\n";
        return 0;
      }
      fmt::print("Cache directory: {}\n", u.root.string());
      fmt::print("Blobs:           {} files, {}\n", u.blob_files, human_bytes(u.blob_bytes));
      fmt::print("Analysis:        {} entries, {}\n", u.analysis_files, human_bytes(u.analysis_bytes));
      return 0;
    };
  });
  auto* clean = cmd->add_subcommand("clean", "Delete cached blobs and layer analyses (nothing else in the directory)");
  clean->callback([&global, &run] {
    run = [&global]() -> int {
      auto before = image::clean_cache(cache_root(global));
      if (!before) return report_error(before.error());
      fmt::print("Removed {} blobs ({}) and {} analysis entries ({}) from {}\n", before->blob_files,
                 human_bytes(before->blob_bytes), before->analysis_files, human_bytes(before->analysis_bytes),
                 before->root.string());
      return 0;
    };
  });
}

}  // namespace ig::cli
