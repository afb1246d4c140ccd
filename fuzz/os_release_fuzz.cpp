// Fuzzes os-release and the distribution release-file parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/os_release.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ig::inventory::parse_os_release_fields(text);
  for (std::string_view path : {"etc/os-release", "etc/alpine-release", "etc/debian_version", "etc/redhat-release"}) {
    (void)ig::inventory::os_from_file(path, text);
  }
  return 0;
}
