// rpm-md updateinfo.xml documents (Amazon Linux ALAS and other rpm distros)
// from untrusted feeds and mirrors, and the repomd.xml and mirror.list that
// `db update` reads to find them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/log.h"
#include "vulndb/import_updateinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int64_t skipped = 0;
  auto doc = ig::vulndb::parse_updateinfo(text, "fuzz", &skipped);
  if (doc) (void)ig::vulndb::updateinfo_distro_from_ids(doc->update_ids);
  (void)ig::vulndb::repomd_location(text, "updateinfo", "fuzz");
  (void)ig::vulndb::mirror_list_first_url(text);
  return 0;
}
