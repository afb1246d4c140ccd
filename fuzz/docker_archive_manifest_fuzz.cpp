// Fuzzes the parser of docker save's manifest.json.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/archive_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  auto entries = ig::image::parse_docker_archive_manifest(s);
  if (entries) {
    for (const auto& e : *entries) {
      if (ig::image::TarIndex::normalize(e.config).empty()) __builtin_trap();
    }
  }
  return 0;
}
