// Fuzzes the dpkg status, file-list and md5sums parsers with arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/dpkg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& p : ig::inventory::parse_dpkg_status(text, size % 2 == 0)) {
    if (p.name.empty() || p.version.empty() || p.source_name.empty()) __builtin_trap();
  }
  for (const auto& f : ig::inventory::parse_dpkg_file_list(text)) {
    if (f.empty() || f.front() == '/') __builtin_trap();
  }
  (void)ig::inventory::parse_dpkg_md5sums(text);
  return 0;
}
