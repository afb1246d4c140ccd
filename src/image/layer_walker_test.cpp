#include "image/layer_walker.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "image/layer_test_util.h"

namespace ig::image {
namespace {

using layer_test::make_tar;
using layer_test::StringStream;
using layer_test::TarEntry;
using layer_test::TarFormat;

struct Recorder final : LayerVisitor {
  std::vector<FileMeta> entries;
  std::map<std::string, std::string> contents;
  std::vector<std::string> whiteouts, opaques;
  Result<void> on_entry(const FileMeta& m, FileReader& r) override {
    entries.push_back(m);
    if (m.type == FileType::regular) {
      IG_ASSIGN(contents[m.path], r.read_all());
    }
    return {};
  }
  void on_whiteout(const std::string& p) override { whiteouts.push_back(p); }
  void on_opaque(const std::string& d) override { opaques.push_back(d); }
  const FileMeta* find(const std::string& p) const {
    for (const auto& e : entries)
      if (e.path == p) return &e;
    return nullptr;
  }
};

Result<WalkStats> walk(const std::string& tar, Recorder& rec, WalkLimits limits = {}) {
  StringStream s(std::make_shared<const std::string>(tar));
  return walk_layer_tar(s, 3, "test layer", limits, rec);
}

TEST(LayerWalker, NormalizesEntryNames) {
  EXPECT_EQ(normalize_entry_path("./etc/passwd"), "etc/passwd");
  EXPECT_EQ(normalize_entry_path("/etc//ssl/./certs/"), "etc/ssl/certs");
  EXPECT_EQ(normalize_entry_path("./"), "");
  EXPECT_EQ(normalize_entry_path("a/.../b"), "a/.../b");
  EXPECT_EQ(normalize_entry_path("../etc/passwd"), std::nullopt);
  EXPECT_EQ(normalize_entry_path("a/b/../../../x"), std::nullopt);
  EXPECT_EQ(normalize_entry_path("a/.."), std::nullopt);
}

TEST(LayerWalker, ReadsPaxGnuAndUstarEntries) {
  std::string long_dir(150, 'd');
  std::string long_name = long_dir + "/" + std::string(120, 'f') + ".txt";
  for (auto fmt : {TarFormat::pax, TarFormat::gnu}) {
    Recorder rec;
    auto r = walk(make_tar({{"./" + long_dir, 'd', "", "", 0755},
                            {long_name, 'f', "long"},
                            {"/abs/file", 'f', "abs"},
                            {"caf\xc3\xa9.txt", 'f', "utf8"},
                            {"bin/sh", 'l', "", "/bin/busybox", 0777},
                            {"bin/busybox", 'f', "#!bb", "", 0755},
                            {"bin/ls", 'h', "", "bin/busybox"},
                            {"dev/null", 'c'}},
                           fmt),
                  rec);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(rec.contents[long_name], "long");
    EXPECT_EQ(rec.contents["abs/file"], "abs");
    EXPECT_EQ(rec.contents["caf\xc3\xa9.txt"], "utf8");
    const FileMeta* sh = rec.find("bin/sh");
    ASSERT_NE(sh, nullptr);
    EXPECT_EQ(sh->type, FileType::symlink);
    EXPECT_EQ(sh->link_target, "/bin/busybox");
    const FileMeta* ls = rec.find("bin/ls");
    ASSERT_NE(ls, nullptr);
    EXPECT_EQ(ls->type, FileType::hardlink);
    EXPECT_EQ(ls->link_target, "bin/busybox");
    EXPECT_EQ(rec.find("bin/busybox")->mode, 0755u);
    EXPECT_EQ(rec.find("bin/busybox")->layer, 3u);
    EXPECT_EQ(rec.find("dev/null")->type, FileType::other);
    EXPECT_EQ(rec.find(long_dir)->type, FileType::directory);
  }
}

TEST(LayerWalker, SkipsEscapingNamesAndLinks) {
  Recorder rec;
  auto r = walk(make_tar({{"../../etc/passwd", 'f', "evil"},
                          {"ok/../../x", 'f', "evil"},
                          {"link-out", 'l', "", "../../../../etc/shadow"},
                          {"hard-out", 'h', "", "../etc/passwd"},
                          {"hard-abs", 'h', "", "/etc/passwd"},
                          {"fine", 'f', "ok"}}),
                rec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->skipped, 3u);
  EXPECT_EQ(rec.find("etc/passwd"), nullptr);
  EXPECT_EQ(rec.find("x"), nullptr);
  EXPECT_EQ(rec.find("hard-out"), nullptr);
  // A symlink pointing outside is recorded as stored, never followed.
  ASSERT_NE(rec.find("link-out"), nullptr);
  EXPECT_EQ(rec.find("link-out")->link_target, "../../../../etc/shadow");
  // An absolute hard-link target means the same path from the image root.
  ASSERT_NE(rec.find("hard-abs"), nullptr);
  EXPECT_EQ(rec.find("hard-abs")->link_target, "etc/passwd");
  EXPECT_EQ(rec.contents["fine"], "ok");
}

TEST(LayerWalker, ReportsWhiteoutsAndOpaqueDirs) {
  Recorder rec;
  auto r = walk(make_tar({{"app/.wh.old.txt", 'f'},
                          {".wh.tmp", 'f'},
                          {"var/cache/.wh..wh..opq", 'f'},
                          {"var/cache/new", 'f', "n"},
                          {".wh..wh.plnk", 'd'},
                          {"x/.wh..", 'f'}}),
                rec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(rec.whiteouts, (std::vector<std::string>{"app/old.txt", "tmp"}));
  EXPECT_EQ(rec.opaques, (std::vector<std::string>{"var/cache"}));
  ASSERT_EQ(rec.entries.size(), 1u);
  EXPECT_EQ(rec.entries[0].path, "var/cache/new");
}

// Sparse archives come from GNU tar itself: libarchive's own writer places the
// data of a sparse entry differently across versions, GNU tar is what images
// are built with.
std::string gnu_tar_sparse(const std::string& format) {
  char dir_template[] = "/tmp/ig-sparse-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  if (dir == nullptr) return {};
  std::string d(dir);
  {
    std::ofstream f(d + "/sparse.bin", std::ios::binary);
    f.seekp(1 << 20);
    f << "tail";
  }
  std::string cmd = "tar --sparse --format=" + format + " -cf " + d + "/out.tar -C " + d + " sparse.bin";
  std::string out;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream in(d + "/out.tar", std::ios::binary);
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(d);
  return out;
}

TEST(LayerWalker, SparseFilesReadAsZerosThenData) {
  for (const char* format : {"gnu", "pax"}) {
    Recorder rec;
    std::string tar = gnu_tar_sparse(format);
    ASSERT_FALSE(tar.empty()) << "GNU tar could not build a sparse archive";
    auto r = walk(tar, rec);
    ASSERT_TRUE(r) << r.error().message;
    const std::string& got = rec.contents["sparse.bin"];
    ASSERT_EQ(got.size(), (1u << 20) + 4) << format;
    EXPECT_EQ(got.substr(got.size() - 4), "tail") << format;
    EXPECT_EQ(got.find_first_not_of('\0'), 1u << 20) << format;
  }
}

TEST(LayerWalker, CorruptTarAndEntryLimit) {
  Recorder rec;
  std::string tar = make_tar({{"a", 'f', std::string(5000, 'a')}, {"b", 'f', "b"}});
  tar[148] ^= 0x11;  // header checksum of the first entry
  auto r = walk(tar, rec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("test layer"), std::string::npos);

  Recorder rec2;
  WalkLimits limits;
  limits.max_entries = 2;
  r = walk(make_tar({{"a", 'f'}, {"b", 'f'}, {"c", 'f'}}), rec2, limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);

  Recorder rec3;
  r = walk("", rec3);
  ASSERT_TRUE(r) << r.error().message;  // an empty layer is a valid, empty tar
  EXPECT_TRUE(rec3.entries.empty());

  Recorder rec4;
  r = walk(std::string(700, 'x'), rec4);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

TEST(LayerWalker, TruncatedEntryDataIsAnError) {
  Recorder rec;
  std::string tar = make_tar({{"big", 'f', std::string(100'000, 'z')}});
  auto r = walk(tar.substr(0, 50'000), rec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

}  // namespace
}  // namespace ig::image
