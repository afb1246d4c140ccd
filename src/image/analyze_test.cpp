#include <gtest/gtest.h>
#include <sys/stat.h>
#include <fnmatch.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "image/analyzer.h"
#include "image/layer_cache.h"
#include "image/layer_test_util.h"

namespace ig::image {
namespace {

namespace fs = std::filesystem;
using layer_test::LayerSpec;
using layer_test::make_image;
using layer_test::make_tar;
using layer_test::MemorySource;

// Returns the whole content of each selected file.
class ContentAnalyzer final : public Analyzer {
 public:
  ContentAnalyzer(std::string name, FileSelector sel, int version = 1)
      : name_(std::move(name)), sel_(std::move(sel)), version_(version) {}
  std::string_view name() const override { return name_; }
  int version() const override { return version_; }
  const FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const FileMeta& meta, FileReader& r) const override {
    ++calls;
    IG_ASSIGN(std::string data, r.read_all());
    if (data == "FAIL") return fail(ErrorCode::invalid_image, "cannot parse");
    if (data == "THROW") throw std::runtime_error("boom");
    if (data == "NULL") return nlohmann::json();
    return nlohmann::json{{"content", data}, {"size", meta.size}};
  }
  mutable std::atomic<int> calls{0};

 private:
  std::string name_;
  FileSelector sel_;
  int version_;
};

FileSelector globs(std::vector<std::string> g) {
  FileSelector s;
  s.globs = std::move(g);
  return s;
}

std::map<std::string, std::pair<std::string, size_t>> contents(const ImageAnalysis& a, const std::string& name) {
  std::map<std::string, std::pair<std::string, size_t>> out;
  for (const auto& r : a.results.at(name)) out[r.path] = {r.result.at("content").get<std::string>(), r.layer};
  return out;
}

class Analyze : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ig-analyze-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

std::vector<LayerSpec> whiteout_layers() {
  return {
      {make_tar({{"etc/os-release", 'f', "ID=test"},
                 {"app/old.txt", 'f', "old"},
                 {"app/keep.txt", 'f', "keep"},
                 {"var/cache/a.txt", 'f', "cache-a"},
                 {"opt/tool/x.txt", 'f', "tool-x"},
                 {"data/replaced.txt", 'f', "v1"},
                 {"data/dir-becomes-file/inner.txt", 'f', "inner"},
                 {"etc/alias.txt", 'l', "", "../app/keep.txt"}})},
      {make_tar({{"app/.wh.old.txt", 'f'},
                 {"var/cache/.wh..wh..opq", 'f'},
                 {"var/cache/b.txt", 'f', "cache-b"},
                 {".wh.opt", 'f'},
                 {"data/replaced.txt", 'f', "v2"},
                 {"data/dir-becomes-file", 'f', "now a file"}}),
       "zstd"},
      {make_tar({{"app/new.txt", 'f', "new"}, {"data/replaced.txt", 'l', "", "elsewhere"}}), "none"},
  };
}

TEST_F(Analyze, MergesLayersWithWhiteoutsOpaqueDirsAndOverwrites) {
  ResolvedImage img = make_image(whiteout_layers());
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  WalkOptions opts;
  opts.list_files = true;
  auto a = analyze_image(img, {&txt}, opts);
  ASSERT_TRUE(a) << a.error().message;
  auto got = contents(*a, "txt");
  std::map<std::string, std::pair<std::string, size_t>> want{
      {"app/keep.txt", {"keep", 0}},
      {"app/new.txt", {"new", 2}},
      {"var/cache/b.txt", {"cache-b", 1}},
  };
  EXPECT_EQ(got, want);
  for (const auto& r : a->results.at("txt")) EXPECT_EQ(r.diff_id, img.layers[r.layer].diff_id);
  EXPECT_EQ(a->symlinks.at("etc/alias.txt"), "../app/keep.txt");
  EXPECT_EQ(a->symlinks.at("data/replaced.txt"), "elsewhere");
  std::vector<std::string> paths;
  for (const auto& f : a->files) paths.push_back(f.path + "@" + std::to_string(f.layer));
  EXPECT_EQ(paths, (std::vector<std::string>{"app/keep.txt@0", "app/new.txt@2", "data/dir-becomes-file@1",
                                             "data/replaced.txt@2", "etc/alias.txt@0", "etc/os-release@0",
                                             "var/cache/b.txt@1"}));
  EXPECT_EQ(a->layers_walked, 3u);
}

TEST_F(Analyze, SameResultsWithOneThreadOrMany) {
  std::vector<LayerSpec> specs;
  for (int i = 0; i < 6; ++i) {
    specs.push_back({make_tar({{"f" + std::to_string(i) + ".txt", 'f', "layer" + std::to_string(i)},
                               {"shared.txt", 'f', "from " + std::to_string(i)}})});
  }
  ResolvedImage img = make_image(specs);
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  WalkOptions one, many;
  one.threads = 1;
  many.threads = 4;
  auto a = analyze_image(img, {&txt}, one);
  auto b = analyze_image(img, {&txt}, many);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(contents(*a, "txt"), contents(*b, "txt"));
  EXPECT_EQ(contents(*a, "txt").at("shared.txt"), std::make_pair(std::string("from 5"), size_t{5}));
}

TEST_F(Analyze, SelectorsExactSuffixMagicAndMaxSize) {
  std::string elf = std::string("\x7f" "ELF", 4) + std::string(10'000, 'e');
  ResolvedImage img = make_image({{make_tar({{"usr/bin/tool", 'f', elf, "", 0755},
                                             {"usr/lib/noexec.so", 'f', elf, "", 0644},
                                             {"var/lib/dpkg/status", 'f', "Package: x"},
                                             {"lib/a.jar", 'f', "PK-jar"},
                                             {"huge.jar", 'f', std::string(5000, 'h')},
                                             {"tiny", 'f', "\x7f", "", 0755}})}});
  FileSelector magic;
  magic.magic = {std::string("\x7f" "ELF", 4)};
  magic.executable_only_for_magic = true;
  FileSelector exact;
  exact.exact = {"var/lib/dpkg/status"};
  FileSelector suffix;
  suffix.suffixes = {".jar"};
  suffix.max_size = 1000;
  ContentAnalyzer elf_a("elf", magic), dpkg("dpkg", exact), jar("jar", suffix);
  auto a = analyze_image(img, {&elf_a, &dpkg, &jar}, WalkOptions{});
  ASSERT_TRUE(a) << a.error().message;
  auto e = contents(*a, "elf");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e.at("usr/bin/tool").first, elf);  // the analyzer sees the file from byte 0
  EXPECT_EQ(contents(*a, "dpkg").at("var/lib/dpkg/status").first, "Package: x");
  auto j = contents(*a, "jar");
  EXPECT_EQ(j.size(), 1u);
  EXPECT_TRUE(j.count("lib/a.jar"));
}

// The walk checks each glob's literal prefix and suffix before fnmatch; the
// files chosen must be exactly fnmatch's (no FNM_PATHNAME: '*' crosses '/').
TEST_F(Analyze, GlobSelectionIsExactlyFnmatch) {
  const std::vector<std::string> patterns = {"var/lib/dpkg/status.d/*", "*node_modules/*/package.json",
                                             "*specifications/*.gemspec", "a[bc]d", "plain/name", "x?z*", "*",
                                             "lit\\*star", "*.[jw]ar"};
  const std::vector<std::string> paths = {"var/lib/dpkg/status.d/base", "var/lib/dpkg/status.dX",
                                          "srv/node_modules/a/package.json", "node_modules/a/package.json",
                                          "srv/node_modules/@s/b/package.json", "package.json",
                                          "usr/share/rubygems/specifications/x.gemspec", "abd", "acd", "aXd",
                                          "plain/name", "plain/name2", "xyz", "xyzzy", "xz", "lit*star",
                                          "litXstar", "lib/a.jar", "lib/a.war", "lib/a.ear"};
  std::vector<layer_test::TarEntry> entries;
  for (const auto& p : paths) entries.emplace_back(p, 'f', "c");
  ResolvedImage img = make_image({{make_tar(entries)}});
  std::vector<std::unique_ptr<ContentAnalyzer>> owned;
  std::vector<const Analyzer*> analyzers;
  for (size_t i = 0; i < patterns.size(); ++i) {
    owned.push_back(std::make_unique<ContentAnalyzer>("g" + std::to_string(i), globs({patterns[i]})));
    analyzers.push_back(owned.back().get());
  }
  auto a = analyze_image(img, analyzers, WalkOptions{});
  ASSERT_TRUE(a) << a.error().message;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto got = contents(*a, "g" + std::to_string(i));
    for (const auto& p : paths) {
      bool want = ::fnmatch(patterns[i].c_str(), p.c_str(), 0) == 0;
      EXPECT_EQ(got.count(p) == 1, want) << "pattern '" << patterns[i] << "' path '" << p << "'";
    }
  }
}

TEST_F(Analyze, SeveralAnalyzersOnOneFileAndAnalyzerFailures) {
  ResolvedImage img = make_image({{make_tar({{"a.txt", 'f', "shared"},
                                             {"bad.txt", 'f', "FAIL"},
                                             {"throw.txt", 'f', "THROW"},
                                             {"null.txt", 'f', "NULL"},
                                             {"z.txt", 'f', "last"}})}});
  ContentAnalyzer one("one", globs({"*.txt"})), two("two", globs({"a*"}));
  auto a = analyze_image(img, {&one, &two}, WalkOptions{});
  ASSERT_TRUE(a) << a.error().message;
  auto r1 = contents(*a, "one");
  EXPECT_EQ(r1.size(), 2u);  // a.txt and z.txt: failures and null results keep nothing
  EXPECT_EQ(r1.at("z.txt").first, "last");
  EXPECT_EQ(contents(*a, "two").at("a.txt").first, "shared");
}

TEST_F(Analyze, HardLinksGetTheirTargetsContent) {
  ResolvedImage img = make_image({{make_tar({{"usr/lib/python3/METADATA", 'f', "Name: lib"},
                                             {"usr/share/doc/METADATA", 'h', "", "usr/lib/python3/METADATA"},
                                             {"other/METADATA", 'h', "", "not/in/layer"}})}});
  ContentAnalyzer md("md", globs({"*/share/*"}));
  auto a = analyze_image(img, {&md}, WalkOptions{});
  ASSERT_TRUE(a) << a.error().message;
  auto r = contents(*a, "md");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.at("usr/share/doc/METADATA").first, "Name: lib");
}

TEST_F(Analyze, WarmCacheDoesNotOpenLayers) {
  auto src = std::make_shared<MemorySource>();
  ResolvedImage img = make_image(whiteout_layers(), src);
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  WalkOptions opts;
  opts.cache_dir = dir_;
  auto cold = analyze_image(img, {&txt}, opts);
  ASSERT_TRUE(cold) << cold.error().message;
  EXPECT_EQ(src->opens.load(), 3);
  EXPECT_EQ(cold->layers_walked, 3u);

  auto warm = analyze_image(img, {&txt}, opts);
  ASSERT_TRUE(warm) << warm.error().message;
  EXPECT_EQ(src->opens.load(), 3);  // not one blob opened
  EXPECT_EQ(warm->layers_from_cache, 3u);
  EXPECT_EQ(contents(*warm, "txt"), contents(*cold, "txt"));
  EXPECT_EQ(warm->symlinks, cold->symlinks);

  // A new analyzer version invalidates only that analyzer's entries.
  ContentAnalyzer txt2("txt", globs({"*.txt"}), 2);
  auto bumped = analyze_image(img, {&txt2}, opts);
  ASSERT_TRUE(bumped);
  EXPECT_EQ(src->opens.load(), 6);
  EXPECT_EQ(contents(*bumped, "txt"), contents(*cold, "txt"));

  opts.use_cache = false;
  ASSERT_TRUE(analyze_image(img, {&txt}, opts));
  EXPECT_EQ(src->opens.load(), 9);

  auto usage = cache_usage(dir_);
  EXPECT_EQ(usage.analysis_files, 9u);  // 3 layers x (listing + 2 analyzer versions)
  auto cleaned = clean_cache(dir_);
  ASSERT_TRUE(cleaned);
  EXPECT_EQ(cache_usage(dir_).analysis_files, 0u);
}

TEST_F(Analyze, CorruptCacheEntriesAreIgnored) {
  ResolvedImage img = make_image({{make_tar({{"a.txt", 'f', "A"}})}});
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  WalkOptions opts;
  opts.cache_dir = dir_;
  ASSERT_TRUE(analyze_image(img, {&txt}, opts));
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "analysis")) {
    if (e.is_regular_file()) std::ofstream(e.path()) << "{not json";
  }
  auto a = analyze_image(img, {&txt}, opts);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->layers_walked, 1u);
  EXPECT_EQ(contents(*a, "txt").at("a.txt").first, "A");
}

TEST_F(Analyze, LayerErrorsFailTheAnalysis) {
  std::string tar = make_tar({{"a.txt", 'f', "A"}});
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  ResolvedImage bad_diff = make_image({{tar}, {tar, "gzip", "sha256:" + std::string(64, 'a')}});
  auto r = analyze_image(bad_diff, {&txt}, WalkOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
  EXPECT_NE(r.error().message.find("#2"), std::string::npos) << r.error().message;

  ResolvedImage lz4 = make_image({{tar, "application/vnd.oci.image.layer.v1.tar+lz4"}});
  r = analyze_image(lz4, {&txt}, WalkOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);

  // The blob itself does not match its digest: the verifying stream says so.
  auto src = std::make_shared<MemorySource>();
  ResolvedImage tampered = make_image({{tar}}, src);
  src->add(tampered.layers[0].blob.digest, layer_test::gzip(make_tar({{"a.txt", 'f', "B"}})));
  r = analyze_image(tampered, {&txt}, WalkOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::integrity);
}

TEST_F(Analyze, RootfsNeverFollowsSymlinks) {
  fs::create_directories(dir_ / "root/etc");
  fs::create_directories(dir_ / "outside");
  std::ofstream(dir_ / "root/etc/os-release") << "ID=rootfs";
  std::ofstream(dir_ / "outside/secret.txt") << "secret";
  fs::create_symlink("../outside", dir_ / "root/escape");
  fs::create_symlink(dir_ / "outside/secret.txt", dir_ / "root/abs.txt");
  std::ofstream(dir_ / "root/a.txt") << "A";
  ResolvedImage img;
  img.kind = SourceKind::rootfs;
  img.rootfs = dir_ / "root";
  ContentAnalyzer txt("txt", globs({"*.txt", "etc/*"}));
  WalkOptions opts;
  opts.list_files = true;
  auto a = analyze_image(img, {&txt}, opts);
  ASSERT_TRUE(a) << a.error().message;
  auto got = contents(*a, "txt");
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got.at("a.txt").first, "A");
  EXPECT_EQ(got.at("etc/os-release").first, "ID=rootfs");
  EXPECT_EQ(a->symlinks.at("escape"), "../outside");
  EXPECT_EQ(a->results.at("txt")[0].diff_id, "");
  EXPECT_EQ(a->files.size(), 5u);  // a.txt abs.txt escape etc etc/os-release

  img.rootfs = dir_ / "missing";
  auto m = analyze_image(img, {&txt}, opts);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::not_found);
}

TEST(ResolveInImage, FollowsSymlinksLikeAChroot) {
  ImageAnalysis a;
  a.symlinks = {{"etc/os-release", "../usr/lib/os-release"},
                {"lib", "usr/lib"},
                {"usr/lib/os-release", "os-release.d/real"},
                {"abs", "/usr/./lib"},
                {"up", "../../../../etc"},
                {"loop1", "loop2"},
                {"loop2", "loop1"}};
  EXPECT_EQ(resolve_in_image(a, "etc/os-release"), "usr/lib/os-release.d/real");
  EXPECT_EQ(resolve_in_image(a, "/lib/x.so"), "usr/lib/x.so");
  EXPECT_EQ(resolve_in_image(a, "abs/y"), "usr/lib/y");
  EXPECT_EQ(resolve_in_image(a, "up/passwd"), "etc/passwd");  // ".." clamps at the root
  EXPECT_EQ(resolve_in_image(a, "plain/file"), "plain/file");
  std::string looped = resolve_in_image(a, "loop1/x");  // terminates
  EXPECT_TRUE(looped.starts_with("loop"));
}

// The results and symlinks that survive the merge are worked out without
// building the final filesystem (analyze.cpp: Survivors); the file list still
// builds it. On random layer stacks full of overwrites, whiteouts, opaque dirs
// and files replacing directories, both must agree exactly.
TEST_F(Analyze, SurvivingResultsAgreeWithTheMergedFileListOnRandomStacks) {
  const std::vector<std::string> names = {"a", "b", "c.txt", "d.txt"};
  auto random_path = [&](std::mt19937& rng) {
    std::string p;
    for (int depth = 1 + static_cast<int>(rng() % 3); depth > 0; --depth) {
      p += (p.empty() ? "" : "/") + names[rng() % names.size()];
    }
    return p;
  };
  ContentAnalyzer txt("txt", globs({"*.txt"}));
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::mt19937 rng(seed);
    std::vector<LayerSpec> specs;
    for (int l = 1 + static_cast<int>(rng() % 4); l > 0; --l) {
      std::vector<layer_test::TarEntry> entries;
      for (int e = 1 + static_cast<int>(rng() % 8); e > 0; --e) {
        std::string p = random_path(rng);
        size_t slash = p.rfind('/');
        std::string dir = slash == std::string::npos ? "" : p.substr(0, slash + 1);
        std::string base = slash == std::string::npos ? p : p.substr(slash + 1);
        switch (rng() % 6) {
          case 0: entries.push_back({p, 'd', "", "", 0755}); break;
          case 1: entries.push_back({p, 'l', "", "target-" + std::to_string(seed)}); break;
          case 2: entries.push_back({dir + ".wh." + base, 'f'}); break;
          case 3: entries.push_back({dir + ".wh..wh..opq", 'f'}); break;
          default: entries.push_back({p, 'f', "s" + std::to_string(seed) + "-" + std::to_string(e)}); break;
        }
      }
      specs.push_back({make_tar(entries), "none"});
    }
    ResolvedImage img = make_image(specs);
    WalkOptions opts;
    opts.list_files = true;
    opts.use_cache = false;
    auto a = analyze_image(img, {&txt}, opts);
    ASSERT_TRUE(a) << a.error().message;
    std::map<std::string, size_t> want_results;
    std::map<std::string, std::string> want_links;
    for (const auto& f : a->files) {
      if (f.type == FileType::regular && f.path.ends_with(".txt")) want_results[f.path] = f.layer;
      if (f.type == FileType::symlink) want_links[f.path] = f.link_target;
    }
    std::map<std::string, size_t> got_results;
    for (const auto& r : a->results.at("txt")) got_results[r.path] = r.layer;
    EXPECT_EQ(got_results, want_results) << "seed " << seed;
    std::map<std::string, std::string> got_links(a->symlinks.begin(), a->symlinks.end());
    EXPECT_EQ(got_links, want_links) << "seed " << seed;
  }
}

}  // namespace
}  // namespace ig::image
