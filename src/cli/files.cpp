// imagegate files IMAGE: the image's final filesystem, after whiteouts, with
// the layer that last wrote each entry.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/progress.h"
#include "image/analyzer.h"
#include "image/resolve.h"

namespace ig::cli {

namespace {

const char* type_name(image::FileType t) {
  switch (t) {
    case image::FileType::regular: return "file";
    case image::FileType::directory: return "dir";
    case image::FileType::symlink: return "symlink";
    case image::FileType::hardlink: return "hardlink";
    case image::FileType::other: return "other";
  }
  return "other";
}

std::string diff_id_of(const image::ResolvedImage& img, const image::FileMeta& f) {
  return f.layer < img.layers.size() ? img.layers[f.layer].diff_id : "";
}

nlohmann::json files_json(const image::ResolvedImage& img, const image::ImageAnalysis& a) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : a.files) {
    nlohmann::json j{{"path", f.path},
                     {"type", type_name(f.type)},
                     {"size", f.size},
                     {"mode", fmt::format("{:04o}", f.mode)},
                     {"layer", f.layer},
                     {"diff_id", diff_id_of(img, f)}};
    if (!f.link_target.empty()) j["link_target"] = f.link_target;
    files.push_back(std::move(j));
  }
  return {{"schema_version", 1}, {"image", img.name}, {"digest", img.digest}, {"files", std::move(files)}};
}

void files_table(const image::ResolvedImage& img, const image::ImageAnalysis& a) {
  fmt::print("{:<5} {:<8} {:>12}  {:<6} {:<19} {}\n", "MODE", "TYPE", "SIZE", "LAYER", "DIFF_ID", "PATH");
  for (const auto& f : a.files) {
    std::string diff = diff_id_of(img, f);
    // sha256:0123456789ab is enough to tell layers apart on screen; json has it all.
    std::string shortened = diff.size() > 19 ? diff.substr(0, 19) : diff;
    std::string path = f.path;
    if (!f.link_target.empty()) path += (f.type == image::FileType::symlink ? " -> " : " => ") + f.link_target;
    fmt::print("{:04o}  {:<8} {:>12}  {:<6} {:<19} {}\n", f.mode, type_name(f.type), f.size, f.layer, shortened, path);
  }
}

}  // namespace

void register_files(CLI::App& app, GlobalOptions& global, Runner& run) {
  struct Opts {
    std::string image;
    std::string format = "table";
    unsigned threads = 0;
    uint64_t max_layer_bytes = 0;
    uint64_t max_entries = image::WalkLimits{}.max_entries;
    ImageOptions image_opts;
  };
  auto opts = std::make_shared<Opts>();
  auto* cmd = app.add_subcommand("files", "List an image's final filesystem (after whiteouts) and the layer of each file");
  cmd->add_option("IMAGE", opts->image,
                  "Image: REF | oci:DIR[:tag|@digest] | oci-archive:FILE | docker-archive:FILE | dir:PATH")
      ->required();
  cmd->add_option("-f,--format", opts->format, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--threads", opts->threads, "Layers read in parallel (default: number of CPUs)");
  cmd->add_option("--max-layer-size", opts->max_layer_bytes,
                  "Refuse layers larger than this many uncompressed bytes (default 64 GiB); giving it also lifts "
                  "the compression-ratio check")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-layer-entries", opts->max_entries, "Refuse layers with more tar entries than this")
      ->check(CLI::PositiveNumber);
  opts->image_opts.add_to(*cmd);
  cmd->callback([&global, &run, opts] {
    run = [&global, opts]() -> int {
      auto ro = opts->image_opts.to_resolve_options(global);
      if (!ro) return report_error(ro.error());
      auto img = image::resolve(opts->image, *ro);
      if (!img) return report_error(img.error());
      attach_progress(*img, global);
      image::WalkOptions walk;
      walk.threads = opts->threads;
      if (opts->max_layer_bytes != 0) {
        walk.limits.max_layer_bytes = opts->max_layer_bytes;
        walk.limits.max_ratio = 0;  // the user vouched for this size
      }
      walk.limits.max_entries = opts->max_entries;
      walk.cache_dir = ro->cache_dir;
      walk.use_cache = ro->use_cache;
      walk.list_files = true;
      auto analysis = image::analyze_image(*img, {}, walk);
      if (!analysis) return report_error(analysis.error());
      if (opts->format == "json") {
        std::cout << files_json(*img, *analysis).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                  << "\n";
      } else {
        files_table(*img, *analysis);
      }
      return 0;
    };
  });
}

}  // namespace ig::cli
