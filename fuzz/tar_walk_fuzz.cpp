// The layer walker's tar reader alone, without the decode pipeline and its
// threads (tar_layer_fuzz covers those, at a fraction of the speed): pax and
// GNU extended headers, sparse maps, truncation, whiteouts. Every regular
// file's content is read, in odd-sized pieces, through the entry readers.
#include <cstdint>
#include <cstring>
#include <string>

#include "bytes_stream.h"
#include "image/layer_walker.h"

namespace {

using namespace ig;
using namespace ig::image;

class ReadEverything final : public LayerVisitor {
 public:
  Result<void> on_entry(const FileMeta& meta, FileReader& r) override {
    if (meta.type != FileType::regular) return {};
    std::byte buf[777];
    uint64_t total = 0;
    for (;;) {
      auto n = r.read(buf);
      if (!n || *n == 0) break;
      total += *n;
      // A sparse file can claim a huge size of holes: stop early.
      if (total > (1u << 22)) break;
    }
    return {};
  }
  void on_whiteout(const std::string&) override {}
  void on_opaque(const std::string&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Short reads, so the reader's refills cross header boundaries.
  fuzz::BytesStream<ByteStream> s(data, size, 4093);
  ReadEverything v;
  WalkLimits limits;
  limits.max_entries = 10'000;
  auto r = walk_layer_tar(s, 0, "fuzz layer", limits, v);
  (void)r;
  return 0;
}
