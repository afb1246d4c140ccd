// Fuzzes the WWW-Authenticate parser: registries (or anything between us and
// them) control this header completely.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto r = ig::image::parse_www_authenticate(input);
  if (r) {
    for (const auto& c : *r) {
      if (c.scheme.empty()) __builtin_trap();  // a challenge always has a scheme
    }
  }
  return 0;
}
