// Feeds arbitrary bytes to the layer pipeline as a layer blob: the decoder
// chosen by the first byte (plain tar, gzip or zstd), the diff_id and limit
// checks, the tar walk with whiteouts, and analyzers (including the hard-link
// second pass and magic sniffing).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "bytes_stream.h"
#include "image/decompress.h"
#include "image/layer_analysis.h"

namespace {

using namespace ig;
using namespace ig::image;

class AllFiles final : public Analyzer {
 public:
  AllFiles() {
    sel_.globs = {"*"};
    sel_.max_size = 1 << 20;
  }
  std::string_view name() const override { return "all"; }
  int version() const override { return 1; }
  const FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const FileMeta& meta, FileReader& r) const override {
    IG_ASSIGN(std::string data, r.read_all(1 << 20));
    return nlohmann::json{{"path", meta.path}, {"n", data.size()}};
  }

 private:
  FileSelector sel_;
};

class Elf final : public Analyzer {
 public:
  Elf() { sel_.magic = {std::string("\x7f" "ELF", 4)}; }
  std::string_view name() const override { return "elf"; }
  int version() const override { return 1; }
  const FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const FileMeta&, FileReader& r) const override {
    std::byte b[16];
    IG_ASSIGN(size_t n, r.read(b));
    return nlohmann::json(n);
  }

 private:
  FileSelector sel_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const AllFiles all;
  static const Elf elf;
  if (size < 1) return 0;
  static const char* media_types[] = {"application/vnd.oci.image.layer.v1.tar",
                                      "application/vnd.oci.image.layer.v1.tar+gzip",
                                      "application/vnd.oci.image.layer.v1.tar+zstd"};
  Layer layer;
  layer.blob.media_type = media_types[data[0] % 3];
  layer.blob.digest = "sha256:fuzz";
  WalkLimits limits;
  limits.max_layer_bytes = 32 << 20;
  limits.ratio_grace = 1 << 20;
  limits.max_entries = 10'000;
  const uint8_t* body = data + 1;
  size_t body_size = size - 1;
  StreamOpener open = [&]() -> Result<std::unique_ptr<ByteStream>> {
    return open_layer_stream(std::make_unique<fuzz::BytesStream<ByteStream>>(body, body_size), layer, limits);
  };
  auto out = analyze_layer(open, 0, "fuzz layer", {&all, &elf}, limits, nullptr);
  (void)out;
  return 0;
}
