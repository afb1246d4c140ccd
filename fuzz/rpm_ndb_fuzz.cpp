// Fuzzes the rpm ndb Packages.db reader and the rpmdb parse over it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/rpm.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view file(reinterpret_cast<const char*>(data), size);
  (void)ig::inventory::parse_rpmdb(file, ig::inventory::RpmDbFormat::ndb);
  return 0;
}
