// npm catalogers on package.json variants and real-format lockfiles.
#include "inventory/lang_npm.h"

#include <gtest/gtest.h>

#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

using testing::analyze;
using testing::find;

TEST(LangNpm, PackageJsonLicenseShapesAndScope) {
  auto a = make_npm_package_analyzer();
  auto p1 = analyze(*a, "app/node_modules/@babel/core/package.json",
                    R"({"name":"@babel/core","version":"7.24.0","license":"MIT","homepage":"https://babel.dev"})");
  ASSERT_EQ(p1.size(), 1u);
  EXPECT_EQ(p1[0].ecosystem, "npm");
  EXPECT_EQ(p1[0].purl, "pkg:npm/%40babel/core@7.24.0");
  EXPECT_EQ(p1[0].licenses, std::vector<std::string>{"MIT"});
  EXPECT_EQ(p1[0].locations, std::vector<std::string>{"app/node_modules/@babel/core/package.json"});

  auto p2 = analyze(*a, "node_modules/old/package.json",
                    R"({"name":"old","version":"0.1.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]})");
  ASSERT_EQ(p2.size(), 1u);
  EXPECT_EQ(p2[0].licenses, (std::vector<std::string>{"MIT", "Apache-2.0"}));

  auto p3 = analyze(*a, "node_modules/x/package.json",
                    R"({"name":"x","version":"1.0.0","license":{"type":"ISC","url":"u"},"private":true})");
  ASSERT_EQ(p3.size(), 1u);
  EXPECT_EQ(p3[0].licenses, std::vector<std::string>{"ISC"});
  EXPECT_TRUE(p3[0].is_private);
}

TEST(LangNpm, SkipsNamelessAndNestedManifests) {
  auto a = make_npm_package_analyzer();
  EXPECT_TRUE(analyze(*a, "node_modules/x/package.json", R"({"version":"1.0.0"})").empty());
  EXPECT_TRUE(analyze(*a, "node_modules/x/package.json", R"({"name":"x"})").empty());
  // A fixture deep inside a package is not an installed package.
  EXPECT_TRUE(analyze(*a, "node_modules/x/test/fixtures/y/package.json", R"({"name":"y","version":"1.0.0"})").empty());
  image::FileMeta meta;
  meta.path = "node_modules/x/package.json";
  testing::StringReader bad("{not json");
  EXPECT_FALSE(a->analyze(meta, bad).has_value());
}

TEST(LangNpm, LockfileV3) {
  auto a = make_npm_lock_analyzer();
  auto pkgs = analyze(*a, "srv/app/package-lock.json", testing::fixture("npm/package-lock-v3.json"), 100);
  ASSERT_EQ(pkgs.size(), 5u);  // not the root, not the workspace folder, not the link
  const Package* cf = find(pkgs, "@babel/code-frame");
  ASSERT_NE(cf, nullptr);
  EXPECT_EQ(cf->version, "7.24.2");
  EXPECT_EQ(cf->licenses, std::vector<std::string>{"MIT"});
  EXPECT_EQ(cf->purl, "pkg:npm/%40babel/code-frame@7.24.2");
  ASSERT_NE(find(pkgs, "picocolors"), nullptr);
  EXPECT_EQ(find(pkgs, "picocolors")->version, "1.0.0");
  ASSERT_NE(find(pkgs, "string-width"), nullptr);  // alias: the real name
  ASSERT_NE(find(pkgs, "left-pad"), nullptr);
  EXPECT_EQ(find(pkgs, "left-pad")->extra.value("dev", false), true);
  EXPECT_EQ(find(pkgs, "@webapp/shared"), nullptr);
}

TEST(LangNpm, LockfileV1Tree) {
  auto a = make_npm_lock_analyzer();
  auto pkgs = analyze(*a, "package-lock.json", testing::fixture("npm/package-lock-v1.json"));
  ASSERT_EQ(pkgs.size(), 3u);
  int ms = 0;
  for (const auto& p : pkgs) ms += p.name == "ms";
  EXPECT_EQ(ms, 2);  // 2.0.0 nested under debug and 2.1.3 at the top
  EXPECT_EQ(find(pkgs, "debug")->version, "2.6.9");
  // Lockfiles inside installed packages are ignored.
  EXPECT_TRUE(analyze(*a, "node_modules/x/package-lock.json", testing::fixture("npm/package-lock-v1.json")).empty());
}

TEST(LangNpm, LockPackagesShadowedByNodeModules) {
  auto lock = analyze(*make_npm_lock_analyzer(), "app/package-lock.json", testing::fixture("npm/package-lock-v1.json"));
  auto other = analyze(*make_npm_lock_analyzer(), "other/package-lock.json",
                       testing::fixture("npm/package-lock-v1.json"));
  auto installed = analyze(*make_npm_package_analyzer(), "app/node_modules/debug/package.json",
                           R"({"name":"debug","version":"2.6.9"})");
  std::vector<Package> all = lock;
  all.insert(all.end(), other.begin(), other.end());
  all.insert(all.end(), installed.begin(), installed.end());
  drop_npm_lock_packages_shadowed_by_node_modules(all);
  ASSERT_EQ(all.size(), other.size() + 1);
  for (const auto& p : all) EXPECT_NE(p.locations[0], "app/package-lock.json");
}

}  // namespace
}  // namespace ig::inventory::lang
