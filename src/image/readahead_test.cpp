#include "image/readahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <utility>

namespace ig::image {
namespace {

// Hands out `data` in reads of at most `step` bytes, then fails with `error`
// when one is set.
class ScriptedStream : public ByteStream {
 public:
  ScriptedStream(std::string data, size_t step, std::optional<Error> error, std::atomic<int>* reads = nullptr)
      : data_(std::move(data)), step_(step), error_(std::move(error)), reads_(reads) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    if (reads_) reads_->fetch_add(1);
    if (pos_ == data_.size() && error_) return fail(*error_);
    size_t n = std::min({buf.size(), data_.size() - pos_, step_});
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t step_;
  std::optional<Error> error_;
  std::atomic<int>* reads_;
};

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

Result<std::string> drain(ByteStream& s, size_t read_size) {
  std::string out;
  std::vector<std::byte> buf(read_size);
  for (;;) {
    IG_ASSIGN(auto n, s.read(buf));
    if (n == 0) return out;
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
}

TEST(Readahead, DeliversEveryByteInOrderWhateverTheReadSizes) {
  for (size_t step : {1u, 5u, 64u, 1000u}) {
    for (size_t read_size : {1u, 3u, 17u, 4096u}) {
      std::string data = pattern(10007);
      auto s = readahead_stream(std::make_unique<ScriptedStream>(data, step, std::nullopt), 64, 3);
      auto out = drain(*s, read_size);
      ASSERT_TRUE(out) << out.error().message;
      EXPECT_EQ(*out, data) << "step " << step << " read " << read_size;
    }
  }
}

TEST(Readahead, EmptyStreamEndsAtOnce) {
  auto s = readahead_stream(std::make_unique<ScriptedStream>("", 4, std::nullopt), 16, 2);
  auto out = drain(*s, 8);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->empty());
}

TEST(Readahead, ErrorArrivesAfterTheBytesBeforeIt) {
  std::string data = pattern(300);
  auto s = readahead_stream(
      std::make_unique<ScriptedStream>(data, 7, Error{ErrorCode::integrity, "blob X: digest mismatch"}), 32, 2);
  std::string got;
  std::vector<std::byte> buf(10);
  Result<size_t> n = 0;
  while ((n = s->read(buf)) && *n > 0) got.append(reinterpret_cast<const char*>(buf.data()), *n);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, ErrorCode::integrity);
  EXPECT_EQ(n.error().message, "blob X: digest mismatch");
  EXPECT_EQ(got, data);
}

TEST(Readahead, StaysABoundedDistanceAheadAndStopsWhenDroppedEarly) {
  std::atomic<int> reads = 0;
  {
    auto s = readahead_stream(std::make_unique<ScriptedStream>(pattern(1 << 20), 16, std::nullopt, &reads), 16, 2);
    std::vector<std::byte> buf(16);
    ASSERT_TRUE(s->read(buf));
    // Destroyed here with most of the stream unread: must not hang.
  }
  // One chunk handed out, two buffered, one in flight at most: never the
  // whole megabyte.
  EXPECT_LE(reads.load(), 4);
}

TEST(Readahead, HashesEveryDeliveredByteInOrderWhicheverSideIsSlower) {
  std::string data = pattern(200'003);
  const std::string want = sha256_digest(data);
  // A slow consumer (1-byte reads) leaves the hashing to the reading thread;
  // a slow producer (1-byte inner reads) leaves it to the consumer. Both
  // must give the same digest, and the hash must be complete at end of stream.
  for (auto [step, read_size] : {std::pair<size_t, size_t>{4096, 1}, {1, 65536}, {100, 100}, {7, 3}}) {
    Hasher h("sha256");
    auto s = readahead_stream(std::make_unique<ScriptedStream>(data, step, std::nullopt), 1000, 3, &h);
    auto out = drain(*s, read_size);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, data);
    EXPECT_EQ(h.finish(), want) << "step " << step << " read " << read_size;
  }
}

TEST(Readahead, HashingStreamDroppedEarlyDoesNotHang) {
  Hasher h("sha256");
  {
    auto s = readahead_stream(std::make_unique<ScriptedStream>(pattern(1 << 20), 512, std::nullopt), 512, 2, &h);
    std::vector<std::byte> buf(700);
    ASSERT_TRUE(s->read(buf));
    ASSERT_TRUE(s->read(buf));
  }
  // The hasher outlived the stream and is still usable.
  EXPECT_EQ(h.finish().substr(0, 7), "sha256:");
}

TEST(Readahead, ViewsHandOutEveryByteInPlaceAndInOrder) {
  std::string data = pattern(50'011);
  const std::string want = sha256_digest(data);
  for (size_t max : {1u, 7u, 100u, 5000u}) {
    Hasher h("sha256");
    auto s = readahead_stream(std::make_unique<ScriptedStream>(data, 333, std::nullopt), 1000, 3, &h);
    std::vector<std::byte> scratch;
    std::string got;
    for (;;) {
      auto v = s->read_view(max, scratch);
      ASSERT_TRUE(v) << v.error().message;
      if (v->empty()) break;
      ASSERT_LE(v->size(), max);
      got.append(reinterpret_cast<const char*>(v->data()), v->size());
    }
    EXPECT_TRUE(scratch.empty()) << "the read-ahead's own chunks are handed out, not copies";
    EXPECT_EQ(got, data) << "max " << max;
    EXPECT_EQ(h.finish(), want) << "max " << max;
  }
}

}  // namespace
}  // namespace ig::image
