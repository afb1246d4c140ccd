// Fuzzes the rpm header blob decoder (and the Package conversion).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "inventory/rpm_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view blob(reinterpret_cast<const char*>(data), size);
  uint64_t budget = 1u << 20;
  ig::inventory::RpmHeaderLimits limits;
  limits.file_bytes_budget = &budget;
  auto h = ig::inventory::parse_rpm_header(blob, limits);
  if (h) (void)ig::inventory::rpm_package(std::move(*h));
  return 0;
}
