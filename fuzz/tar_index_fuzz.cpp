// Fuzzes the tar header reader behind oci-archive: and docker-archive:.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "image/tar_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto read_at = [&](uint64_t off, std::span<std::byte> out) -> ig::Result<void> {
    if (off > size || out.size() > size - off) return ig::fail(ig::ErrorCode::invalid_image, "out of range");
    std::memcpy(out.data(), data + off, out.size());
    return {};
  };
  auto idx = ig::image::TarIndex::build(read_at, size, "fuzz input");
  if (!idx) return 0;
  for (const auto& name : idx->names()) {
    const ig::image::TarMember* m = idx->find_file(name);
    // Every member found must lie inside the input.
    if (m != nullptr && (m->offset > size || m->size > size - m->offset)) __builtin_trap();
  }
  return 0;
}
