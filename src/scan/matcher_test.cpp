#include "scan/matcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace ig::scan {
namespace {

using vulndb::FixStatus;
using vulndb::RangeEvent;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ig-scan-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

vulndb::AffectedRecord record(std::string id, std::string eco, std::string release, std::string pkg,
                              FixStatus status, std::string fixed = {}, std::string severity = {}) {
  vulndb::AffectedRecord r;
  r.vuln_id = std::move(id);
  r.ecosystem = eco;
  r.distro_release = std::move(release);
  r.package = std::move(pkg);
  r.version_type = eco;
  r.status = status;
  r.severity = std::move(severity);
  vulndb::VersionRange range{"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}}};
  if (!fixed.empty()) {
    range.events.push_back({RangeEvent::Kind::fixed, fixed});
    r.fixed_versions.push_back(fixed);
  }
  if (status != FixStatus::not_affected) r.ranges.push_back(range);
  return r;
}

vulndb::Advisory advisory(std::string id, std::string rating, std::vector<vulndb::AffectedRecord> affected,
                          std::vector<std::string> aliases = {}) {
  vulndb::Advisory a;
  a.vuln.id = id;
  a.vuln.summary = "summary of " + id;
  a.vuln.aliases = std::move(aliases);
  if (!rating.empty()) a.vuln.severities.push_back({"osv", "CVSS_V3", "CVSS:3.1/AV:N", 5.0, rating});
  a.affected = std::move(affected);
  return a;
}

inventory::Package package(std::string eco, std::string name, std::string version, std::string source = {},
                           std::string path = "var/lib/dpkg/status") {
  inventory::Package p;
  p.ecosystem = std::move(eco);
  p.name = std::move(name);
  p.version = std::move(version);
  p.source_name = std::move(source);
  p.purl = "pkg:" + p.ecosystem + "/" + p.name + "@" + p.version;
  p.locations.push_back(std::move(path));
  return p;
}

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = vulndb::Database::open(dir_.path() / "db.sqlite", vulndb::Database::Mode::write);
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
    auto s = db_->begin_import("test", "osv", "memory");
    ASSERT_TRUE(s) << s.error().message;
    std::vector<vulndb::Advisory> all = {
        advisory("CVE-2024-0727", "Medium",
                 {record("CVE-2024-0727", "deb", "debian:12", "openssl", FixStatus::fixed, "3.0.13-1~deb12u1")}),
        advisory("CVE-2023-45853", "Critical",
                 {record("CVE-2023-45853", "deb", "debian:12", "zlib", FixStatus::will_not_fix)}),
        advisory("CVE-2022-3358", "High",
                 {record("CVE-2022-3358", "deb", "debian:12", "openssl", FixStatus::not_affected)}),
        advisory("CVE-2023-0286", "High",
                 {record("CVE-2023-0286", "deb", "debian:12", "openssl", FixStatus::fixed, "3.0.8-1", "low")}),
        advisory("CVE-2023-9999", "High",
                 {record("CVE-2023-9999", "deb", "debian:11", "openssl", FixStatus::affected)}),
        advisory("GHSA-35jh-r3h4-6jhm", "High",
                 {record("GHSA-35jh-r3h4-6jhm", "npm", "", "lodash", FixStatus::fixed, "4.17.21")},
                 {"CVE-2021-23337"}),
        advisory("GHSA-bad-range", "High",
                 {record("GHSA-bad-range", "semver", "", "left-pad", FixStatus::fixed, "not.a.version")}),
    };
    for (const auto& a : all) ASSERT_TRUE(s->add(a));
    vulndb::KevEntry kev;
    kev.cve = "CVE-2021-23337";
    ASSERT_TRUE(s->add_kev(kev));
    ASSERT_TRUE(s->commit());
  }

  inventory::Inventory debian(std::string version_id) {
    inventory::Inventory inv;
    inv.os.id = "debian";
    inv.os.version_id = std::move(version_id);
    auto ssl = package("deb", "libssl3", "3.0.11-1~deb12u2", "openssl");
    ssl.source_version = "3.0.11-1~deb12u2";
    inv.packages = {ssl, package("deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib"),
                    package("npm", "lodash", "4.17.20", "", "app/node_modules/lodash/package.json"),
                    package("npm", "lodash", "4.17.21", "", "other/node_modules/lodash/package.json")};
    auto owned = package("npm", "lodash", "4.17.15", "", "usr/share/nodejs/lodash/package.json");
    owned.os_owned = true;
    inv.packages.push_back(owned);
    return inv;
  }

  TempDir dir_;
  std::optional<vulndb::Database> db_;
};

TEST_F(MatcherTest, MatchesDebianBySourcePackageAndLanguagePackages) {
  auto r = match(debian("12"), *db_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->warnings.empty());
  ASSERT_EQ(r->findings.size(), 3u);
  const Finding& ssl = r->findings[0];
  EXPECT_EQ(ssl.package_name, "libssl3");
  EXPECT_EQ(ssl.vulnerability_id, "CVE-2024-0727");
  EXPECT_EQ(ssl.matched_package, "openssl");
  EXPECT_EQ(ssl.status, "fixed");
  EXPECT_EQ(ssl.fixed_versions, std::vector<std::string>{"3.0.13-1~deb12u1"});
  EXPECT_EQ(ssl.severity, Severity::medium);
  EXPECT_EQ(ssl.severity_source, "osv");
  EXPECT_EQ(ssl.distro_release, "debian:12");
  EXPECT_EQ(ssl.title, "summary of CVE-2024-0727");

  const Finding& lodash = r->findings[1];
  EXPECT_EQ(lodash.package_name, "lodash");
  EXPECT_EQ(lodash.package_version, "4.17.20");
  EXPECT_EQ(lodash.path, "app/node_modules/lodash/package.json");
  EXPECT_EQ(lodash.vulnerability_id, "CVE-2021-23337");  // the CVE is shown, the GHSA listed
  EXPECT_EQ(lodash.aliases, std::vector<std::string>{"GHSA-35jh-r3h4-6jhm"});
  EXPECT_TRUE(lodash.kev);  // through its CVE alias
  EXPECT_EQ(lodash.severity, Severity::high);

  const Finding& zlib = r->findings[2];
  EXPECT_EQ(zlib.package_name, "zlib1g");
  EXPECT_EQ(zlib.vulnerability_id, "CVE-2023-45853");
  EXPECT_EQ(zlib.status, "will_not_fix");
  EXPECT_TRUE(zlib.fixed_versions.empty());
  EXPECT_EQ(zlib.severity, Severity::critical);
}

TEST_F(MatcherTest, DistroSeverityWinsForOsPackages) {
  inventory::Inventory inv;
  inv.os.id = "debian";
  inv.os.version_id = "12.5";
  inv.packages = {package("deb", "openssl", "3.0.2-1", "openssl")};
  auto r = match(inv, *db_);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[0].vulnerability_id, "CVE-2023-0286");
  EXPECT_EQ(r->findings[0].severity, Severity::low);
  EXPECT_EQ(r->findings[0].severity_source, "debian");
}

TEST_F(MatcherTest, UnknownReleaseWarnsInsteadOfFallingBack) {
  auto r = match(debian("14"), *db_);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("no advisory data for debian 14"), std::string::npos) << r->warnings[0];
  ASSERT_EQ(r->findings.size(), 1u);  // lodash only
  EXPECT_EQ(r->findings[0].ecosystem, "npm");
}

TEST_F(MatcherTest, OsOwnedLanguagePackagesCanBeIncluded) {
  MatchOptions o;
  o.skip_os_owned = false;
  auto r = match(debian("12"), *db_, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->findings.size(), 4u);
}

// An advisory whose range does not parse is never dropped silently: the scan
// warns that it was not checked, naming the advisory and the package.
TEST_F(MatcherTest, UnparsableRangeIsReportedAsNotChecked) {
  inventory::Inventory inv;
  inv.packages = {package("semver", "left-pad", "1.0.0", "", "srv/Cargo.lock")};
  auto r = match(inv, *db_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->findings.empty());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("GHSA-bad-range not checked for semver left-pad 1.0.0"), std::string::npos)
      << r->warnings[0];
  EXPECT_NE(r->warnings[0].find("not.a.version"), std::string::npos) << r->warnings[0];
}

TEST(DistroReleaseKey, FollowsTheImportersKeys) {
  auto key = [](std::string id, std::string v, std::string codename = {}) {
    inventory::OsInfo os;
    os.id = std::move(id);
    os.version_id = std::move(v);
    os.codename = std::move(codename);
    return distro_release_key(os);
  };
  EXPECT_EQ(key("debian", "12"), "debian:12");
  EXPECT_EQ(key("debian", "", "trixie"), "debian:13");
  EXPECT_EQ(key("ubuntu", "22.04"), "ubuntu:22.04");
  EXPECT_EQ(key("alpine", "3.18.4"), "alpine:3.18");
  EXPECT_EQ(key("rocky", "9.3"), "rocky:9");
  EXPECT_EQ(key("almalinux", "8.9"), "almalinux:8");
  EXPECT_EQ(key("amzn", "2"), "amazonlinux:2");
  EXPECT_EQ(key("amzn", "2023"), "amazonlinux:2023");
  EXPECT_EQ(key("fedora", "39"), "");
  EXPECT_EQ(key("", ""), "");
}

}  // namespace
}  // namespace ig::scan
