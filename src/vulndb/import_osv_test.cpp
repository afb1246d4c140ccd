#include "vulndb/import_osv.h"

#include <gtest/gtest.h>

#include "util/fs.h"
#include "vulndb/cvss.h"
#include "vulndb/document.h"
#include "vulndb/importer.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::fixtures;
using testing::TempDir;

Advisory parse_fixture(const std::string& rel) {
  auto text = read_file(fixtures() / rel);
  EXPECT_TRUE(text);
  auto doc = parse_document(*text, rel);
  EXPECT_TRUE(doc) << doc.error().message;
  auto a = parse_osv_record(*doc);
  EXPECT_TRUE(a) << a.error().message;
  return a ? *a : Advisory{};
}

TEST(Osv, MapsEcosystems) {
  struct Case {
    const char* osv;
    const char* eco;
    const char* release;
  } cases[] = {
      {"Debian:12", "deb", "debian:12"},
      {"Debian", "deb", "debian"},
      {"Ubuntu:22.04:LTS", "deb", "ubuntu:22.04"},
      {"Ubuntu:Pro:18.04:LTS", "deb", "ubuntu:18.04"},
      {"Alpine:v3.18", "apk", "alpine:3.18"},
      {"Rocky Linux:9", "rpm", "rocky:9"},
      {"AlmaLinux:8", "rpm", "almalinux:8"},
      {"Red Hat:enterprise_linux:9::appstream", "rpm", "rhel:9"},
      {"Go", "golang", ""},
      {"PyPI", "pypi", ""},
      {"npm", "npm", ""},
      {"Maven", "maven", ""},
      {"crates.io", "cargo", ""},
      {"RubyGems", "gem", ""},
      {"Packagist", "composer", ""},
      {"NuGet", "nuget", ""},
  };
  for (const auto& c : cases) {
    auto m = map_osv_ecosystem(c.osv);
    ASSERT_TRUE(m) << c.osv;
    EXPECT_EQ(m->ecosystem, c.eco) << c.osv;
    EXPECT_EQ(m->distro_release, c.release) << c.osv;
    EXPECT_EQ(m->version_type, c.eco) << c.osv;
  }
  EXPECT_FALSE(map_osv_ecosystem("Hex"));
  EXPECT_FALSE(map_osv_ecosystem(""));
}

TEST(Osv, NormalisesPackageNames) {
  EXPECT_EQ(normalize_package_name("pypi", "Zope.Interface__x"), "zope-interface-x");
  EXPECT_EQ(normalize_package_name("composer", "Symfony/HTTP-Kernel"), "symfony/http-kernel");
  EXPECT_EQ(normalize_package_name("nuget", "Newtonsoft.Json"), "newtonsoft.json");
  EXPECT_EQ(normalize_package_name("maven", "org.Foo:Bar"), "org.Foo:Bar");
  EXPECT_EQ(normalize_package_name("golang", "github.com/BurntSushi/toml"), "github.com/BurntSushi/toml");
}

TEST(Osv, ParsesALanguageRecord) {
  auto a = parse_fixture("osv/pypi/GHSA-j8r2-6x86-q33q.json");
  EXPECT_EQ(a.vuln.id, "GHSA-j8r2-6x86-q33q");
  EXPECT_EQ(a.vuln.aliases, (std::vector<std::string>{"CVE-2023-32681", "PYSEC-2023-74"}));
  EXPECT_EQ(a.vuln.primary_url, "https://nvd.nist.gov/vuln/detail/CVE-2023-32681");
  ASSERT_EQ(a.vuln.severities.size(), 2u);
  EXPECT_EQ(a.vuln.severities[0].type, "CVSS_V3");
  EXPECT_DOUBLE_EQ(*a.vuln.severities[0].score, 5.3);
  EXPECT_EQ(a.vuln.severities[0].rating, "Medium");
  EXPECT_EQ(a.vuln.severities[1].type, "label");
  EXPECT_EQ(a.vuln.severities[1].source, "database_specific");
  EXPECT_EQ(a.vuln.severities[1].rating, "Medium");
  ASSERT_EQ(a.affected.size(), 1u);
  const auto& r = a.affected[0];
  EXPECT_EQ(r.package, "requests");  // PEP 503
  EXPECT_EQ(r.ecosystem, "pypi");
  EXPECT_EQ(r.distro_release, "");
  EXPECT_EQ(r.status, FixStatus::fixed);
  EXPECT_EQ(r.fixed_versions, std::vector<std::string>{"2.31.0"});
  ASSERT_EQ(r.ranges.size(), 1u);
  EXPECT_EQ(r.ranges[0].events[0].version, "2.3.0");
}

TEST(Osv, ParsesDistroRecordsWithUrgencyAndVersions) {
  auto a = parse_fixture("osv/debian/DEBIAN-CVE-2023-0286.json");
  ASSERT_EQ(a.affected.size(), 2u);
  EXPECT_EQ(a.affected[0].distro_release, "debian:11");
  EXPECT_EQ(a.affected[0].severity, "not yet assigned");
  EXPECT_EQ(a.affected[1].distro_release, "debian:12");
  EXPECT_EQ(a.affected[1].versions, (std::vector<std::string>{"3.0.7-1", "3.0.7-2"}));
  auto u = parse_fixture("osv/ubuntu/UBUNTU-CVE-2023-4911.json");
  ASSERT_EQ(u.vuln.severities.size(), 2u);
  EXPECT_EQ(u.vuln.severities[0].type, "label");
  EXPECT_EQ(u.vuln.severities[0].rating, "High");
  EXPECT_DOUBLE_EQ(*u.vuln.severities[1].score, 7.8);
  auto rocky = parse_fixture("osv/rocky/RLSA-2023-5453.json");
  ASSERT_EQ(rocky.affected.size(), 2u);
  EXPECT_EQ(rocky.affected[0].distro_release, "rocky:9");
  EXPECT_EQ(rocky.affected[1].distro_release, "rhel:9");
  EXPECT_EQ(rocky.affected[1].severity, "Important");
}

TEST(Osv, ParsesYamlDropsGitRangesAndScoresCvss4) {
  auto a = parse_fixture("osv/misc/RUSTSEC-2023-0044.yaml");
  EXPECT_EQ(a.vuln.id, "RUSTSEC-2023-0044");
  ASSERT_EQ(a.affected.size(), 1u);
  EXPECT_EQ(a.affected[0].ecosystem, "cargo");
  ASSERT_EQ(a.affected[0].ranges.size(), 1u);
  EXPECT_EQ(a.affected[0].ranges[0].type, "SEMVER");
  ASSERT_EQ(a.vuln.severities.size(), 1u);
  EXPECT_EQ(a.vuln.severities[0].type, "CVSS_V4");
  ASSERT_TRUE(a.vuln.severities[0].score);
  EXPECT_EQ(a.vuln.severities[0].rating, rating_for(CvssVersion::v4_0, *a.vuln.severities[0].score));
}

TEST(Osv, RejectsMalformedRecords) {
  const char* bad[] = {
      R"([1, 2])",
      R"({"summary": "no id"})",
      R"({"id": 5})",
      R"({"id": "X-1", "affected": {"not": "an array"}})",
      R"({"id": "X-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM"}]}]})",
      R"({"id": "X-3", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": 1}]}]}]})",
      R"({"id": "X-4", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": "x"}]})",
  };
  for (const char* text : bad) {
    auto doc = parse_document(text, "test");
    ASSERT_TRUE(doc) << text;
    auto a = doc->is_array() ? parse_osv_record((*doc)[0]) : parse_osv_record(*doc);
    EXPECT_FALSE(a) << text;
    if (!a) {
      EXPECT_EQ(a.error().code, ErrorCode::invalid_image);
    }
  }
  EXPECT_FALSE(parse_document(std::string(10000, '['), "deep"));
  EXPECT_FALSE(parse_document("{\"id\": ", "truncated"));
}

TEST(Osv, ImportsADirectorySkippingBadRecords) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "osv", std::nullopt, "osv-fixtures");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, SourceKind::osv);
  EXPECT_EQ(r->stats.records, 11);
  EXPECT_EQ(r->stats.skipped, 2);

  auto log4j = db->affected("maven", "", "org.apache.logging.log4j:log4j-core");
  ASSERT_TRUE(log4j);
  ASSERT_EQ(log4j->size(), 1u);
  EXPECT_EQ((*log4j)[0].ranges.size(), 3u);
  EXPECT_EQ(db->affected("npm", "", "lodash-es")->size(), 1u);
  EXPECT_EQ(db->affected("golang", "", "stdlib")->at(0).fixed_versions.size(), 2u);
  EXPECT_EQ(db->affected("apk", "alpine:3.18", "openssl")->size(), 1u);
  EXPECT_EQ(db->affected("deb", "ubuntu:22.04", "glibc")->size(), 1u);
  // Withdrawn records keep their details but match nothing.
  EXPECT_TRUE(db->affected("pypi", "", "withdrawn-pkg")->empty());
  ASSERT_TRUE(db->vulnerability("GHSA-wwww-wwww-wwww").value());
  // Explicit versions without ranges.
  auto rack = db->affected("gem", "", "rack");
  ASSERT_EQ(rack->size(), 1u);
  EXPECT_EQ((*rack)[0].versions, std::vector<std::string>{"2.2.6.2"});
  EXPECT_TRUE((*rack)[0].ranges.empty());
  EXPECT_EQ((*rack)[0].status, FixStatus::affected);
}

TEST(Osv, ImportsAZipArchive) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "osv-all.zip", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stats.records, 2);
  EXPECT_EQ(r->stats.skipped, 1);  // broken.json; README.txt is not a record file
  auto jinja = db->affected("pypi", "", "jinja2");
  ASSERT_TRUE(jinja);
  ASSERT_EQ(jinja->size(), 1u);
  EXPECT_EQ((*jinja)[0].ranges[0].events[1].kind, RangeEvent::Kind::last_affected);
  EXPECT_EQ((*jinja)[0].status, FixStatus::affected);
}

}  // namespace
}  // namespace ig::vulndb
