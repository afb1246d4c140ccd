// What `imagegate db pull` reads from a registry before trusting anything: the
// artifact manifest and its metadata blob (vulndb/artifact.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vulndb/artifact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ig::vulndb::parse_manifest(text, "fuzz");
  auto m = ig::vulndb::parse_metadata(text, "fuzz");
  // What parses must survive a round trip.
  if (m && !ig::vulndb::parse_metadata(ig::vulndb::metadata_to_json(*m), "fuzz")) __builtin_trap();
  return 0;
}
