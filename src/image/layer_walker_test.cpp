#include "image/layer_walker.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <random>
#include <set>

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
std::string gnu_tar_sparse(const std::string& format, const std::string& version = "") {
  char dir_template[] = "/tmp/ig-sparse-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  if (dir == nullptr) return {};
  std::string d(dir);
  {
    std::ofstream f(d + "/sparse.bin", std::ios::binary);
    f.seekp(1 << 20);
    f << "tail";
  }
  std::string cmd = "tar --sparse --format=" + format + (version.empty() ? "" : " --sparse-version=" + version) +
                    " -cf " + d + "/out.tar -C " + d + " sparse.bin";
  std::string out;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream in(d + "/out.tar", std::ios::binary);
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(d);
  return out;
}

TEST(LayerWalker, SparseFilesReadAsZerosThenData) {
  // Old GNU 'S' headers, and the three pax encodings (0.0 offset/numbytes
  // records, 0.1 one map record, 1.0 the map inside the data).
  for (auto [format, version] : {std::pair<std::string, std::string>{"gnu", ""},
                                 {"pax", "0.0"},
                                 {"pax", "0.1"},
                                 {"pax", "1.0"}}) {
    Recorder rec;
    std::string tar = gnu_tar_sparse(format, version);
    ASSERT_FALSE(tar.empty()) << "GNU tar could not build a sparse archive";
    auto r = walk(tar, rec);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(rec.entries.size(), 1u) << format << version;
    EXPECT_EQ(rec.entries[0].path, "sparse.bin") << format << version;
    EXPECT_EQ(rec.entries[0].size, (1u << 20) + 4) << format << version;
    const std::string& got = rec.contents["sparse.bin"];
    ASSERT_EQ(got.size(), (1u << 20) + 4) << format << version;
    EXPECT_EQ(got.substr(got.size() - 4), "tail") << format << version;
    EXPECT_EQ(got.find_first_not_of('\0'), 1u << 20) << format << version;
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

// What one reader saw of one entry.
struct Seen {
  std::string path;
  FileType type = FileType::other;
  uint32_t mode = 0;
  uint64_t size = 0;
  std::string link;
  std::string content;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& e) {
  return os << e.path << " type " << static_cast<int>(e.type) << " mode " << e.mode << " size " << e.size << " link '"
            << e.link << "' content " << e.content.size() << " bytes";
}

struct SeenRecorder final : LayerVisitor {
  std::vector<Seen> seen;
  Result<void> on_entry(const FileMeta& m, FileReader& r) override {
    Seen e{m.path, m.type, m.mode, m.size, m.link_target, ""};
    if (m.type == FileType::regular) {
      IG_ASSIGN(e.content, r.read_all());
    }
    seen.push_back(std::move(e));
    return {};
  }
  void on_whiteout(const std::string&) override {}
  void on_opaque(const std::string&) override {}
};

// The same archive through libarchive's reader, the walker's previous
// implementation and an independent one.
std::vector<Seen> read_with_libarchive(const std::string& tar) {
  std::vector<Seen> out;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_memory(a, tar.data(), tar.size()), ARCHIVE_OK);
  struct archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    auto path = normalize_entry_path(archive_entry_pathname(e));
    if (!path || path->empty()) continue;
    Seen s;
    s.path = *path;
    s.mode = static_cast<uint32_t>(archive_entry_perm(e));
    if (const char* hl = archive_entry_hardlink(e); hl != nullptr) {
      s.type = FileType::hardlink;
      s.link = normalize_entry_path(hl).value_or("");
    } else {
      switch (archive_entry_filetype(e)) {
        case AE_IFREG: s.type = FileType::regular; break;
        case AE_IFDIR: s.type = FileType::directory; break;
        case AE_IFLNK:
          s.type = FileType::symlink;
          s.link = archive_entry_symlink(e);
          s.size = s.link.size();
          break;
        default: s.type = FileType::other; break;
      }
    }
    if (s.type == FileType::regular) {
      s.size = static_cast<uint64_t>(archive_entry_size(e));
      char buf[65536];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof buf)) > 0) s.content.append(buf, static_cast<size_t>(n));
    }
    out.push_back(std::move(s));
  }
  archive_read_free(a);
  return out;
}

std::vector<Seen> read_with_walker(const std::string& tar) {
  SeenRecorder rec;
  StringStream s(std::make_shared<const std::string>(tar));
  auto r = walk_layer_tar(s, 0, "differential layer", WalkLimits{}, rec);
  EXPECT_TRUE(r) << r.error().message;
  return rec.seen;
}

TEST(LayerWalker, AgreesWithLibarchiveOnRandomArchives) {
  std::mt19937 rng(20261123);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::vector<std::string> parts = {"usr", "lib", "node_modules", "caf\xc3\xa9", "a b", "x", "site-packages",
                                          std::string(60, 'p'), std::string(99, 'q'), "\xe6\x97\xa5\xe6\x9c\xac"};
  for (int round = 0; round < 30; ++round) {
    const TarFormat format = round % 3 == 0 ? TarFormat::pax : round % 3 == 1 ? TarFormat::gnu : TarFormat::ustar;
    const size_t max_name = format == TarFormat::ustar ? 99 : 400;
    std::vector<TarEntry> entries;
    std::vector<std::string> files;
    std::set<std::string> used;
    for (size_t i = 0, n = 5 + pick(60); i < n; ++i) {
      std::string name;
      for (size_t k = 0, depth = 1 + pick(6); k < depth; ++k) name += (k ? "/" : "") + parts[pick(parts.size())];
      name += "/f" + std::to_string(i);
      if (name.size() > max_name || !used.insert(name).second) continue;
      switch (pick(6)) {
        case 0: entries.emplace_back(name, 'd', "", "", 0755); break;
        case 1: {
          std::string target = format == TarFormat::ustar ? "../t" : "../" + std::string(pick(250), 't');
          entries.emplace_back(name, 'l', "", target, 0777);
          break;
        }
        case 2:
          if (!files.empty()) {
            entries.emplace_back(name, 'h', "", files[pick(files.size())]);
            break;
          }
          [[fallthrough]];
        default: {
          // Mostly small files; now and then one that crosses the read window.
          size_t size = pick(8) == 0 ? 512 * 1024 + pick(100'000) : pick(3000);
          std::string content(size, '\0');
          for (auto& c : content) c = static_cast<char>(rng());
          entries.emplace_back(name, 'f', std::move(content), "", pick(2) ? 0644 : 0755);
          files.push_back(name);
        }
      }
    }
    std::string tar = make_tar(entries, format);
    auto want = read_with_libarchive(tar);
    ASSERT_EQ(want.size(), entries.size()) << "round " << round;
    EXPECT_EQ(read_with_walker(tar), want) << "round " << round;
  }
}

// GNU tar's own formats, from a real directory tree: long names and links,
// hard links, an empty file, a fifo.
TEST(LayerWalker, AgreesWithLibarchiveOnGnuTarFormats) {
  char dir_template[] = "/tmp/ig-formats-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  ASSERT_NE(dir, nullptr);
  const std::string d(dir);
  const std::string deep = "tree/" + std::string(90, 'a') + "/" + std::string(90, 'b');
  std::filesystem::create_directories(d + "/" + deep);
  std::ofstream(d + "/" + deep + "/" + std::string(80, 'c') + ".txt") << "deep";
  std::ofstream(d + "/tree/empty");
  std::ofstream(d + "/tree/data.bin") << std::string(70'000, 'z');
  std::filesystem::create_hard_link(d + "/tree/data.bin", d + "/tree/data-link");
  std::filesystem::create_symlink(std::string(120, 'L'), d + "/tree/long-symlink");
  std::filesystem::create_symlink("data.bin", d + "/tree/short-symlink");
  ASSERT_EQ(std::system(("mkfifo " + d + "/tree/fifo").c_str()), 0);
  for (const char* format : {"gnu", "oldgnu", "posix", "ustar", "v7"}) {
    std::string out = d + "/" + format + ".tar";
    // ustar and v7 cannot store some of these names; GNU tar leaves those out.
    std::string cmd = std::string("tar --format=") + format + " -cf " + out + " -C " + d + " tree 2>/dev/null";
    (void)std::system(cmd.c_str());
    std::ifstream in(out, std::ios::binary);
    std::string tar((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(tar.size(), 1024u) << format;
    auto want = read_with_libarchive(tar);
    EXPECT_GE(want.size(), 4u) << format;
    EXPECT_EQ(read_with_walker(tar), want) << format;
  }
  std::filesystem::remove_all(d);
}

// Recomputes the first header's checksum after a test edited it.
void fix_checksum(std::string& tar) {
  std::memset(tar.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[i]);
  std::string chk = fmt::format("{:06o}", sum);
  std::memcpy(tar.data() + 148, chk.c_str(), 7);
}

// Where readers disagree, the walker reads as Go's archive/tar does, since
// that is how runtimes unpack layers: a directory's size field is ignored and
// the next header follows it directly.
TEST(LayerWalker, HeaderOnlyTypesCarryNoDataWhateverTheirSize) {
  std::string tar = make_tar({{"dir", 'd', "", "", 0755}, {"after", 'f', "x"}}, TarFormat::ustar);
  // Set the directory's size field to 512.
  std::memcpy(tar.data() + 124, "00000001000", 11);
  fix_checksum(tar);
  Recorder rec;
  auto r = walk(tar, rec);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(rec.entries.size(), 2u);
  EXPECT_EQ(rec.entries[1].path, "after");
  EXPECT_EQ(rec.contents["after"], "x");
}

TEST(LayerWalker, EndMarkerMayBeMissingButHeadersMayNotBeCut) {
  std::string tar = make_tar({{"a", 'f', "aa"}, {"b", 'f', "bb"}}, TarFormat::ustar);
  // Two headers and two data blocks, without the end-of-archive blocks.
  Recorder rec;
  auto r = walk(tar.substr(0, 4 * 512), rec);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(rec.contents["b"], "bb");
  Recorder rec2;
  r = walk(tar.substr(0, 2 * 512 + 100), rec2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
}

TEST(LayerWalker, PaxPathWithANulIsRefused) {
  std::string record = std::string("path=a") + '\0' + "b\n";
  record = std::to_string(record.size() + 3) + " " + record;
  std::string tar = make_tar({{"pax", 'f', record}, {"victim", 'f', "v"}}, TarFormat::ustar);
  tar[156] = 'x';  // the first entry becomes a pax header for the second
  fix_checksum(tar);
  Recorder rec;
  auto r = walk(tar, rec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("NUL"), std::string::npos) << r.error().message;
}

// A ustar header block for `name` of `type` with `size` bytes of data, and the
// data padded to whole blocks.
std::string raw_entry(const std::string& name, char type, const std::string& data) {
  std::string h(512, '\0');
  h.replace(0, std::min<size_t>(name.size(), 99), name.substr(0, 99));
  h.replace(100, 7, "0000644");
  h.replace(124, 11, fmt::format("{:011o}", data.size()));
  h[156] = type;
  h.replace(257, 6, std::string("ustar\0", 6));
  h.replace(263, 2, "00");
  fix_checksum(h);
  std::string padded = data + std::string((512 - data.size() % 512) % 512, '\0');
  return h + padded;
}

std::string pax_records(const std::string& key, const std::string& value) {
  std::string rec = " " + key + "=" + value + "\n";
  size_t len = rec.size() + 1;
  while (std::to_string(len).size() + rec.size() != len) len = std::to_string(len).size() + rec.size();
  return std::to_string(len) + rec;
}

// Hiding a file from a scanner by stacking extended headers must not work:
// the walker names entries as Go's reader (and so the runtime) does.
TEST(LayerWalker, ExtendedHeadersStackAsGoReadsThem) {
  std::string end(1024, '\0');
  // A second pax header replaces the first: "decoy" no longer applies.
  std::string tar = raw_entry("pax1", 'x', pax_records("path", "decoy")) +
                    raw_entry("pax2", 'x', pax_records("mtime", "1")) + raw_entry("real", '0', "r") + end;
  Recorder rec;
  auto r = walk(tar, rec);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(rec.entries.size(), 1u);
  EXPECT_EQ(rec.entries[0].path, "real");

  // A GNU long name beats a pax path, in either order.
  for (bool gnu_first : {true, false}) {
    std::string gnu = raw_entry("././@LongLink", 'L', std::string("gnu-name") + '\0');
    std::string pax = raw_entry("pax", 'x', pax_records("path", "pax-name"));
    tar = (gnu_first ? gnu + pax : pax + gnu) + raw_entry("short", '0', "x") + end;
    Recorder rec2;
    r = walk(tar, rec2);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(rec2.entries.size(), 1u);
    EXPECT_EQ(rec2.entries[0].path, "gnu-name") << gnu_first;
  }

  // A global header ends the pending ones.
  tar = raw_entry("pax", 'x', pax_records("path", "decoy")) + raw_entry("glob", 'g', pax_records("comment", "c")) +
        raw_entry("real", '0', "r") + end;
  Recorder rec3;
  r = walk(tar, rec3);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(rec3.entries.size(), 1u);
  EXPECT_EQ(rec3.entries[0].path, "real");
}

// Each malformed-layer error names the layer and says what is wrong.
TEST(LayerWalker, MalformedHeadersFailWithClearMessages) {
  std::string end(1024, '\0');
  auto fails_with = [](const std::string& tar, const std::string& words) {
    Recorder rec;
    auto r = walk(tar, rec);
    ASSERT_FALSE(r) << words;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
    EXPECT_NE(r.error().message.find("test layer"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  };
  // gzip where the tar should start (a layer whose media type says plain tar).
  std::string noise(4000, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
  fails_with(layer_test::gzip(make_tar({{"a", 'f', noise}})), "gzip data where a tar stream should start");
  // An extended header over 1 MiB.
  std::string big = raw_entry("pax", 'x', "");
  big.replace(124, 11, fmt::format("{:011o}", 2u << 20));
  fix_checksum(big);
  fails_with(big + std::string(4096, '\0'), "over the 1048576 allowed");
  // Sparse fragments that overlap, and fragments storing more than the entry holds.
  fails_with(raw_entry("pax", 'x', pax_records("GNU.sparse.map", "0,10,5,10") + pax_records("GNU.sparse.size", "100")) +
                 raw_entry("s", '0', std::string(20, 's')) + end,
             "malformed sparse map");
  fails_with(raw_entry("pax", 'x', pax_records("GNU.sparse.map", "0,10,50,10") + pax_records("GNU.sparse.size", "100")) +
                 raw_entry("s", '0', std::string(5, 's')) + end,
             "sparse map of 20 bytes but stores 5");
  // A size field that is not a number.
  std::string bad = raw_entry("f", '0', "x");
  bad.replace(124, 11, "zzzzzzzzzzz");
  fix_checksum(bad);
  fails_with(bad + end, "invalid size in the tar header at offset 0");
}

}  // namespace
}  // namespace ig::image
