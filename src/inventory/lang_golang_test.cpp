// Go binaries cataloger, checked against `go version -m` on Debian's Go
// binaries and on a binary built here with vendored and replaced modules, plus
// a hand-made ELF in the pre-1.18 pointer format.
#include "inventory/lang_golang.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

namespace fs = std::filesystem;
using testing::analyze;
using testing::find;
using testing::run;

using NameVersions = std::set<std::pair<std::string, std::string>>;

// What `go version -m FILE` lists: modules (replacements applied when they
// carry a version) and stdlib at "v" + the Go version.
NameVersions reference_modules(const std::string& file, std::string& go_version) {
  std::string out = run("go version -m '" + file + "' 2>/dev/null");
  NameVersions ref;
  std::pair<std::string, std::string> last;
  std::istringstream in(out);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      go_version = line.substr(line.find(": ") + 2);
      ref.emplace("stdlib", "v" + go_version.substr(2));
      first = false;
      continue;
    }
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
    if (f.size() < 3) continue;
    if (f[1] == "mod" || f[1] == "dep") {
      last = {f[2], f.size() > 3 ? f[3] : ""};
      ref.insert(last);
    } else if (f[1] == "=>" && f.size() > 3 && !f[3].empty()) {
      ref.erase(last);
      ref.emplace(f[2], f[3]);
    }
  }
  return ref;
}

void expect_matches_go_tool(const std::string& file) {
  std::string go_version;
  NameVersions want = reference_modules(file, go_version);
  ASSERT_FALSE(want.empty()) << file;
  auto pkgs = analyze(*make_golang_analyzer(), file.substr(1), testing::slurp(file), 65521);
  NameVersions got;
  for (const auto& p : pkgs) got.emplace(p.name, p.version);
  EXPECT_EQ(got, want) << file;
  const Package* std_pkg = find(pkgs, "stdlib");
  ASSERT_NE(std_pkg, nullptr);
  EXPECT_EQ(std_pkg->extra.value("go_version", ""), go_version);
  EXPECT_EQ(std_pkg->purl, "pkg:golang/stdlib@v" + go_version.substr(2));
}

TEST(LangGo, DebianBinariesMatchGoVersionM) {
  if (run("command -v go").empty()) GTEST_SKIP() << "golang-go is not installed";
  int checked = 0;
  for (const char* bin : {"/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/umoci"}) {
    if (!fs::exists(bin)) continue;
    expect_matches_go_tool(bin);
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no Debian Go binaries installed";
  if (fs::exists("/usr/bin/skopeo")) {
    auto pkgs = analyze(*make_golang_analyzer(), "usr/bin/skopeo", testing::slurp("/usr/bin/skopeo"));
    const Package* std_pkg = find(pkgs, "stdlib");
    ASSERT_NE(std_pkg, nullptr);
    EXPECT_EQ(std_pkg->extra.value("main_package", ""), "github.com/containers/skopeo/cmd/skopeo");
  }
}

// A module-mode binary with a vendored dependency and a replaced one, built
// offline. Its build info has mod, dep and => lines.
TEST(LangGo, BuiltBinaryWithDepsAndReplace) {
  if (run("command -v go").empty()) GTEST_SKIP() << "golang-go is not installed";
  fs::path dir = fs::temp_directory_path() / ("ig-lang-go-" + std::to_string(::getpid()));
  fs::create_directories(dir / "vendor/example.com/greet");
  fs::create_directories(dir / "vendor/example.com/old");
  std::ofstream(dir / "go.mod") << "module example.com/hello\n\ngo 1.19\n\nrequire (\n\texample.com/greet v1.2.3\n"
                                   "\texample.com/old v1.0.0\n)\n\nreplace example.com/old v1.0.0 => example.com/new v1.1.0\n";
  std::ofstream(dir / "main.go") << "package main\n\nimport (\n\t\"example.com/greet\"\n\t\"example.com/old\"\n)\n\n"
                                    "func main() { greet.Hi(); old.Hi() }\n";
  std::ofstream(dir / "vendor/example.com/greet/greet.go") << "package greet\n\nfunc Hi() { println(\"hi\") }\n";
  std::ofstream(dir / "vendor/example.com/old/old.go") << "package old\n\nfunc Hi() { println(\"old\") }\n";
  std::ofstream(dir / "vendor/modules.txt") << "# example.com/greet v1.2.3\n## explicit\nexample.com/greet\n"
                                               "# example.com/old v1.0.0 => example.com/new v1.1.0\n## explicit\n"
                                               "example.com/old\n# example.com/old v1.0.0 => example.com/new v1.1.0\n";
  const char* cache_env = std::getenv("IMAGEGATE_TEST_CACHE");
  std::string cache = std::string(cache_env ? cache_env : "/var/tmp/imagegate-test-cache") + "/go-build";
  std::string cmd = "cd '" + dir.string() + "' && GOCACHE='" + cache + "' GOPROXY=off GOFLAGS=-mod=vendor " +
                    "CGO_ENABLED=0 go build -o hello . 2>&1";
  std::string log = run(cmd);
  ASSERT_TRUE(fs::exists(dir / "hello")) << log;
  std::string bin = (dir / "hello").string();
  expect_matches_go_tool(bin);
  auto pkgs = analyze(*make_golang_analyzer(), "app/hello", testing::slurp(bin));
  fs::remove_all(dir);
  const Package* main_mod = find(pkgs, "example.com/hello");
  ASSERT_NE(main_mod, nullptr);
  EXPECT_EQ(main_mod->version, "(devel)");
  EXPECT_TRUE(main_mod->extra.value("main", false));
  EXPECT_EQ(main_mod->extra["build"].value("CGO_ENABLED", ""), "0");
  const Package* greet = find(pkgs, "example.com/greet");
  ASSERT_NE(greet, nullptr);
  EXPECT_EQ(greet->purl, "pkg:golang/example.com/greet@v1.2.3");
  const Package* repl = find(pkgs, "example.com/new");
  ASSERT_NE(repl, nullptr);
  EXPECT_EQ(repl->version, "v1.1.0");
  EXPECT_EQ(repl->extra["replaced"].value("path", ""), "example.com/old");
  EXPECT_EQ(repl->extra["replaced"].value("version", ""), "v1.0.0");
}

// Appends a little-endian integer of `n` bytes.
void put(std::string& s, size_t off, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) s[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// An ELF64 file with a Go note and one RW PT_LOAD at vaddr 0x400000 whose
// build info uses the pre-1.18 pointer format.
std::string old_format_elf() {
  std::string f(0x1200, '\0');
  const uint64_t base = 0x400000;
  f.replace(0, 4, "\x7f" "ELF");
  f[4] = 2, f[5] = 1, f[6] = 1;
  put(f, 16, 2, 2);           // ET_EXEC
  put(f, 18, 62, 2);          // x86-64
  put(f, 32, 64, 8);          // e_phoff
  put(f, 54, 56, 2);          // e_phentsize
  put(f, 56, 2, 2);           // e_phnum
  // PT_NOTE at 0x100
  put(f, 64, 4, 4), put(f, 64 + 8, 0x100, 8), put(f, 64 + 16, base + 0x100, 8), put(f, 64 + 32, 20, 8);
  // PT_LOAD RW covering the file
  put(f, 120, 1, 4), put(f, 124, 6, 4), put(f, 128, 0, 8), put(f, 136, base, 8), put(f, 152, f.size(), 8);
  put(f, 0x100, 4, 4), put(f, 0x104, 4, 4), put(f, 0x108, 4, 4);
  f.replace(0x10c, 8, std::string("Go\0\0abcd", 8));
  std::string version = "go1.16.15";
  std::string mod = std::string(16, 'S') + "path\texample.com/old\nmod\texample.com/old\tv0.1.0\th1:x=\n"
                    "dep\tgolang.org/x/text\tv0.3.7\th1:y=\n" + std::string(16, 'E');
  mod[mod.size() - 17] = '\n';
  f.replace(0x200, version.size(), version);
  f.replace(0x300, mod.size(), mod);
  put(f, 0x1000, base + 0x200, 8), put(f, 0x1008, version.size(), 8);
  put(f, 0x1010, base + 0x300, 8), put(f, 0x1018, mod.size(), 8);
  f.replace(0x1100, 14, "\xff Go buildinf:");
  f[0x1100 + 14] = 8, f[0x1100 + 15] = 0;
  put(f, 0x1110, base + 0x1000, 8), put(f, 0x1118, base + 0x1010, 8);
  return f;
}

TEST(LangGo, OldPointerFormat) {
  auto pkgs = analyze(*make_golang_analyzer(), "bin/old", old_format_elf(), 777);
  ASSERT_EQ(pkgs.size(), 3u);
  ASSERT_NE(find(pkgs, "example.com/old"), nullptr);
  EXPECT_EQ(find(pkgs, "example.com/old")->version, "v0.1.0");
  EXPECT_EQ(find(pkgs, "golang.org/x/text")->version, "v0.3.7");
  EXPECT_EQ(find(pkgs, "stdlib")->version, "v1.16.15");
}

TEST(LangGo, NotGoAndMalformed) {
  auto a = make_golang_analyzer();
  if (fs::exists("/usr/bin/true")) {
    EXPECT_TRUE(analyze(*a, "usr/bin/true", testing::slurp("/usr/bin/true")).empty());
  }
  std::string bad = old_format_elf();
  put(bad, 0x1110, 0xdead0000, 8);  // version pointer outside the file
  image::FileMeta meta;
  meta.path = "bin/bad";
  testing::StringReader r(bad);
  EXPECT_FALSE(a->analyze(meta, r).has_value());
  testing::StringReader trunc(bad.substr(0, 40));
  EXPECT_FALSE(a->analyze(meta, trunc).has_value());
}

}  // namespace
}  // namespace ig::inventory::lang
