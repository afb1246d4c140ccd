// Fuzzes Reference::parse and the accessors of what it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  auto r = ig::image::Reference::parse(s);
  if (r) {
    // Whatever parses must print back to something that parses the same way.
    auto again = ig::image::Reference::parse(r->str());
    if (!again || again->str() != r->str()) __builtin_trap();
    (void)r->api_host();
    (void)r->is_loopback();
    (void)r->manifest_ref();
  }
  return 0;
}
