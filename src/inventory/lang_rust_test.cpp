// Rust catalogers: a Cargo.lock and a real ELF given a cargo-auditable
// .dep-v0 section with objcopy.
#include "inventory/lang_rust.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "inventory/lang_binary.h"
#include "inventory/lang_golang.h"
#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

namespace fs = std::filesystem;
using testing::analyze;
using testing::find;
using testing::run;

TEST(LangRust, CargoLock) {
  auto pkgs = analyze(*make_cargo_lock_analyzer(), "src/tool/Cargo.lock", testing::fixture("cargo/Cargo.lock"), 50);
  ASSERT_EQ(pkgs.size(), 4u);
  const Package* memchr = find(pkgs, "memchr");
  ASSERT_NE(memchr, nullptr);
  EXPECT_EQ(memchr->version, "2.7.1");
  EXPECT_EQ(memchr->purl, "pkg:cargo/memchr@2.7.1");
  EXPECT_EQ(memchr->extra.value("source", ""), "registry+https://github.com/rust-lang/crates.io-index");
  EXPECT_EQ(find(pkgs, "my-tool")->version, "0.3.0");
  EXPECT_FALSE(find(pkgs, "my-tool")->extra.contains("source"));
  EXPECT_EQ(find(pkgs, "regex-lite")->version, "0.1.5");
}

TEST(LangRust, AuditableSectionInRealElf) {
  if (run("command -v objcopy").empty() || run("command -v python3").empty() || !fs::exists("/usr/bin/true")) {
    GTEST_SKIP() << "needs objcopy (binutils) and python3";
  }
  fs::path dir = fs::temp_directory_path() / ("ig-lang-rust-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string json = R"({"packages":[{"name":"hello","version":"0.1.0","source":"local","kind":"runtime","dependencies":[1],"root":true},)"
                     R"({"name":"serde","version":"1.0.197","source":"crates.io","kind":"runtime","dependencies":[]},)"
                     R"({"name":"cc","version":"1.0.90","source":"crates.io","kind":"build","dependencies":[]}]})";
  std::ofstream(dir / "deps.json") << json;
  std::string d = dir.string();
  std::string cmd = "python3 -c \"import zlib,sys; open(sys.argv[2],'wb').write(zlib.compress(open(sys.argv[1],'rb').read(),9))\" '" +
                    d + "/deps.json' '" + d + "/deps.z' && objcopy --add-section .dep-v0='" + d + "/deps.z' /usr/bin/true '" +
                    d + "/hello' 2>&1";
  std::string log = run(cmd);
  ASSERT_TRUE(fs::exists(dir / "hello")) << log;
  auto pkgs = analyze(*make_rust_binary_analyzer(), "usr/local/bin/hello", testing::slurp(dir / "hello"), 8191);
  fs::remove_all(dir);
  ASSERT_EQ(pkgs.size(), 3u);
  EXPECT_TRUE(find(pkgs, "hello")->extra.value("root", false));
  EXPECT_EQ(find(pkgs, "serde")->version, "1.0.197");
  EXPECT_EQ(find(pkgs, "serde")->purl, "pkg:cargo/serde@1.0.197");
  EXPECT_EQ(find(pkgs, "cc")->extra.value("kind", ""), "build");
  // The same binary without the section has no crates.
  EXPECT_TRUE(analyze(*make_rust_binary_analyzer(), "usr/bin/true", testing::slurp("/usr/bin/true")).empty());
}

// An unstripped binary's unmapped tail (debug info, symbols) can be far larger
// than what is kept of it: .dep-v0 is still found at either end of the tail,
// with at most ~25 MiB of the file in memory (StreamWindow refuses more), and
// the one-pass ELF analyzer finds it as parse_rust_binary does.
TEST(LangRust, LargeUnmappedTail) {
  if (run("command -v objcopy").empty() || run("command -v python3").empty() || !fs::exists("/usr/bin/true")) {
    GTEST_SKIP() << "needs objcopy (binutils) and python3";
  }
  fs::path dir = fs::temp_directory_path() / ("ig-lang-rust-tail-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string d = dir.string();
  std::string log = run(
      "cd '" + d + "' && python3 -c \"import os,zlib; "
      "open('deps.z','wb').write(zlib.compress(b'{\\\"packages\\\":[{\\\"name\\\":\\\"serde\\\",\\\"version\\\":\\\"1.0.197\\\"}]}')); "
      "open('pad','wb').write(os.urandom(30 << 20)); open('half','wb').write(os.urandom(20 << 20))\" && "
      // objcopy lays added sections out in the reverse of their order here.
      "objcopy --add-section .dep-v0=deps.z --add-section .debug_pad=pad /usr/bin/true end && "
      "objcopy --add-section .debug_pad=pad --add-section .dep-v0=deps.z /usr/bin/true head && "
      "objcopy --add-section .debug_a=half --add-section .dep-v0=deps.z --add-section .debug_b=half /usr/bin/true middle "
      "2>&1");
  ASSERT_TRUE(fs::exists(dir / "middle")) << log;
  for (const char* name : {"head", "end"}) {
    std::string bin = testing::slurp(dir / name);
    ASSERT_GT(bin.size(), 30u << 20) << name;
    auto pkgs = analyze(*make_rust_binary_analyzer(), name, bin, 65536);
    ASSERT_EQ(pkgs.size(), 1u) << name;
    EXPECT_EQ(pkgs[0].purl, "pkg:cargo/serde@1.0.197");
    auto both = analyze(*make_binary_analyzer(), name, bin, 65536);
    ASSERT_EQ(both.size(), 1u) << name;
    EXPECT_EQ(both[0].purl, "pkg:cargo/serde@1.0.197");
  }
  // In the middle of a 40 MiB tail it is not read: an error that says why.
  image::FileMeta meta;
  meta.path = "middle";
  testing::StringReader r(testing::slurp(dir / "middle"), 65536);
  auto res = make_rust_binary_analyzer()->analyze(meta, r);
  fs::remove_all(dir);
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message.find("outside the first 8 MiB and last 16 MiB"), std::string::npos)
      << res.error().message;
}

// The one-pass ELF analyzer reports a Go binary as the Go analyzer does.
TEST(LangRust, BinaryAnalyzerReadsGoToo) {
  const char* bin = "/usr/bin/docker-registry";
  if (!fs::exists(bin)) GTEST_SKIP() << "docker-registry is not installed";
  std::string content = testing::slurp(bin);
  auto go = analyze(*make_golang_analyzer(), "usr/bin/docker-registry", content, 65536);
  auto both = analyze(*make_binary_analyzer(), "usr/bin/docker-registry", content, 65536);
  ASSERT_FALSE(go.empty());
  ASSERT_EQ(both.size(), go.size());
  for (size_t i = 0; i < go.size(); ++i) EXPECT_EQ(both[i].purl, go[i].purl);
}

TEST(LangRust, InflateBounds) {
  EXPECT_FALSE(zlib_inflate("not zlib", 1024).has_value());
  std::string z = run("python3 -c \"import zlib,sys; sys.stdout.buffer.write(zlib.compress(b'a'*100000).hex().encode())\"");
  if (z.empty()) GTEST_SKIP() << "needs python3";
  std::string bin;
  for (size_t i = 0; i + 1 < z.size(); i += 2) bin.push_back(static_cast<char>(std::stoi(z.substr(i, 2), nullptr, 16)));
  auto ok = zlib_inflate(bin, 1 << 20);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->size(), 100000u);
  EXPECT_FALSE(zlib_inflate(bin, 1000).has_value());
}

}  // namespace
}  // namespace ig::inventory::lang
