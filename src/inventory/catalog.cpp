// Inventory assembly from analyzer results.
#include "inventory/catalog.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "inventory/analyzers.h"
#include "inventory/lang_analyzers.h"
#include "inventory/os_release.h"
#include "inventory/purl.h"
#include "util/log.h"

namespace ig::inventory {
namespace {

bool is_os_ecosystem(std::string_view e) { return e == "deb" || e == "apk" || e == "rpm"; }

// A dpkg file list and the layer that wrote it.
struct FileList {
  const nlohmann::json* files = nullptr;
  std::string diff_id;
};

// dpkg file lists keyed by "name:arch" and by "name" (arch-less list files
// belong to Architecture: all packages or to single-arch databases).
std::unordered_map<std::string, FileList> collect_dpkg_lists(const image::ImageAnalysis& a) {
  std::unordered_map<std::string, FileList> out;
  auto add = [&](const std::vector<image::FileResult>& results) {
    for (const auto& r : results) {
      auto pkg = r.result.find("package");
      auto files = r.result.find("files");
      if (pkg == r.result.end() || !pkg->is_string() || files == r.result.end() || !files->is_array()) continue;
      std::string key = pkg->get<std::string>();
      auto arch = r.result.find("arch");
      if (arch != r.result.end() && arch->is_string() && !arch->get_ref<const std::string&>().empty()) {
        out.emplace(key + ":" + arch->get<std::string>(), FileList{&*files, r.diff_id});
      }
      out.emplace(key, FileList{&*files, r.diff_id});
    }
  };
  if (auto it = a.results.find(std::string(k_dpkg_files_analyzer)); it != a.results.end()) add(it->second);
  if (auto it = a.results.find(std::string(k_dpkg_analyzer)); it != a.results.end()) add(it->second);
  return out;
}

void attach_dpkg_files(Package& p, const std::unordered_map<std::string, FileList>& lists) {
  auto it = lists.find(p.name + ":" + p.arch);
  if (it == lists.end()) it = lists.find(p.name);
  if (it == lists.end()) return;
  p.files.clear();
  for (const auto& f : *it->second.files) {
    if (f.is_string()) p.files.push_back(f.get<std::string>());
  }
  if (!it->second.diff_id.empty()) p.layer_diff_id = it->second.diff_id;
}

// Maps a path as a package database lists it to the path the walker reports,
// following symlinked directories (dpkg lists /lib/x.so, the image stores it
// under usr/lib once lib -> usr/lib).
class PathCanon {
 public:
  explicit PathCanon(const image::ImageAnalysis& a) : a_(a) {}
  std::string operator()(const std::string& path) {
    if (a_.symlinks.empty()) return path;
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return path;
    std::string parent = path.substr(0, slash);
    auto it = dirs_.find(parent);
    if (it == dirs_.end()) it = dirs_.emplace(parent, image::resolve_in_image(a_, parent)).first;
    return it->second.empty() ? path.substr(slash + 1) : it->second + path.substr(slash);
  }

 private:
  const image::ImageAnalysis& a_;
  std::unordered_map<std::string, std::string> dirs_;
};

void mark_os_owned(const image::ImageAnalysis& a, std::vector<Package>& pkgs) {
  bool any_language = std::any_of(pkgs.begin(), pkgs.end(), [](const Package& p) {
    return !is_os_ecosystem(p.ecosystem) && !p.locations.empty();
  });
  if (!any_language) return;
  PathCanon canon(a);
  std::unordered_set<std::string> owned;
  for (const auto& p : pkgs) {
    if (!is_os_ecosystem(p.ecosystem)) continue;
    for (const auto& f : p.files) owned.insert(canon(f));
  }
  for (auto& p : pkgs) {
    if (is_os_ecosystem(p.ecosystem)) continue;
    for (const auto& loc : p.locations) {
      if (owned.count(loc) != 0) {
        p.os_owned = true;
        break;
      }
    }
  }
}

void collect_packages(const image::ImageAnalysis& a, const OsInfo& os, std::vector<Package>& out) {
  auto lists = collect_dpkg_lists(a);
  for (const auto& [analyzer, results] : a.results) {
    for (const auto& r : results) {
      auto it = r.result.find("packages");
      if (it == r.result.end() || !it->is_array()) continue;
      for (const auto& pj : *it) {
        Package p;
        try {
          p = pj.get<Package>();
        } catch (const nlohmann::json::exception& e) {
          log::warn("{}: skipping a malformed package record from analyzer {}: {}", r.path, analyzer, e.what());
          continue;
        }
        if (p.name.empty() || p.ecosystem.empty()) continue;
        if (p.locations.empty()) p.locations.push_back(r.path);
        if (p.layer_diff_id.empty()) p.layer_diff_id = r.diff_id;
        if (p.ecosystem == "deb") attach_dpkg_files(p, lists);
        if (is_os_ecosystem(p.ecosystem)) {
          p.purl = package_purl(p, os);
        } else if (p.purl.empty()) {
          p.purl = package_purl(p);
        }
        out.push_back(std::move(p));
      }
    }
  }
}

}  // namespace

Inventory build_inventory(const image::ImageAnalysis& analysis) {
  Inventory inv;
  inv.os = detect_os(analysis);
  collect_packages(analysis, inv.os, inv.packages);
  finalize_language_packages(inv.packages);
  mark_os_owned(analysis, inv.packages);
  auto key = [](const Package& p) {
    static const std::string none;
    return std::tie(p.ecosystem, p.name, p.version, p.locations.empty() ? none : p.locations.front(), p.arch, p.purl);
  };
  std::sort(inv.packages.begin(), inv.packages.end(),
            [&](const Package& x, const Package& y) { return key(x) < key(y); });
  return inv;
}

Result<Inventory> catalog(const image::ResolvedImage& img, const image::WalkOptions& opts) {
  auto analyzers = all_analyzers();
  IG_ASSIGN(auto analysis, image::analyze_image(img, analyzer_pointers(analyzers), opts));
  return build_inventory(analysis);
}

}  // namespace ig::inventory
