// CVSS vectors (v2, v3.x, v4.0) as advisories carry them; also the EPSS CSV
// parser, which shares the "small text from a feed" shape.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/log.h"
#include "vulndb/cvss.h"
#include "vulndb/enrich.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ig::log::set_level(ig::log::Level::quiet);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = ig::vulndb::score_cvss(text);
  if (s && (!(s->base_score >= 0.0) || s->base_score > 10.0 || std::isnan(s->base_score))) std::abort();
  int64_t skipped = 0;
  (void)ig::vulndb::parse_epss(text, "fuzz", &skipped);
  return 0;
}
