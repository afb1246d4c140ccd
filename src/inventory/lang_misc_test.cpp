// Ruby gemspecs (Debian's real ones), Composer installed.json and .NET deps.json.
#include <gtest/gtest.h>

#include <filesystem>

#include "inventory/lang_dotnet.h"
#include "inventory/lang_php.h"
#include "inventory/lang_ruby.h"
#include "inventory/lang_test_util.h"

namespace ig::inventory::lang {
namespace {

namespace fs = std::filesystem;
using testing::analyze;
using testing::find;

TEST(LangRuby, GemspecDsl) {
  auto pkgs = analyze(*make_ruby_analyzer(), "usr/lib/ruby/gems/3.1.0/specifications/json-2.6.1.gemspec", R"(
# -*- encoding: utf-8 -*-
# stub: json 2.6.1 ruby lib
Gem::Specification.new do |s|
  s.name = "json".freeze
  s.version = "2.6.1"
  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.licenses = ["Ruby".freeze, 'BSD-2-Clause'.freeze]
  s.homepage = "https://flori.github.io/json".freeze
end
)");
  ASSERT_EQ(pkgs.size(), 1u);
  EXPECT_EQ(pkgs[0].name, "json");
  EXPECT_EQ(pkgs[0].version, "2.6.1");
  EXPECT_EQ(pkgs[0].purl, "pkg:gem/json@2.6.1");
  EXPECT_EQ(pkgs[0].licenses, (std::vector<std::string>{"Ruby", "BSD-2-Clause"}));
}

TEST(LangRuby, DebianRackGemspec) {
  fs::path dir = "/usr/share/rubygems-integration/all/specifications";
  std::string deb = testing::run("dpkg-query -W -f='${Version}' ruby-rack 2>/dev/null");
  if (deb.empty() || !fs::exists(dir)) GTEST_SKIP() << "ruby-rack is not installed";
  int found = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string base = e.path().filename().string();
    if (!base.starts_with("rack-") || !base.ends_with(".gemspec")) continue;
    auto pkgs = analyze(*make_ruby_analyzer(), e.path().string().substr(1), testing::slurp(e.path()));
    ASSERT_EQ(pkgs.size(), 1u);
    EXPECT_EQ(pkgs[0].name, "rack");
    // Debian's version is upstream "-" revision (maybe with a "+dfsg" repack suffix).
    EXPECT_TRUE(deb.starts_with(pkgs[0].version + "-") || deb.starts_with(pkgs[0].version + "+")) << deb;
    EXPECT_EQ(pkgs[0].licenses, std::vector<std::string>{"MIT"});
    ++found;
  }
  EXPECT_EQ(found, 1);
}

TEST(LangPhp, InstalledJsonV1AndV2) {
  auto a = make_php_analyzer();
  auto v2 = analyze(*a, "var/www/vendor/composer/installed.json", testing::fixture("php/installed-v2.json"));
  ASSERT_EQ(v2.size(), 3u);
  const Package* mono = find(v2, "monolog/monolog");
  ASSERT_NE(mono, nullptr);
  EXPECT_EQ(mono->version, "3.5.0");
  EXPECT_EQ(mono->purl, "pkg:composer/monolog/monolog@3.5.0");
  EXPECT_EQ(mono->licenses, std::vector<std::string>{"MIT"});
  EXPECT_TRUE(find(v2, "phpunit/phpunit")->extra.value("dev", false));
  auto v1 = analyze(*a, "vendor/composer/installed.json", testing::fixture("php/installed-v1.json"));
  ASSERT_EQ(v1.size(), 2u);
  EXPECT_EQ(find(v1, "symfony/polyfill-php72")->version, "v1.26.0");
  image::FileMeta meta;
  meta.path = "vendor/composer/installed.json";
  testing::StringReader bad(R"({"nope": 1})");
  EXPECT_FALSE(a->analyze(meta, bad).has_value());
}

TEST(LangDotnet, DepsJson) {
  auto pkgs = analyze(*make_dotnet_analyzer(), "app/webapi.deps.json", testing::fixture("dotnet/webapi.deps.json"));
  ASSERT_EQ(pkgs.size(), 2u);  // the project itself is not a NuGet package
  const Package* nj = find(pkgs, "Newtonsoft.Json");
  ASSERT_NE(nj, nullptr);
  EXPECT_EQ(nj->version, "13.0.1");
  EXPECT_EQ(nj->purl, "pkg:nuget/Newtonsoft.Json@13.0.1");
  EXPECT_EQ(find(pkgs, "Serilog")->version, "3.1.1");
}

}  // namespace
}  // namespace ig::inventory::lang
