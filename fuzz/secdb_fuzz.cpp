// Alpine secdb documents (JSON or YAML) from untrusted feeds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vulndb/document.h"
#include "vulndb/import_secdb.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ig::vulndb::parse_document(text, "fuzz");
  if (!doc) return 0;
  int64_t skipped = 0;
  (void)ig::vulndb::parse_secdb(*doc, "fuzz", &skipped);
  return 0;
}
