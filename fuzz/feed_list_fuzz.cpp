// `db update --feeds FILE`: a feed list handed around between sites (a mirror
// operator's file), then the selection and URL building over it. Every URL
// built must stay below its base or the mirror.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/log.h"
#include "vulndb/feeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = ig::vulndb::parse_feed_list(text, "fuzz");
  if (!list) return 0;
  for (const auto& mirror : {std::string(), std::string("https://mirror.example/m")}) {
    auto feeds = ig::vulndb::select_feeds(*list, {{}, {}, mirror});
    if (!feeds) continue;
    for (const auto& f : *feeds) {
      std::string segs = "/" + f.path + "/";
      if (f.path.starts_with("/") || segs.find("/../") != std::string::npos) std::abort();
    }
  }
  return 0;
}
