// .NET deps.json cataloger; see lang_dotnet.h.
#include "inventory/lang_dotnet.h"

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_deps_json = 32ull << 20;

class DotnetAnalyzer final : public image::Analyzer {
 public:
  DotnetAnalyzer() {
    sel_.suffixes = {".deps.json"};
    sel_.max_size = k_max_deps_json;
  }
  std::string_view name() const override { return "dotnet-deps"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(std::string content, read_bounded(in, k_max_deps_json, meta.path));
    IG_ASSIGN(auto pkgs, parse_deps_json(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_deps_json(std::string_view content, std::string_view path) {
  auto doc = nlohmann::json::parse(content, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_image, "{} is not a JSON object; the deps.json was skipped", path);
  }
  std::vector<Package> out;
  auto libs = doc.find("libraries");
  if (libs == doc.end() || !libs->is_object()) return out;
  for (const auto& [key, lib] : libs->items()) {
    if (!lib.is_object() || json_string(lib, "type") != "package") continue;
    size_t slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) continue;
    std::string name = key.substr(0, slash), version = key.substr(slash + 1);
    Package p = make_package("nuget", name, version, path);
    if (auto sha = lib.find("sha512"); sha != lib.end() && sha->is_string()) p.extra["sha512"] = *sha;
    out.push_back(std::move(p));
  }
  return out;
}

std::unique_ptr<image::Analyzer> make_dotnet_analyzer() { return std::make_unique<DotnetAnalyzer>(); }

}  // namespace ig::inventory::lang
