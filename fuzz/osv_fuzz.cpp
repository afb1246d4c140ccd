// OSV records (JSON or YAML) from untrusted feeds: parse_document + parse_osv_record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vulndb/document.h"
#include "vulndb/import_osv.h"
#include "vulndb/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ig::vulndb::parse_document(text, "fuzz");
  if (!doc) return 0;
  auto one = [](const nlohmann::json& rec) {
    auto a = ig::vulndb::parse_osv_record(rec);
    if (a) {
      for (const auto& r : a->affected) (void)ig::vulndb::ranges_from_json(ig::vulndb::ranges_to_json(r.ranges));
    }
  };
  if (doc->is_array()) {
    for (const auto& rec : *doc) one(rec);
  } else {
    one(*doc);
  }
  return 0;
}
