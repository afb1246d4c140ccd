#include "inventory/rpm.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "inventory/os_test_util.h"
#include "inventory/rpm_bdb.h"
#include "inventory/rpm_header.h"
#include "inventory/rpm_ndb.h"
#include "util/fs.h"

namespace ig::inventory {
namespace {

void put_be32(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_le32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Writes a header blob the way rpm lays it out: index entries, then data
// with INT32 values aligned to 4 bytes, led by an immutable-region tag.
class HeaderBuilder {
 public:
  HeaderBuilder& str(int32_t tag, const std::string& v, uint32_t type = 6) {
    add(tag, type, 1);
    data_ += v;
    data_.push_back('\0');
    return *this;
  }
  HeaderBuilder& strs(int32_t tag, const std::vector<std::string>& v) {
    add(tag, 8, static_cast<uint32_t>(v.size()));
    for (const auto& s : v) {
      data_ += s;
      data_.push_back('\0');
    }
    return *this;
  }
  HeaderBuilder& ints(int32_t tag, const std::vector<uint32_t>& v) {
    while (data_.size() % 4 != 0) data_.push_back('\0');
    add(tag, 4, static_cast<uint32_t>(v.size()));
    for (auto x : v) put_be32(data_, x);
    return *this;
  }
  std::string build() const {
    std::string out;
    put_be32(out, static_cast<uint32_t>(index_.size() / 16 + 1));
    put_be32(out, static_cast<uint32_t>(data_.size() + 16));
    // HEADERIMMUTABLE region tag pointing at a 16-byte trailer at the end.
    put_be32(out, 63);
    put_be32(out, 7);
    put_be32(out, static_cast<uint32_t>(data_.size()));
    put_be32(out, 16);
    out += index_;
    out += data_;
    out += std::string(16, '\x01');
    return out;
  }

 private:
  void add(int32_t tag, uint32_t type, uint32_t count) {
    put_be32(index_, static_cast<uint32_t>(tag));
    put_be32(index_, type);
    put_be32(index_, static_cast<uint32_t>(data_.size()));
    put_be32(index_, count);
  }
  std::string index_, data_;
};

std::string sample_header() {
  return HeaderBuilder()
      .str(1000, "openssl")
      .str(1001, "3.0.7")
      .str(1002, "16.el9")
      .ints(1003, {1})
      .ints(1009, {12345})
      .str(1011, "Red Hat, Inc.")
      .str(1014, "ASL 2.0", 9)
      .str(1022, "x86_64")
      .str(1044, "openssl-3.0.7-16.el9.src.rpm")
      .strs(1118, {"/usr/bin/", "/etc/pki/tls/"})
      .ints(1116, {0, 1, 1})
      .strs(1117, {"openssl", "openssl.cnf", "ct_log_list.cnf"})
      .str(5096, "")
      .build();
}

TEST(RpmHeader, DecodesTagsAndFileLists) {
  auto h = parse_rpm_header(sample_header());
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->name, "openssl");
  EXPECT_EQ(h->epoch, 1u);
  EXPECT_EQ(h->size, 12345u);
  EXPECT_EQ(h->license, "ASL 2.0");
  EXPECT_EQ(h->files,
            (std::vector<std::string>{"/usr/bin/openssl", "/etc/pki/tls/openssl.cnf", "/etc/pki/tls/ct_log_list.cnf"}));
  Package p = rpm_package(std::move(*h));
  EXPECT_EQ(p.version, "1:3.0.7-16.el9");
  EXPECT_EQ(p.source_name, "openssl");
  EXPECT_EQ(p.source_version, "3.0.7-16.el9");
  EXPECT_EQ(p.maintainer, "Red Hat, Inc.");
  EXPECT_EQ(p.files.front(), "usr/bin/openssl");
}

TEST(RpmHeader, RejectsDamageWithoutCrashing) {
  std::string good = sample_header();
  for (size_t cut = 0; cut < good.size(); cut += 7) EXPECT_FALSE(parse_rpm_header(good.substr(0, cut)));
  // A directory index out of range.
  auto bad = HeaderBuilder().str(1000, "x").strs(1118, {"/"}).ints(1116, {5}).strs(1117, {"f"}).build();
  auto r = parse_rpm_header(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("out of range"), std::string::npos);
  // An unterminated string.
  std::string un = HeaderBuilder().str(1000, "name").build();
  un.resize(un.size() - 17);  // drop the region trailer and the NUL
  un[7] = static_cast<char>(un[7] - 17);
  EXPECT_FALSE(parse_rpm_header(un));
}

TEST(RpmHeader, FileBudgetDropsListsNotPackages) {
  uint64_t budget = 10;
  RpmHeaderLimits limits;
  limits.file_bytes_budget = &budget;
  auto h = parse_rpm_header(sample_header(), limits);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->files.empty());
  EXPECT_EQ(budget, 0u);
}

TEST(RpmHeader, SplitsSourceRpm) {
  std::string n, v;
  ASSERT_TRUE(split_source_rpm("python3.11-3.11.2-2.el9.src.rpm", n, v));
  EXPECT_EQ(n, "python3.11");
  EXPECT_EQ(v, "3.11.2-2.el9");
  EXPECT_FALSE(split_source_rpm("nodash.src.rpm", n, v));
}

// Wraps blobs in rpm's ndb layout (see rpm_ndb.h): one slot page, blobs after.
std::string write_ndb(const std::vector<std::string>& blobs) {
  auto adler = [](std::string_view s) {
    uint32_t a = 1, b = 0;
    for (char c : s) {
      a = (a + static_cast<unsigned char>(c)) % 65521;
      b = (b + a) % 65521;
    }
    return b << 16 | a;
  };
  std::string file;
  put_le32(file, 0x506d7052);  // "RpmP"
  put_le32(file, 0);
  put_le32(file, 1);
  put_le32(file, 1);
  put_le32(file, static_cast<uint32_t>(blobs.size() + 1));
  file.resize(32, '\0');
  std::string area;
  uint32_t blk = 4096 / 16;
  for (size_t i = 0; i < 4096 / 16 - 2; ++i) {
    put_le32(file, 0x746f6c53);  // "Slot"
    if (i < blobs.size()) {
      std::string b;
      put_le32(b, 0x53626c42);  // "BlbS"
      put_le32(b, static_cast<uint32_t>(i + 1));
      put_le32(b, 1700000000);
      put_le32(b, static_cast<uint32_t>(blobs[i].size()));
      b += blobs[i];
      while ((b.size() + 12) % 16 != 0) b.push_back('\0');
      uint32_t sum = adler(b);
      put_le32(b, sum);
      put_le32(b, static_cast<uint32_t>(blobs[i].size()));
      put_le32(b, 0x45626c42);  // "BlbE"
      put_le32(file, static_cast<uint32_t>(i + 1));
      put_le32(file, blk + static_cast<uint32_t>(area.size() / 16));
      put_le32(file, static_cast<uint32_t>(b.size() / 16));
      area += b;
    } else {
      put_le32(file, 0);
      put_le32(file, 0);
      put_le32(file, 0);
    }
  }
  return file + area;
}

TEST(RpmNdb, ReadsBlobsAndSkipsCorruptOnes) {
  std::vector<std::string> blobs{sample_header(), HeaderBuilder().str(1000, "tiny").build()};
  std::string db = write_ndb(blobs);
  auto got = read_ndb_blobs(db);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, blobs);
  db[4096 + 20] ^= 0x55;  // inside the first blob: its checksum no longer matches
  got = read_ndb_blobs(db);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front(), blobs[1]);
  EXPECT_FALSE(read_ndb_blobs("RpmP"));
  EXPECT_FALSE(read_bdb_hash_values(std::string(4096, '\0')));
}

// rpm -qa output in the form the fixtures script writes (see
// tests/integration/inventory_os_rpm.sh), one line per package.
std::string describe(const Package& p) {
  auto none = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  std::string epoch = p.extra.contains("epoch") ? std::to_string(p.extra["epoch"].get<uint32_t>()) : "(none)";
  auto colon = p.version.find(':');
  std::string vr = colon == std::string::npos ? p.version : p.version.substr(colon + 1);
  auto dash = vr.rfind('-');
  std::string srpm = p.extra.contains("source_rpm") ? p.extra["source_rpm"].get<std::string>() : "";
  return p.name + "|" + epoch + "|" + vr.substr(0, dash) + "|" + vr.substr(dash + 1) + "|" + none(p.arch) + "|" +
         none(srpm) + "|" + (p.licenses.empty() ? "(none)" : p.licenses[0]) + "|" + none(p.maintainer) + "|" +
         none(p.modularity_label);
}

// Real databases written by rpm (sqlite), by Berkeley DB's db_load from the
// same header blobs (bdb; rpm's bdb_ro backend reads it back in the script),
// and by write_ndb from those blobs. The script sets IG_RPMDB_DIR.
TEST(RpmDbReal, AllBackendsMatchRpmQuery) {
  const char* dir = std::getenv("IG_RPMDB_DIR");
  if (dir == nullptr) GTEST_SKIP() << "IG_RPMDB_DIR not set (run tests/integration/inventory_os_rpm.sh)";
  std::string d = dir;
  auto expected_text = read_file(d + "/expected.txt");
  auto expected_files = read_file(d + "/files.txt");
  ASSERT_TRUE(expected_text && expected_files);
  std::multiset<std::string> want, want_files;
  std::istringstream in(*expected_text), fin(*expected_files);
  for (std::string l; std::getline(in, l);) want.insert(l);
  for (std::string l; std::getline(fin, l);) {
    if (!l.empty() && l[0] == '/') want_files.insert(l.substr(1));
  }
  ASSERT_GE(want.size(), 3u);
  auto sqlite = read_file(d + "/sqlite/rpmdb.sqlite", 1ull << 30);
  ASSERT_TRUE(sqlite);
  auto blobs = read_rpmdb_blobs(*sqlite, RpmDbFormat::sqlite);
  ASSERT_TRUE(blobs) << blobs.error().message;
  std::string ndb = write_ndb(*blobs);
  auto bdb = read_file(d + "/bdb/Packages", 1ull << 30);
  ASSERT_TRUE(bdb);
  for (auto [name, data, fmt] : {std::tuple{"sqlite", std::string_view(*sqlite), RpmDbFormat::sqlite},
                                 std::tuple{"bdb", std::string_view(*bdb), RpmDbFormat::bdb},
                                 std::tuple{"ndb", std::string_view(ndb), RpmDbFormat::ndb}}) {
    SCOPED_TRACE(name);
    auto pkgs = parse_rpmdb(data, fmt);
    ASSERT_TRUE(pkgs) << pkgs.error().message;
    std::multiset<std::string> got, got_files;
    for (const auto& p : *pkgs) {
      got.insert(describe(p));
      got_files.insert(p.files.begin(), p.files.end());
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(got_files, want_files);
  }
}

TEST(RpmAnalyzer, PicksTheBackendByFileName) {
  EXPECT_EQ(rpmdb_format_for("usr/lib/sysimage/rpm/rpmdb.sqlite"), RpmDbFormat::sqlite);
  EXPECT_EQ(rpmdb_format_for("var/lib/rpm/Packages"), RpmDbFormat::bdb);
  EXPECT_EQ(rpmdb_format_for("var/lib/rpm/Packages.db"), RpmDbFormat::ndb);
  EXPECT_FALSE(rpmdb_format_for("var/lib/rpm/Name"));
  auto an = make_rpm_analyzer();
  image::FileMeta meta;
  meta.path = "var/lib/rpm/Packages.db";
  testing::StringReader in(write_ndb({sample_header()}));
  auto j = an->analyze(meta, in);
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ((*j)["packages"].size(), 1u);
  EXPECT_EQ((*j)["packages"][0]["version"], "1:3.0.7-16.el9");
  meta.path = "var/lib/rpm/rpmdb.sqlite";
  testing::StringReader junk("not a database");
  EXPECT_FALSE(an->analyze(meta, junk));
}

}  // namespace
}  // namespace ig::inventory
