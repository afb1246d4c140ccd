// Fuzzes the manifest, index and config JSON parsers and the kind sniffer.
// They must never throw or crash, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "image/types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  (void)ig::image::sniff_manifest_kind(s);
  if (auto m = ig::image::parse_manifest(s)) {
    (void)ig::image::to_json(m->config).dump();
    for (const auto& l : m->layers) (void)ig::image::layer_compression(l.media_type);
  }
  if (auto i = ig::image::parse_index(s)) {
    for (const auto& d : i->manifests) (void)ig::image::to_json(d).dump();
  }
  if (auto c = ig::image::parse_config(s)) (void)ig::image::to_json(*c).dump();
  return 0;
}
