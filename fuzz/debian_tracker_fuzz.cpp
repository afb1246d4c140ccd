// The Debian security tracker JSON export from an untrusted mirror.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/log.h"
#include "vulndb/document.h"
#include "vulndb/import_debian.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ig::vulndb::parse_document(text, "fuzz");
  if (!doc) return 0;
  int64_t skipped = 0;
  (void)ig::vulndb::parse_debian_tracker(*doc, "fuzz", &skipped);
  return 0;
}
