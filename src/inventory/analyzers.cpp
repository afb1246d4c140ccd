// The analyzer registry.
#include "inventory/analyzers.h"

#include "inventory/apk.h"
#include "inventory/dpkg.h"
#include "inventory/lang_analyzers.h"
#include "inventory/os_release.h"
#include "inventory/rpm.h"

namespace ig::inventory {

std::vector<std::unique_ptr<image::Analyzer>> all_analyzers() {
  std::vector<std::unique_ptr<image::Analyzer>> out;
  // OS detection and OS package databases.
  out.push_back(make_os_release_analyzer());
  out.push_back(make_dpkg_analyzer());
  out.push_back(make_dpkg_files_analyzer());
  out.push_back(make_apk_analyzer());
  out.push_back(make_rpm_analyzer());

  // --- Language ecosystems (owned by the language catalogers) ---
  // Each returns {"packages": [...]} per evidence file; build_inventory()
  // sets locations and layer_diff_id. Add them below this line.
  for (auto& a : language_analyzers()) out.push_back(std::move(a));
  // --- end of language ecosystems ---
  return out;
}

std::vector<const image::Analyzer*> analyzer_pointers(const std::vector<std::unique_ptr<image::Analyzer>>& owned) {
  std::vector<const image::Analyzer*> out;
  out.reserve(owned.size());
  for (const auto& a : owned) out.push_back(a.get());
  return out;
}

}  // namespace ig::inventory
