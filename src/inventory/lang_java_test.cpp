// Java cataloger on Debian's real jars, nested archives and manifest-only jars.
#include "inventory/lang_java.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

namespace fs = std::filesystem;
using testing::analyze;
using testing::find;
using testing::run;

constexpr const char* k_lang3 = "/usr/share/java/commons-lang3.jar";
constexpr const char* k_pom = "META-INF/maven/org.apache.commons/commons-lang3/pom.properties";

// The version in the jar's own pom.properties, read with unzip(1).
std::string lang3_version() {
  return run(std::string("unzip -p ") + k_lang3 + " " + k_pom + " 2>/dev/null | sed -n 's/^version=//p'");
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ig-lang-java-" + name + "-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

TEST(LangJava, DebianCommonsLang3) {
  if (!fs::exists(k_lang3)) GTEST_SKIP() << "libcommons-lang3-java is not installed";
  std::string version = lang3_version();
  ASSERT_FALSE(version.empty());
  auto a = make_java_analyzer();
  auto pkgs = analyze(*a, "usr/share/java/commons-lang3.jar", testing::slurp(k_lang3), 1000);
  ASSERT_EQ(pkgs.size(), 1u);
  EXPECT_EQ(pkgs[0].ecosystem, "maven");
  EXPECT_EQ(pkgs[0].name, "org.apache.commons:commons-lang3");
  EXPECT_EQ(pkgs[0].version, version);
  EXPECT_EQ(pkgs[0].purl, "pkg:maven/org.apache.commons/commons-lang3@" + version);
  EXPECT_EQ(pkgs[0].locations, std::vector<std::string>{"usr/share/java/commons-lang3.jar"});
  // The in-memory path agrees with the streaming one.
  auto mem = parse_java_archive(testing::slurp(k_lang3), "x.jar");
  ASSERT_TRUE(mem.has_value());
  ASSERT_EQ(mem->size(), 1u);
  EXPECT_EQ((*mem)[0].name, "org.apache.commons:commons-lang3");
}

// A war with WEB-INF/lib jars (one of them inside a nested ear-in-war jar) and
// a manifest-only jar, written with Python's zipfile.
TEST(LangJava, NestedArchivesAndManifestFallback) {
  if (!fs::exists(k_lang3) || run("command -v python3").empty()) GTEST_SKIP() << "needs commons-lang3 and python3";
  fs::path dir = temp_dir("nested");
  std::string script = R"(
import sys, zipfile, io
lang3 = open(sys.argv[1], 'rb').read()
def jar(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, d in entries: z.writestr(n, d)
    return b.getvalue()
plain = jar([('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\r\nImplementation-Title: Tiny Lib\r\nImplementation-Version: 4.5.6\r\nImplementation-Vendor-Id: org.example\r\n\r\nName: x\r\nImplementation-Version: 9\r\n'), ('a/B.class', 'x')])
nameonly = jar([('a/C.class', 'y')])
inner = jar([('WEB-INF/lib/tiny-lib-4.5.6.jar', plain)])
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('WEB-INF/lib/commons-lang3-3.12.0.jar', lang3)
    z.writestr('WEB-INF/lib/inner.jar', inner, compress_type=zipfile.ZIP_STORED)
    z.writestr('WEB-INF/lib/foo-bar-2.0.1-SNAPSHOT.jar', nameonly)
    z.writestr('index.html', '<html/>')
)";
  std::ofstream(dir / "mk.py") << script;
  fs::path war = dir / "app.war";
  ASSERT_EQ(std::system(("python3 " + (dir / "mk.py").string() + " " + k_lang3 + " " + war.string()).c_str()), 0);
  auto pkgs = analyze(*make_java_analyzer(), "opt/app.war", testing::slurp(war));
  fs::remove_all(dir);
  const Package* lang3 = find(pkgs, "org.apache.commons:commons-lang3");
  ASSERT_NE(lang3, nullptr);
  EXPECT_EQ(lang3->version, lang3_version());
  EXPECT_EQ(lang3->extra.value("archive_path", ""), "WEB-INF/lib/commons-lang3-3.12.0.jar");
  EXPECT_EQ(lang3->locations, std::vector<std::string>{"opt/app.war"});
  const Package* tiny = find(pkgs, "org.example:tiny-lib");  // from MANIFEST.MF, two levels down
  ASSERT_NE(tiny, nullptr);
  EXPECT_EQ(tiny->version, "4.5.6");
  EXPECT_EQ(tiny->extra.value("archive_path", ""), "WEB-INF/lib/inner.jar!WEB-INF/lib/tiny-lib-4.5.6.jar");
  const Package* foo = find(pkgs, "foo-bar");  // from the file name alone
  ASSERT_NE(foo, nullptr);
  EXPECT_EQ(foo->version, "2.0.1-SNAPSHOT");
  // inner.jar has no version anywhere; the war itself is named without one: neither is reported.
  EXPECT_EQ(pkgs.size(), 3u);
}

TEST(LangJava, RejectsNonZip) {
  image::FileMeta meta;
  meta.path = "x.jar";
  testing::StringReader r("this is not a zip file at all, just text");
  EXPECT_FALSE(make_java_analyzer()->analyze(meta, r).has_value());
}

}  // namespace
}  // namespace ig::inventory::lang
