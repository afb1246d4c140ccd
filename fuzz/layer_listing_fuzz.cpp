// Fuzzes Listing::from_text (the analysis cache's layer listings, which a
// damaged or tampered cache directory can hold) and re-encoding what it accepts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "image/listing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto l = ig::image::Listing::from_text(std::string(reinterpret_cast<const char*>(data), size));
  if (!l) return 0;
  // Every record that validated must decode, and encode back to the same text.
  ig::image::Listing again;
  ig::image::Listing::Record r;
  size_t n = 0;
  for (auto c = l->cursor(); c.next(r); ++n) {
    if (r.kind == ig::image::Listing::Kind::whiteout) {
      again.add_whiteout(r.path);
    } else if (r.kind == ig::image::Listing::Kind::opaque) {
      again.add_opaque(r.path);
    } else {
      ig::image::FileMeta m;
      m.path = std::string(r.path);
      m.type = r.type;
      m.mode = r.mode;
      m.size = r.size;
      m.link_target = std::string(r.link_target);
      again.add_entry(m);
    }
  }
  if (n != l->records()) __builtin_trap();
  // Numbers may be written with leading zeros in the input; compare records.
  if (again.records() != l->records()) __builtin_trap();
  auto c1 = l->cursor();
  auto c2 = again.cursor();
  ig::image::Listing::Record a, b;
  while (c1.next(a)) {
    if (!c2.next(b) || a.kind != b.kind || a.type != b.type || a.path != b.path || a.mode != b.mode ||
        a.size != b.size || a.link_target != b.link_target) {
      __builtin_trap();
    }
  }
  return 0;
}
