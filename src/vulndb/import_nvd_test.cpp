#include "vulndb/import_nvd.h"

#include <gtest/gtest.h>

#include "util/fs.h"
#include "vulndb/importer.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::fixtures;
using testing::TempDir;

std::filesystem::path nvd_fixture() { return fixtures() / "aliases" / "nvd" / "nvdcve-2.0-fixture.json"; }

const Severity* rating(const Vulnerability& v, std::string_view type) {
  for (const auto& s : v.severities) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

TEST(ImportNvd, ParsesRatingsCwesAndReferencesAndSkipsRejected) {
  auto text = read_file(nvd_fixture(), 1 << 20);
  ASSERT_TRUE(text) << text.error().message;
  int64_t skipped = 0;
  auto parsed = parse_nvd(*text, "fixture", &skipped);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 5u);
  EXPECT_EQ(skipped, 1);  // CVE-2099-9999 is Rejected
  const Vulnerability& v = (*parsed)[0].vuln;
  EXPECT_EQ(v.id, "CVE-2099-1000");
  EXPECT_TRUE((*parsed)[0].affected.empty());  // enrichment only
  EXPECT_EQ(v.details, "Fixture: unbounded allocation in example.com/chain.");
  // NVD's own (Primary) v3.1 rating, not the CNA's higher one listed first.
  const Severity* v3 = rating(v, "CVSS_V3");
  ASSERT_NE(v3, nullptr);
  EXPECT_EQ(v3->source, "nvd");
  EXPECT_EQ(v3->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H");
  EXPECT_EQ(v3->rating, "High");
  ASSERT_NE(rating(v, "CVSS_V2"), nullptr);
  EXPECT_EQ(v.cwes, std::vector<std::string>{"CWE-770"});  // NVD-CWE-noinfo is no CWE
  ASSERT_EQ(v.references.size(), 1u);
  EXPECT_EQ(v.references[0].url, "https://example.org/CVE-2099-1000");
  // Only a CNA rating for v3.1: that one is kept, next to NVD's v4.0.
  const Vulnerability& w = (*parsed)[2].vuln;
  ASSERT_NE(rating(w, "CVSS_V3"), nullptr);
  EXPECT_EQ(rating(w, "CVSS_V3")->score, 8.8);
  ASSERT_NE(rating(w, "CVSS_V4"), nullptr);
  EXPECT_EQ(rating(w, "CVSS_V4")->rating, "Critical");
}

TEST(ImportNvd, RejectsWhatIsNotAFeed) {
  int64_t skipped = 0;
  for (const char* bad : {"", "[1,2]", "{\"format\":\"NVD_CVE\"}", "{\"vulnerabilities\":", "not json"}) {
    auto r = parse_nvd(bad, "bad.json", &skipped);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
    EXPECT_NE(r.error().message.find("bad.json"), std::string::npos);
  }
  std::string deep(200, '[');
  auto r = parse_nvd(deep, "deep.json", &skipped);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested deeper"), std::string::npos);
}

TEST(ImportNvd, DetectedAndImportedAsEnrichmentOfTheGroup) {
  auto kind = detect_source_kind(nvd_fixture());
  ASSERT_TRUE(kind) << kind.error().message;
  EXPECT_EQ(*kind, SourceKind::nvd);
  TempDir dir;
  auto db = Database::open(dir.path() / "db.sqlite", Database::Mode::write);
  ASSERT_TRUE(db) << db.error().message;
  auto osv = import_source(*db, fixtures() / "aliases" / "osv", std::nullopt);
  ASSERT_TRUE(osv) << osv.error().message;
  auto nvd = import_source(*db, nvd_fixture(), std::nullopt);
  ASSERT_TRUE(nvd) << nvd.error().message;
  EXPECT_EQ(nvd->kind, SourceKind::nvd);
  EXPECT_EQ(nvd->stats.records, 5);
  // No affected rows: NVD never gives a finding by itself.
  auto st = db->status();
  ASSERT_TRUE(st);
  auto only_osv = db->affected("golang", "", "example.com/chain");
  ASSERT_TRUE(only_osv);
  EXPECT_EQ(only_osv->size(), 2u);
  auto v = db->vulnerability("CVE-2099-1000");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ((*v)->cwes, std::vector<std::string>{"CWE-770"});
  std::vector<std::string> ids = {"GO-2099-0001", "CVE-2099-2001", "DSA-9998-1", "GO-2099-0004"};
  auto groups = db->groups(ids);
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_EQ((*groups)[0], (std::vector<std::string>{"CVE-2099-1000", "GHSA-c4a1-n111-aaaa", "GO-2099-0001"}));
  EXPECT_EQ((*groups)[1], std::vector<std::string>{"CVE-2099-2001"});  // the umbrella DSA joins nothing
  EXPECT_EQ((*groups)[2], std::vector<std::string>{"DSA-9998-1"});
  // The withdrawn GHSA links nothing itself, but the GO record still names it.
  EXPECT_EQ((*groups)[3], (std::vector<std::string>{"CVE-2099-4000", "GHSA-w1th-drwn-xxxx", "GO-2099-0004"}));
}

}  // namespace
}  // namespace ig::vulndb
