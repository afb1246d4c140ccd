// imagegate inspect IMAGE: the resolved digest, platform, config and layers.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "image/resolve.h"

namespace ig::cli {

namespace {

nlohmann::json inspect_json(const image::ResolvedImage& img) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["name"] = img.name;
  j["source"] = image::source_kind_name(img.kind);
  j["digest"] = img.digest;
  if (!img.index_digest.empty()) j["index_digest"] = img.index_digest;
  j["media_type"] = img.media_type;
  j["platform"] = image::to_json(img.platform);
  if (!img.available_platforms.empty()) {
    j["available_platforms"] = nlohmann::json::array();
    for (const auto& p : img.available_platforms) j["available_platforms"].push_back(p.str());
  }
  j["config"] = image::to_json(img.config);
  j["config_digest"] = img.manifest.config.digest;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : img.layers) {
    j["layers"].push_back({{"index", l.index},
                           {"digest", l.blob.digest},
                           {"diff_id", l.diff_id},
                           {"size", l.blob.size},
                           {"media_type", l.blob.media_type}});
  }
  return j;
}

void print_list(const char* label, const std::vector<std::string>& items) {
  if (items.empty()) return;
  fmt::print("  {:<13}", label);
  for (size_t i = 0; i < items.size(); ++i) fmt::print("{}{}", i == 0 ? "" : " ", items[i]);
  fmt::print("\n");
}

void inspect_text(const image::ResolvedImage& img) {
  const auto& c = img.config;
  fmt::print("Name:         {}\n", img.name);
  fmt::print("Source:       {}\n", image::source_kind_name(img.kind));
  fmt::print("Digest:       {}\n", img.digest);
  if (!img.index_digest.empty()) fmt::print("Index:        {}\n", img.index_digest);
  fmt::print("Media type:   {}\n", img.media_type);
  fmt::print("Platform:     {}\n", img.platform.str());
  if (!c.created.empty()) fmt::print("Created:      {}\n", c.created);
  fmt::print("Config:\n");
  if (!c.user.empty()) fmt::print("  {:<13}{}\n", "User", c.user);
  if (!c.working_dir.empty()) fmt::print("  {:<13}{}\n", "WorkingDir", c.working_dir);
  print_list("Entrypoint", c.entrypoint);
  print_list("Cmd", c.cmd);
  for (const auto& e : c.env) fmt::print("  {:<13}{}\n", "Env", e);
  print_list("ExposedPorts", c.exposed_ports);
  for (const auto& [k, v] : c.labels) fmt::print("  {:<13}{}={}\n", "Label", k, v);
  if (!c.history.empty()) {
    fmt::print("History:\n");
    for (const auto& h : c.history) {
      fmt::print("  {:<21} {}{}\n", h.created.substr(0, 20), h.created_by, h.empty_layer ? " (empty layer)" : "");
    }
  }
  fmt::print("Layers:\n");
  fmt::print("  {:<3} {:<71} {:>12}  {}\n", "#", "DIGEST / DIFF_ID", "SIZE", "MEDIA TYPE");
  for (const auto& l : img.layers) {
    fmt::print("  {:<3} {:<71} {:>12}  {}\n", l.index, l.blob.digest, l.blob.size, l.blob.media_type);
    fmt::print("  {:<3} {:<71}\n", "", l.diff_id);
  }
}

}  // namespace

void register_inspect(CLI::App& app, GlobalOptions& global, Runner& run) {
  struct Opts {
    std::string image;
    std::string format = "table";
    ImageOptions image_opts;
  };
  auto opts = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("inspect", "Show an image's digest, platform, config and layers");
  cmd->add_option("IMAGE", opts->image,
                  "Image: REF | oci:DIR[:tag|@digest] | oci-archive:FILE | docker-archive:FILE | dir:PATH")
      ->required();
  cmd->add_option("-f,--format", opts->format, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  opts->image_opts.add_to(*cmd);
  cmd->callback([&global, &run, opts] {
    run = [&global, opts]() -> int {
      auto ro = opts->image_opts.to_resolve_options(global);
      if (!ro) return report_error(ro.error());
      auto img = image::resolve(opts->image, *ro);
      if (!img) return report_error(img.error());
      if (opts->format == "json") {
        std::cout << inspect_json(*img).dump(2) << "\n";
      } else {
        inspect_text(*img);
      }
      return 0;
    };
  });
}

}  // namespace ig::cli
