// Fuzzes docker config.json matching and credential-helper output parsing;
// neither may crash on any input, and neither runs a helper here.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "image/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view registry : {"docker.io", "localhost:5000", "ghcr.io"}) {
    auto entry = ig::image::match_docker_config(input, registry, "config.json");
    if (entry && entry->helper.find('/') != std::string::npos) __builtin_trap();  // helpers are bare names
  }
  (void)ig::image::parse_helper_output(input, "docker-credential-fuzz");
  return 0;
}
