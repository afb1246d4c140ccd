// Alias groups end to end: fixture records in the feeds' real formats (OSV
// with aliases, NVD CVE 2.0, Debian tracker, Alpine secdb) imported as
// `db import` would, then matched.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "scan/matcher.h"
#include "scan/report.h"
#include "vulndb/importer.h"

namespace ig::scan {
namespace {

namespace fs = std::filesystem;

fs::path fixtures() { return fs::path(IG_SOURCE_DIR) / "tests" / "fixtures" / "advisories" / "aliases"; }

inventory::Package package(std::string eco, std::string name, std::string version, std::string source = {}) {
  inventory::Package p;
  p.ecosystem = std::move(eco);
  p.name = std::move(name);
  p.version = std::move(version);
  p.source_name = std::move(source);
  p.purl = "pkg:" + p.ecosystem + "/" + p.name + "@" + p.version;
  p.locations.push_back("fixture");
  return p;
}

class AliasMatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "ig-alias-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    auto db = vulndb::Database::open(dir_ / "db.sqlite", vulndb::Database::Mode::write);
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
    for (const char* src : {"osv", "debian/tracker.json", "secdb/v3.18-main.json", "nvd/nvdcve-2.0-fixture.json"}) {
      auto r = vulndb::import_source(*db_, fixtures() / src, std::nullopt);
      ASSERT_TRUE(r) << src << ": " << r.error().message;
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  MatchResult match_inventory(inventory::Inventory inv) {
    auto r = match(inv, *db_);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : MatchResult{};
  }

  fs::path dir_;
  std::optional<vulndb::Database> db_;
};

TEST_F(AliasMatchTest, ChainOfThreeRecordsGivesOneFindingWithTheGhsaRating) {
  inventory::Inventory inv;
  inv.packages = {package("golang", "example.com/chain", "v1.2.0")};
  auto r = match_inventory(inv);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2099-1000");
  EXPECT_EQ(f.aliases, (std::vector<std::string>{"GHSA-c4a1-n111-aaaa", "GO-2099-0001"}));
  // GHSA's CVSS 9.8 beats NVD's 7.5 for a language package.
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.severity_source, "ghsa");
  EXPECT_EQ(f.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  // Two feeds, two fixes: golang/vulndb speaks for Go modules; the GHSA's is shown as a disagreement.
  EXPECT_EQ(f.fix_source, "GO-2099-0001");
  EXPECT_EQ(f.fixed_versions, std::vector<std::string>{"1.2.3"});
  ASSERT_EQ(f.fix_disagreements.size(), 1u);
  EXPECT_EQ(f.fix_disagreements[0].id, "GHSA-c4a1-n111-aaaa");
  EXPECT_EQ(f.fix_disagreements[0].fixed_versions, std::vector<std::string>{"1.2.4"});
  EXPECT_EQ(summary_line(r.findings), "Total: 1 (CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)");
}

TEST_F(AliasMatchTest, BetweenTheTwoFixesOnlyTheLaterFeedStillReports) {
  // 1.2.3 is fixed for golang/vulndb, not for the GHSA: still one finding, from the GHSA.
  inventory::Inventory inv;
  inv.packages = {package("golang", "example.com/chain", "v1.2.3")};
  auto r = match_inventory(inv);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].vulnerability_id, "CVE-2099-1000");
  EXPECT_EQ(r.findings[0].fix_source, "GHSA-c4a1-n111-aaaa");
  EXPECT_EQ(r.findings[0].fixed_versions, std::vector<std::string>{"1.2.4"});
}

TEST_F(AliasMatchTest, CveRatedOnlyByNvd) {
  inventory::Inventory inv;
  inv.packages = {package("pypi", "nvd-only", "1.0")};
  auto r = match_inventory(inv);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2099-3000");
  EXPECT_EQ(f.aliases, std::vector<std::string>{"PYSEC-2099-1"});
  // NVD's v3.1 (8.8, the CNA's) before its v4.0, as for every source.
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.severity_source, "nvd");
  ASSERT_TRUE(f.cvss_score);
  EXPECT_DOUBLE_EQ(*f.cvss_score, 8.8);
  EXPECT_EQ(f.title, "Fixture: code execution in nvd-only.");
}

TEST_F(AliasMatchTest, WithdrawnAliasNeitherReportsNorRates) {
  inventory::Inventory inv;
  inv.packages = {package("golang", "example.com/withdrawn", "v1.0.0")};
  auto r = match_inventory(inv);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2099-4000");
  EXPECT_EQ(f.fix_source, "GO-2099-0004");
  // The withdrawn GHSA's 9.8 is not used; NVD's 5.3 is.
  EXPECT_EQ(f.severity, Severity::medium);
  EXPECT_EQ(f.severity_source, "nvd");
}

TEST_F(AliasMatchTest, DistroRatingBeatsHigherCvssAndTrackerFixWins) {
  inventory::Inventory inv;
  inv.os.id = "debian";
  inv.os.version_id = "12";
  auto z = package("deb", "zlib1g", "1:1.2.13.dfsg-1", "zlib");
  inv.packages = {z};
  auto r = match_inventory(inv);
  // CVE-2099-2000 (tracker + DSA-9999-1, one group) and CVE-2099-2001: the
  // umbrella DSA-9998-1 (bullseye) does not merge them.
  ASSERT_EQ(r.findings.size(), 2u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2099-2000");
  EXPECT_EQ(f.aliases, std::vector<std::string>{"DSA-9999-1"});
  EXPECT_EQ(f.severity, Severity::low);  // Debian says low; NVD says 9.8
  EXPECT_EQ(f.severity_source, "debian");
  ASSERT_TRUE(f.cvss_score);
  EXPECT_DOUBLE_EQ(*f.cvss_score, 9.8);
  EXPECT_EQ(f.fix_source, "CVE-2099-2000");  // the tracker speaks for Debian packages
  EXPECT_EQ(f.status, "affected");
  ASSERT_EQ(f.fix_disagreements.size(), 1u);
  EXPECT_EQ(f.fix_disagreements[0].id, "DSA-9999-1");
  EXPECT_EQ(f.fix_disagreements[0].status, "fixed");
  EXPECT_EQ(r.findings[1].vulnerability_id, "CVE-2099-2001");
  EXPECT_EQ(r.findings[1].severity, Severity::medium);
}

TEST_F(AliasMatchTest, AlpineSecdbAndOsvDisagreeOnTheFix) {
  inventory::Inventory inv;
  inv.os.id = "alpine";
  inv.os.version_id = "3.18.4";
  inv.packages = {package("apk", "zlib", "1.2.13-r1", "zlib")};
  auto r = match_inventory(inv);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2099-5000");
  EXPECT_EQ(f.aliases, std::vector<std::string>{"ALPINE-CVE-2099-5000"});
  EXPECT_EQ(f.fix_source, "CVE-2099-5000");
  EXPECT_EQ(f.fixed_versions, std::vector<std::string>{"1.3-r2"});
  ASSERT_EQ(f.fix_disagreements.size(), 1u);
  EXPECT_EQ(f.fix_disagreements[0].fixed_versions, std::vector<std::string>{"1.3-r1"});
  // The secdb rates nothing: NVD's rating, named as such.
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.severity_source, "nvd");
}

}  // namespace
}  // namespace ig::scan
