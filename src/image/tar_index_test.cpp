#include "image/tar_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "util/fs.h"

namespace ig::image {
namespace {

namespace fs = std::filesystem;

class TarIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ig_tar_index_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& content) {
    fs::create_directories((dir_ / "src" / rel).parent_path());
    std::ofstream(dir_ / "src" / rel, std::ios::binary) << content;
  }

  // Packs dir_/src with GNU tar in `format` and indexes the result.
  Result<TarIndex> pack(const std::string& format) {
    std::string cmd = "tar --format=" + format + " -C " + (dir_ / "src").string() + " -cf " +
                      (dir_ / "out.tar").string() + " .";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto data = read_file(dir_ / "out.tar");
    EXPECT_TRUE(data);
    archive_ = *data;
    return index_bytes(archive_);
  }

  static Result<TarIndex> index_bytes(const std::string& bytes) {
    auto read_at = [&bytes](uint64_t off, std::span<std::byte> out) -> Result<void> {
      if (off > bytes.size() || out.size() > bytes.size() - off) return fail(ErrorCode::invalid_image, "short");
      std::memcpy(out.data(), bytes.data() + off, out.size());
      return {};
    };
    return TarIndex::build(read_at, bytes.size(), "test archive");
  }

  std::string content(const TarIndex& idx, const std::string& name) {
    const TarMember* m = idx.find_file(name);
    if (m == nullptr) return "<missing>";
    return archive_.substr(m->offset, m->size);
  }

  fs::path dir_;
  std::string archive_;
};

TEST_F(TarIndexTest, IndexesEveryFormat) {
  const std::string long_name = std::string(120, 'd') + "/" + std::string(110, 'f') + ".txt";
  write("blobs/sha256/abc", "hello blob");
  write("index.json", "{}");
  write(long_name, "deep");
  write("empty", "");
  for (const char* format : {"gnu", "posix", "oldgnu"}) {
    SCOPED_TRACE(format);
    auto idx = pack(format);
    ASSERT_TRUE(idx) << idx.error().message;
    EXPECT_EQ(content(*idx, "blobs/sha256/abc"), "hello blob");
    EXPECT_EQ(content(*idx, "./index.json"), "{}");
    EXPECT_EQ(content(*idx, long_name), "deep");
    EXPECT_EQ(content(*idx, "empty"), "");
    EXPECT_EQ(idx->find_file("blobs"), nullptr);  // a directory, not a file
    EXPECT_EQ(idx->find_file("nope"), nullptr);
  }
}

TEST_F(TarIndexTest, UstarPrefixField) {
  const std::string name = std::string(90, 'p') + "/" + std::string(60, 'q') + "/file";
  write(name, "prefixed");
  auto idx = pack("ustar");
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(content(*idx, name), "prefixed");
}

TEST_F(TarIndexTest, FollowsLinksInsideOnly) {
  write("blobs/sha256/real", "data");
  fs::create_directories(dir_ / "src/abc");
  fs::create_symlink("../blobs/sha256/real", dir_ / "src/abc/layer.tar");
  fs::create_symlink("../../etc/passwd", dir_ / "src/abc/escape");
  fs::create_symlink("loop", dir_ / "src/loop");
  fs::create_hard_link(dir_ / "src/blobs/sha256/real", dir_ / "src/hard");
  auto idx = pack("posix");
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(content(*idx, "abc/layer.tar"), "data");
  EXPECT_EQ(content(*idx, "hard"), "data");
  EXPECT_EQ(idx->find_file("abc/escape"), nullptr);
  EXPECT_EQ(idx->find_file("loop"), nullptr);
}

TEST_F(TarIndexTest, RejectsCompressedAndCorrupt) {
  write("a", std::string(3000, 'x'));
  ASSERT_TRUE(pack("gnu"));
  std::string good = archive_;

  std::string gz = "\x1f\x8b\x08" + std::string(1021, '\0');
  auto r = index_bytes(gz);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("gzip"), std::string::npos) << r.error().message;

  auto notar = index_bytes(std::string(1024, 'z'));
  ASSERT_FALSE(notar);
  EXPECT_NE(notar.error().message.find("not a tar archive"), std::string::npos);

  // Truncated in the middle of a member's data.
  auto cut = index_bytes(good.substr(0, 512 + 1024));
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("truncated"), std::string::npos) << cut.error().message;

  // A partial header.
  EXPECT_FALSE(index_bytes(good.substr(0, 100)));

  // An empty archive (only end blocks) indexes to nothing.
  auto empty = index_bytes(std::string(1024, '\0'));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
}

// Rewrites the checksum of a hand-edited header block.
void fix_checksum(std::string& block) {
  std::memset(block.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(block[i]);
  std::snprintf(block.data() + 148, 8, "%06o", sum);
  block[155] = ' ';
}

TEST_F(TarIndexTest, HandlesHugeAndBase256Sizes) {
  write("a", "abc");
  ASSERT_TRUE(pack("gnu"));
  // Keep just the header and data of "./a" (tar also stores "./" first).
  size_t at = archive_.find(std::string("./a\0", 4));
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(at % 512, 0u);
  std::string base = archive_.substr(at, 1024) + std::string(1024, '\0');

  std::string huge = base;
  std::memcpy(huge.data() + 124, "77777777777", 11);
  fix_checksum(huge);
  auto r = index_bytes(huge);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("past the end"), std::string::npos) << r.error().message;

  std::string b256 = base;
  std::memset(b256.data() + 124, 0, 12);
  b256[124] = static_cast<char>(0x80);
  b256[135] = 3;  // size 3 in base-256
  fix_checksum(b256);
  auto ok = index_bytes(b256);
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_NE(ok->find_file("a"), nullptr);
  EXPECT_EQ(ok->find_file("a")->size, 3u);

  std::string neg = base;
  std::memset(neg.data() + 124, 0xff, 12);
  fix_checksum(neg);
  EXPECT_FALSE(index_bytes(neg));
}

TEST(TarIndexNormalize, Paths) {
  EXPECT_EQ(TarIndex::normalize("./a//b/./c"), "a/b/c");
  EXPECT_EQ(TarIndex::normalize("/abs/x"), "abs/x");
  EXPECT_EQ(TarIndex::normalize("a/../b"), "b");
  EXPECT_EQ(TarIndex::normalize("../x"), "");
  EXPECT_EQ(TarIndex::normalize("."), "");
}

}  // namespace
}  // namespace ig::image
