// PHP Composer cataloger; see lang_php.h.
#include "inventory/lang_php.h"

#include <set>

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_installed = 64ull << 20;

class PhpAnalyzer final : public image::Analyzer {
 public:
  PhpAnalyzer() {
    sel_.exact = {"vendor/composer/installed.json"};
    sel_.globs = {"*/vendor/composer/installed.json"};
    sel_.max_size = k_max_installed;
  }
  std::string_view name() const override { return "composer"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(std::string content, read_bounded(in, k_max_installed, meta.path));
    IG_ASSIGN(auto pkgs, parse_composer_installed(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_composer_installed(std::string_view content, std::string_view path) {
  auto doc = nlohmann::json::parse(content, nullptr, false);
  const nlohmann::json* list = nullptr;
  std::set<std::string, std::less<>> dev_names;
  if (!doc.is_discarded() && doc.is_array()) {
    list = &doc;
  } else if (!doc.is_discarded() && doc.is_object() && doc.contains("packages") && doc["packages"].is_array()) {
    list = &doc["packages"];
    if (auto it = doc.find("dev-package-names"); it != doc.end() && it->is_array()) {
      for (const auto& n : *it) {
        if (n.is_string()) dev_names.insert(n.get<std::string>());
      }
    }
  } else {
    return fail(ErrorCode::invalid_image, "{} is not a Composer installed.json (array or {{\"packages\": []}})", path);
  }
  std::vector<Package> out;
  for (const auto& e : *list) {
    if (!e.is_object()) continue;
    auto name_it = e.find("name");
    auto ver_it = e.find("version");
    if (name_it == e.end() || !name_it->is_string() || ver_it == e.end() || !ver_it->is_string()) continue;
    std::string name = name_it->get<std::string>(), version = ver_it->get<std::string>();
    if (name.empty() || version.empty()) continue;
    Package p = make_package("composer", name, version, path);
    if (auto lic = e.find("license"); lic != e.end()) {
      if (lic->is_string()) add_license(p.licenses, lic->get_ref<const std::string&>());
      if (lic->is_array()) {
        for (const auto& l : *lic) {
          if (l.is_string()) add_license(p.licenses, l.get_ref<const std::string&>());
        }
      }
    }
    if (dev_names.count(name)) p.extra["dev"] = true;
    out.push_back(std::move(p));
  }
  return out;
}

std::unique_ptr<image::Analyzer> make_php_analyzer() { return std::make_unique<PhpAnalyzer>(); }

}  // namespace ig::inventory::lang
