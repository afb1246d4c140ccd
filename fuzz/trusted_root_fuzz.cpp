// trusted_root.json is user input; the parser must reject anything malformed
// with an error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/trusted_root.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto root = ig::sign::parse_trusted_root(in);
  if (root) (void)root->find_tlog(std::string(32, '\0'));
  return 0;
}
