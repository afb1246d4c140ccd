// Fuzzes the registry endpoint mapping (registries.conf and
// IMAGEGATE_REGISTRY_MIRRORS) and the recognition of ECR registry hosts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/ecr_auth.h"
#include "image/registry_endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto endpoints = ig::image::parse_registry_endpoints(input, "fuzz");
  if (endpoints) {
    for (const auto& e : *endpoints) {
      if (e.scheme != "http" && e.scheme != "https") __builtin_trap();
      if (e.host.empty() || e.host.find('/') != std::string::npos) __builtin_trap();
      (void)ig::image::find_registry_endpoint(*endpoints, e.registry);
    }
  }
  if (auto ecr = ig::aws::parse_ecr_host(input); ecr && ecr->account.size() != 12) __builtin_trap();
  (void)ig::aws::decode_ecr_token(input, 1.0e9);
  return 0;
}
