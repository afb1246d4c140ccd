// Fuzzes the apk installed-database parser with arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/apk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t total = 0;
  for (const auto& p : ig::inventory::parse_apk_installed(text)) {
    if (p.name.empty() || p.version.empty()) __builtin_trap();
    for (const auto& f : p.files) total += f.size();
  }
  // Each file path is one R: line joined to one F: line, so the output can
  // never exceed the square of the input; catch anything near that.
  if (total > size * size + 1) __builtin_trap();
  return 0;
}
