#include "image/decompress.h"

#include <gtest/gtest.h>

#include <random>

#include "image/layer_test_util.h"
#include "image/layer_walker.h"

namespace ig::image {
namespace {

using layer_test::gzip;
using layer_test::StringStream;
using layer_test::zstd;

std::unique_ptr<ByteStream> stream_of(std::string s) {
  return std::make_unique<StringStream>(std::make_shared<const std::string>(std::move(s)));
}

Result<std::string> read_everything(ByteStream& s, size_t chunk = 4096) {
  std::string out;
  std::vector<std::byte> buf(chunk);
  for (;;) {
    IG_ASSIGN(size_t n, s.read(buf));
    if (n == 0) return out;
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
}

std::string random_text(size_t n, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::string s(n, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 16);
  return s;
}

Layer layer_for(std::string_view tar, std::string_view blob, std::string_view media_type) {
  Layer l;
  l.index = 0;
  l.blob.media_type = std::string(media_type);
  l.blob.digest = sha256_digest(blob);
  l.blob.size = static_cast<int64_t>(blob.size());
  l.diff_id = sha256_digest(tar);
  return l;
}

TEST(Decompress, GzipMultiMemberRoundTrip) {
  std::string data = random_text(3'000'000);
  for (int members : {1, 3}) {
    auto d = gzip_decoder(stream_of(gzip(data, members)), "test");
    auto got = read_everything(*d, 1000);  // odd chunk size crosses member boundaries
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, data) << members;
  }
}

TEST(Decompress, ZstdMultiFrameRoundTrip) {
  std::string a = random_text(500'000, 1), b = random_text(700'000, 2);
  auto d = zstd_decoder(stream_of(zstd(a) + zstd(b)), "test");
  auto got = read_everything(*d);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, a + b);
}

TEST(Decompress, TruncatedAndCorruptDataAreInvalidImage) {
  std::string data = random_text(100'000);
  std::string gz = gzip(data);
  auto t = gzip_decoder(stream_of(gz.substr(0, gz.size() / 2)), "layer X");
  auto r = read_everything(*t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("layer X"), std::string::npos);

  std::string bad = gz;
  bad[bad.size() - 6] ^= 0x55;  // CRC-32 trailer
  auto c = gzip_decoder(stream_of(bad), "layer X");
  r = read_everything(*c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);

  auto n = gzip_decoder(stream_of("this is not gzip at all"), "layer X");
  r = read_everything(*n);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);

  std::string zs = zstd(data);
  auto z = zstd_decoder(stream_of(zs.substr(0, zs.size() - 10)), "layer Z");
  r = read_everything(*z);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

TEST(Decompress, LayerStreamVerifiesDiffId) {
  std::string tar = random_text(200'000);
  std::string gz = gzip(tar);
  Layer l = layer_for(tar, gz, media_type::oci_layer_gzip);
  auto ok = open_layer_stream(stream_of(gz), l, WalkLimits{});
  ASSERT_TRUE(ok);
  auto got = read_everything(**ok);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, tar);

  l.diff_id = sha256_digest("something else");
  auto bad = open_layer_stream(stream_of(gz), l, WalkLimits{});
  ASSERT_TRUE(bad);
  auto r = read_everything(**bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
  EXPECT_NE(r.error().message.find(l.blob.digest), std::string::npos) << r.error().message;
}

// The walker reads layers through read_view; the checks must run there too.
TEST(Decompress, LayerStreamViewsCarryTheSameChecks) {
  std::string tar = random_text(300'000);
  std::string gz = gzip(tar);
  Layer l = layer_for(tar, gz, media_type::oci_layer_gzip);
  auto view_all = [](ByteStream& s) -> Result<std::string> {
    std::vector<std::byte> scratch;
    std::string out;
    for (;;) {
      IG_ASSIGN(auto v, s.read_view(70'000, scratch));
      if (v.empty()) return out;
      out.append(reinterpret_cast<const char*>(v.data()), v.size());
    }
  };
  auto ok = open_layer_stream(stream_of(gz), l, WalkLimits{});
  ASSERT_TRUE(ok);
  auto got = view_all(**ok);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, tar);

  l.diff_id = sha256_digest("something else");
  auto bad = open_layer_stream(stream_of(gz), l, WalkLimits{});
  ASSERT_TRUE(bad);
  auto r = view_all(**bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);

  WalkLimits tight;
  tight.max_layer_bytes = 100'000;
  l = layer_for(tar, gz, media_type::oci_layer_gzip);
  auto big = open_layer_stream(stream_of(gz), l, tight);
  ASSERT_TRUE(big);
  r = view_all(**big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

TEST(Decompress, UncompressedLayerWithAnotherDiffIdIsStillHashed) {
  std::string tar = random_text(100'000);
  Layer l = layer_for(tar, tar, media_type::oci_layer);
  l.diff_id = sha256_digest("another tar");
  auto s = open_layer_stream(stream_of(tar), l, WalkLimits{});
  ASSERT_TRUE(s);
  auto r = read_everything(**s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
  EXPECT_NE(r.error().message.find(l.diff_id), std::string::npos) << r.error().message;
}

TEST(Decompress, UnknownMediaTypeIsRefusedWithItsName) {
  Layer l = layer_for("x", "x", "application/vnd.example.layer.v1.tar+lz4");
  auto r = open_layer_stream(stream_of("x"), l, WalkLimits{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("tar+lz4"), std::string::npos);
  EXPECT_NE(r.error().message.find("cannot decode"), std::string::npos);
}

TEST(Decompress, UncompressedAndZstdLayers) {
  std::string tar = random_text(300'000);
  Layer plain = layer_for(tar, tar, media_type::oci_layer);
  auto s = open_layer_stream(stream_of(tar), plain, WalkLimits{});
  ASSERT_TRUE(s);
  EXPECT_EQ(*read_everything(**s), tar);
  std::string zs = zstd(tar);
  Layer z = layer_for(tar, zs, media_type::docker_layer_zstd);
  auto s2 = open_layer_stream(stream_of(zs), z, WalkLimits{});
  ASSERT_TRUE(s2);
  EXPECT_EQ(*read_everything(**s2), tar);
}

// A gzip stream of `total` zero bytes, generated in pieces so that the test
// never holds the uncompressed data (the compressed result is ~2 MB per GiB).
std::string gzip_of_zeros(uint64_t total) {
  std::string out;
  std::vector<uint8_t> zeros(1 << 20, 0);
  std::vector<uint8_t> obuf(1 << 20);
  std::vector<uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
  isal_zstream z;
  isal_deflate_init(&z);
  z.gzip_flag = IGZIP_GZIP;
  z.level = 1;  // level 0 stops near 100:1; level 1 reaches ~1000:1 on zeros
  z.level_buf = level_buf.data();
  z.level_buf_size = static_cast<uint32_t>(level_buf.size());
  uint64_t left = total;
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
    left -= n;
    z.next_in = zeros.data();
    z.avail_in = static_cast<uint32_t>(n);
    z.end_of_stream = left == 0 ? 1 : 0;
    do {
      z.next_out = obuf.data();
      z.avail_out = static_cast<uint32_t>(obuf.size());
      isal_deflate(&z);
      out.append(reinterpret_cast<const char*>(obuf.data()), obuf.size() - z.avail_out);
    } while (z.avail_in > 0 || (z.end_of_stream && z.internal_state.state != ZSTATE_END));
  }
  return out;
}

TEST(Decompress, GzipBombStopsAtTheRatioLimit) {
  std::string bomb = gzip_of_zeros(2ull << 30);
  ASSERT_LT(bomb.size(), 16u << 20);
  Layer l = layer_for("", bomb, media_type::oci_layer_gzip);
  l.diff_id = "sha256:" + std::string(64, '0');
  WalkLimits limits;  // defaults: ratio 200 after 256 MiB
  auto s = open_layer_stream(stream_of(bomb), l, limits);
  ASSERT_TRUE(s);
  // The zeros look like a tar end-of-archive, so the walker stops at once and
  // the drain that follows hits the limit.
  struct Nothing final : LayerVisitor {
    Result<void> on_entry(const FileMeta&, FileReader&) override { return {}; }
    void on_whiteout(const std::string&) override {}
    void on_opaque(const std::string&) override {}
  } v;
  auto w = walk_layer_tar(**s, 0, "bomb", limits, v);
  ASSERT_TRUE(w) << w.error().message;
  auto r = drain_stream(**s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("possible decompression bomb"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("--max-layer-size"), std::string::npos);
}

TEST(Decompress, MaxLayerBytesIsEnforced) {
  std::string tar = random_text(3'000'000);
  std::string gz = gzip(tar);
  Layer l = layer_for(tar, gz, media_type::oci_layer_gzip);
  WalkLimits limits;
  limits.max_layer_bytes = 1'000'000;
  auto s = open_layer_stream(stream_of(gz), l, limits);
  ASSERT_TRUE(s);
  auto r = read_everything(**s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("expands beyond 1000000 bytes"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ig::image
