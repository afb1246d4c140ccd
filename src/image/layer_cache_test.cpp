// The analysis cache's layer listing: exact round trip of awkward names, and
// a damaged file is a miss, never a wrong listing.
#include "image/layer_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace ig::image {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_diff_id = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fs::path temp_root() {
  fs::path p = fs::temp_directory_path() / ("ig-layer-cache-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

TEST(LayerCache, ListingRoundTripsAwkwardNames) {
  fs::path root = temp_root();
  LayerCache cache(root);
  auto entry = [](std::string path, FileType type, uint32_t mode, uint64_t size, std::string link = "") {
    FileMeta m;
    m.path = std::move(path);
    m.type = type;
    m.mode = mode;
    m.size = size;
    m.link_target = std::move(link);
    return m;
  };
  const std::vector<FileMeta> entries = {
      entry("etc/os-release", FileType::symlink, 0777, 0, "../usr/lib/os-release"),
      entry("a\tb\nc\\d", FileType::regular, 0644, 18446744073709551615ull),
      entry("usr/bin", FileType::directory, 040755, 0), entry("x/hard", FileType::hardlink, 0644, 0, "x/y"),
      entry(std::string("bin\xff\x01", 5), FileType::other, 0, 0), entry("", FileType::regular, 0, 1)};
  Listing out;
  for (const auto& e : entries) out.add_entry(e);
  out.add_whiteout("usr/lib/gone");
  out.add_opaque("");
  out.add_whiteout("tab\there");
  out.add_opaque("var/cache");
  ASSERT_TRUE(cache.store_listing(k_diff_id, out).has_value());

  auto in = cache.load_listing(k_diff_id);
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->records(), entries.size() + 4);
  auto cursor = in->cursor();
  Listing::Record r;
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_TRUE(cursor.next(r)) << i;
    EXPECT_EQ(r.kind, Listing::Kind::entry) << i;
    EXPECT_EQ(r.path, entries[i].path) << i;
    EXPECT_EQ(r.type, entries[i].type) << i;
    EXPECT_EQ(r.mode, entries[i].mode) << i;
    EXPECT_EQ(r.size, entries[i].size) << i;
    EXPECT_EQ(r.link_target, entries[i].link_target) << i;
  }
  const std::pair<Listing::Kind, std::string> markers[] = {{Listing::Kind::whiteout, "usr/lib/gone"},
                                                           {Listing::Kind::opaque, ""},
                                                           {Listing::Kind::whiteout, "tab\there"},
                                                           {Listing::Kind::opaque, "var/cache"}};
  for (const auto& [kind, path] : markers) {
    ASSERT_TRUE(cursor.next(r)) << path;
    EXPECT_EQ(r.kind, kind) << path;
    EXPECT_EQ(r.path, path);
  }
  EXPECT_FALSE(cursor.next(r));

  // `imagegate cache clean` recognises the listing as its own file.
  auto cleaned = clean_cache(root);
  ASSERT_TRUE(cleaned.has_value()) << cleaned.error().message;
  EXPECT_EQ(cleaned->analysis_files, 1u);
  fs::remove_all(root);
}

TEST(LayerCache, DamagedListingIsAMiss) {
  fs::path root = temp_root();
  LayerCache cache(root);
  Listing out;
  FileMeta m;
  m.path = "etc/passwd";
  out.add_entry(m);
  ASSERT_TRUE(cache.store_listing(k_diff_id, out).has_value());
  fs::path file = root / "analysis" / std::string(k_diff_id).substr(7) / "layer.v3.tsv";
  ASSERT_TRUE(fs::exists(file));
  std::string good;
  {
    std::ifstream f(file, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(f), {});
  }
  ASSERT_TRUE(cache.load_listing(k_diff_id).has_value());
  ASSERT_TRUE(good.ends_with("\nE\t1\n")) << good;
  std::string head = good.substr(0, good.size() - 4);  // header and records, no trailer
  auto with = [&](const std::string& record) { return head + record + "E\t2\n"; };
  const std::string damaged[] = {
      good.substr(0, good.size() - 1),                        // truncated: no final newline
      head,                                                   // cut at a line boundary: no trailer
      head + "E\t2\n",                                        // the trailer counts another record
      head + "E\tx\n",                                        // a trailer without a count
      "imagegate layer listing v2\n" + good.substr(good.find('\n') + 1),  // another version
      with("f\t644\tnot-a-number\tp\t\n"),                   // bad size
      with("f\t644\t1\tp\n"),                                // a field missing
      with("f\t644\t1\tbad\\escape\t\n"),                    // unknown escape
      with("x\t644\t1\tp\t\n"),                              // unknown type
      with("W\ta\tb\n"),                                      // a whiteout with two fields
  };
  for (const auto& text : damaged) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    EXPECT_FALSE(cache.load_listing(k_diff_id).has_value()) << text;
  }
  EXPECT_FALSE(cache.load_listing("sha256:1111111111111111111111111111111111111111111111111111111111111111"));
  EXPECT_FALSE(cache.load_listing("not-a-digest"));
  fs::remove_all(root);
}

}  // namespace
}  // namespace ig::image
