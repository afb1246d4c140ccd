#include "image/source.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>

#include "util/digest.h"

namespace ig::image {
namespace {

class MemoryStream : public ByteStream {
 public:
  explicit MemoryStream(std::string data, size_t chunk = 3) : data_(std::move(data)), chunk_(chunk) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min({buf.size(), data_.size() - pos_, chunk_});
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t chunk_;
};

Descriptor desc_of(const std::string& data) {
  Descriptor d;
  d.media_type = "application/octet-stream";
  d.digest = sha256_digest(data);
  d.size = static_cast<int64_t>(data.size());
  return d;
}

Result<std::string> drain(ByteStream& s) {
  std::string out;
  std::byte buf[7];
  while (true) {
    IG_ASSIGN(size_t n, s.read(buf));
    if (n == 0) return out;
    out.append(reinterpret_cast<const char*>(buf), n);
  }
}

TEST(VerifyingStream, PassesMatchingContent) {
  std::string data = "hello, verified world";
  auto s = verifying_stream(std::make_unique<MemoryStream>(data), desc_of(data), "blob x");
  auto got = drain(*s);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, data);
  auto empty = verifying_stream(std::make_unique<MemoryStream>(""), desc_of(""), "empty blob");
  EXPECT_EQ(drain(*empty).value(), "");
}

TEST(VerifyingStream, FailsOnDigestMismatch) {
  Descriptor d = desc_of("hello world");
  auto s = verifying_stream(std::make_unique<MemoryStream>("hellO world"), d, "blob sha256:abc in test");
  auto got = drain(*s);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::integrity);
  EXPECT_NE(got.error().message.find("blob sha256:abc in test"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find(d.digest), std::string::npos);
}

TEST(VerifyingStream, FailsOnShortAndLongContent) {
  Descriptor d = desc_of("0123456789");
  auto short_s = verifying_stream(std::make_unique<MemoryStream>("01234"), d, "short blob");
  auto a = drain(*short_s);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::integrity);
  EXPECT_NE(a.error().message.find("truncated"), std::string::npos);

  auto long_s = verifying_stream(std::make_unique<MemoryStream>("0123456789EXTRA"), d, "long blob");
  auto b = drain(*long_s);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::integrity);
  EXPECT_NE(b.error().message.find("larger"), std::string::npos);
}

TEST(VerifyingStream, VerifiesWhenReaderStopsAtSize) {
  // A reader that takes exactly `size` bytes and never asks again must still
  // see the mismatch on its last read.
  Descriptor d = desc_of("abcdef");
  auto s = verifying_stream(std::make_unique<MemoryStream>("abcdeX", 100), d, "blob");
  std::byte buf[6];
  auto r = s->read(buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
}

TEST(FileStream, ReadsRegionsAndFiles) {
  char path[] = "/tmp/ig_source_test_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "0123456789", 10), 10);
  ::close(fd);
  auto shared = open_shared_fd(path);
  ASSERT_TRUE(shared);
  auto region = file_region_stream(*shared, 2, 5);
  EXPECT_EQ(drain(*region).value(), "23456");
  auto whole = open_file_stream(path);
  ASSERT_TRUE(whole);
  EXPECT_EQ(drain(**whole).value(), "0123456789");
  ::unlink(path);
  auto missing = open_file_stream(path);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace ig::image
