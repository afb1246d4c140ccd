// NVD CVE JSON 2.0 feeds from an untrusted mirror, and the alias groups built
// from what feeds claim about each other.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/log.h"
#include "vulndb/groups.h"
#include "vulndb/import_nvd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int64_t skipped = 0;
  auto parsed = ig::vulndb::parse_nvd(text, "fuzz", &skipped);
  if (!parsed) return 0;
  // Every CVE links to the next: groups must stay well formed whatever ids come in.
  std::vector<ig::vulndb::AliasLink> links;
  for (size_t i = 0; i + 1 < parsed->size(); ++i) links.push_back({(*parsed)[i].vuln.id, (*parsed)[i + 1].vuln.id});
  (void)ig::vulndb::compute_alias_groups(std::move(links));
  return 0;
}
