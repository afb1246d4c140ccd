// npm catalogers; see lang_npm.h.
#include "inventory/lang_npm.h"

#include <algorithm>
#include <set>
#include <string>

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_package_json = 4ull << 20;
constexpr uint64_t k_max_lockfile = 64ull << 20;
constexpr int k_max_v1_depth = 128;


// "license": "MIT" | {"type": "MIT"}; legacy "licenses": ["MIT"] | [{"type": "MIT"}].
void collect_licenses(const nlohmann::json& obj, std::vector<std::string>& out) {
  auto one = [&](const nlohmann::json& v) {
    if (v.is_string()) {
      add_license(out, v.get_ref<const std::string&>());
    } else if (v.is_object()) {
      add_license(out, json_string(v, "type"));
    }
  };
  if (auto it = obj.find("license"); it != obj.end()) one(*it);
  if (auto it = obj.find("licenses"); it != obj.end()) {
    if (it->is_array()) {
      for (const auto& v : *it) one(v);
    } else {
      one(*it);
    }
  }
}

Result<nlohmann::json> parse_object(std::string_view content, std::string_view path) {
  auto doc = nlohmann::json::parse(content, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_image, "{} is not a JSON object; the file was skipped", path);
  }
  return doc;
}

// The package name in a lockfile v2/v3 key: "node_modules/a/node_modules/@s/b" -> "@s/b".
std::string_view name_from_lock_key(std::string_view key) {
  static constexpr std::string_view k_nm = "node_modules/";
  size_t pos = key.rfind(k_nm);
  if (pos == std::string_view::npos || (pos != 0 && key[pos - 1] != '/')) return {};
  return key.substr(pos + k_nm.size());
}

void lock_v1(const nlohmann::json& deps, std::string_view path, int depth, std::vector<Package>& out) {
  if (!deps.is_object() || depth > k_max_v1_depth) return;
  for (const auto& [name, dep] : deps.items()) {
    if (!dep.is_object()) continue;
    std::string version = json_string(dep, "version");
    if (!name.empty() && !version.empty()) {
      Package p = make_package("npm", name, version, path);
      p.extra["lockfile"] = true;
      if (json_true(dep, "dev")) p.extra["dev"] = true;
      out.push_back(std::move(p));
    }
    if (auto it = dep.find("dependencies"); it != dep.end()) lock_v1(*it, path, depth + 1, out);
  }
}

void lock_v2(const nlohmann::json& packages, std::string_view path, std::vector<Package>& out) {
  for (const auto& [key, entry] : packages.items()) {
    if (!entry.is_object() || json_true(entry, "link")) continue;
    // Only installed paths: not the project itself ("") nor workspace folders.
    std::string_view installed_as = name_from_lock_key(key);
    if (installed_as.empty()) continue;
    std::string name = json_string(entry, "name");  // set for aliases ("npm:real@1")
    if (name.empty()) name = std::string(installed_as);
    std::string version = json_string(entry, "version");
    if (name.empty() || version.empty()) continue;
    Package p = make_package("npm", name, version, path);
    collect_licenses(entry, p.licenses);
    p.extra["lockfile"] = true;
    if (json_true(entry, "dev")) p.extra["dev"] = true;
    out.push_back(std::move(p));
  }
}

bool is_installed_package_json(std::string_view path) {
  // Only <...>/node_modules/<name>/package.json or .../node_modules/@scope/<name>/package.json:
  // package.json files deeper inside a package are fixtures or sub-manifests.
  std::string_view dir = dir_name(path);
  std::string_view parent = dir_name(dir);
  if (base_name(parent) == "node_modules") return true;
  return !base_name(parent).empty() && base_name(parent)[0] == '@' && base_name(dir_name(parent)) == "node_modules";
}

class NpmPackageAnalyzer final : public image::Analyzer {
 public:
  NpmPackageAnalyzer() {
    sel_.globs = {"*node_modules/*/package.json"};
    sel_.max_size = k_max_package_json;
  }
  std::string_view name() const override { return "npm"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    if (!is_installed_package_json(meta.path)) return nullptr;
    IG_ASSIGN(std::string content, read_bounded(in, k_max_package_json, meta.path));
    IG_ASSIGN(auto pkgs, parse_npm_package_json(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

class NpmLockAnalyzer final : public image::Analyzer {
 public:
  NpmLockAnalyzer() {
    sel_.exact = {"package-lock.json"};
    sel_.globs = {"*/package-lock.json"};
    sel_.max_size = k_max_lockfile;
  }
  std::string_view name() const override { return "npm-lock"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    // A lockfile inside an installed package is that package's own business.
    if (meta.path.find("node_modules/") != std::string::npos) return nullptr;
    IG_ASSIGN(std::string content, read_bounded(in, k_max_lockfile, meta.path));
    IG_ASSIGN(auto pkgs, parse_npm_lock(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_npm_package_json(std::string_view content, std::string_view path) {
  IG_ASSIGN(auto doc, parse_object(content, path));
  std::vector<Package> out;
  std::string name = json_string(doc, "name");
  std::string version = json_string(doc, "version");
  if (name.empty() || version.empty()) return out;
  Package p = make_package("npm", name, version, path);
  collect_licenses(doc, p.licenses);
  if (auto it = doc.find("private"); it != doc.end() && it->is_boolean() && it->get<bool>()) p.is_private = true;
  std::string homepage = json_string(doc, "homepage");
  if (!homepage.empty()) p.extra["homepage"] = homepage;
  out.push_back(std::move(p));
  return out;
}

Result<std::vector<Package>> parse_npm_lock(std::string_view content, std::string_view path) {
  IG_ASSIGN(auto doc, parse_object(content, path));
  std::vector<Package> out;
  auto packages = doc.find("packages");
  if (packages != doc.end() && packages->is_object()) {
    lock_v2(*packages, path, out);  // v2 carries both maps; "packages" is the complete one
  } else if (auto deps = doc.find("dependencies"); deps != doc.end()) {
    lock_v1(*deps, path, 0, out);
  }
  return out;
}

void drop_npm_lock_packages_shadowed_by_node_modules(std::vector<Package>& pkgs) {
  std::set<std::string, std::less<>> installed_roots;  // dirs that hold a node_modules with packages
  for (const auto& p : pkgs) {
    if (p.ecosystem != "npm" || p.extra.contains("lockfile") || p.locations.empty()) continue;
    const std::string& loc = p.locations.front();
    size_t pos = loc.find("node_modules/");
    if (pos == std::string::npos || (pos != 0 && loc[pos - 1] != '/')) continue;
    installed_roots.insert(loc.substr(0, pos));  // "app/" or ""
  }
  if (installed_roots.empty()) return;
  std::erase_if(pkgs, [&](const Package& p) {
    if (p.ecosystem != "npm" || !p.extra.contains("lockfile") || p.locations.empty()) return false;
    std::string_view dir = dir_name(p.locations.front());
    std::string root = dir.empty() ? std::string() : std::string(dir) + "/";
    return installed_roots.count(root) > 0;
  });
}

std::unique_ptr<image::Analyzer> make_npm_package_analyzer() { return std::make_unique<NpmPackageAnalyzer>(); }
std::unique_ptr<image::Analyzer> make_npm_lock_analyzer() { return std::make_unique<NpmLockAnalyzer>(); }

}  // namespace ig::inventory::lang
