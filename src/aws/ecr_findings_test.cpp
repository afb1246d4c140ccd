#include "aws/ecr_findings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ig::aws {
namespace {

nlohmann::json fixture(const std::string& name) {
  std::ifstream in(std::string(IG_SOURCE_DIR) + "/tests/fixtures/aws/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

TEST(AwsSeverity, MapsEveryDocumentedValue) {
  EXPECT_EQ(severity_from_aws("CRITICAL"), scan::Severity::critical);
  EXPECT_EQ(severity_from_aws("high"), scan::Severity::high);
  EXPECT_EQ(severity_from_aws("MEDIUM"), scan::Severity::medium);
  EXPECT_EQ(severity_from_aws("LOW"), scan::Severity::low);
  EXPECT_EQ(severity_from_aws("INFORMATIONAL"), scan::Severity::unknown);
  EXPECT_EQ(severity_from_aws("UNDEFINED"), scan::Severity::unknown);
  EXPECT_EQ(severity_from_aws("UNTRIAGED"), scan::Severity::unknown);
  EXPECT_EQ(severity_from_aws(""), scan::Severity::unknown);
}

TEST(EcrFindings, BasicFindingsKeepPackageAndPreferCvss3) {
  auto r = findings_from_ecr_page(fixture("ecr-basic.json"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  const auto& f = (*r)[0];
  EXPECT_EQ(f.vulnerability_id, "CVE-2023-0286");
  EXPECT_EQ(f.package_name, "openssl");
  EXPECT_EQ(f.package_version, "1.1.1n-0+deb11u3");
  EXPECT_EQ(f.severity, scan::Severity::critical);
  ASSERT_TRUE(f.cvss_score);
  EXPECT_DOUBLE_EQ(*f.cvss_score, 7.4);
  EXPECT_EQ(f.cvss_vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H");
  EXPECT_EQ(f.source, "ecr");
  EXPECT_TRUE(f.fixed_versions.empty());
  EXPECT_EQ(f.primary_url, "https://security-tracker.debian.org/tracker/CVE-2023-0286");
  EXPECT_FALSE((*r)[1].cvss_score);
  EXPECT_EQ((*r)[2].severity, scan::Severity::unknown);  // INFORMATIONAL
  EXPECT_EQ((*r)[3].severity, scan::Severity::unknown);  // UNDEFINED
}

TEST(EcrFindings, EnhancedFindingsGiveOneFindingPerPackage) {
  auto r = findings_from_ecr_page(fixture("ecr-enhanced.json"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  const auto& curl = (*r)[0];
  EXPECT_EQ(curl.vulnerability_id, "CVE-2023-38545");
  EXPECT_EQ(curl.aliases, std::vector<std::string>{"DSA-5523-1"});
  EXPECT_EQ(curl.package_name, "curl");
  EXPECT_EQ(curl.package_version, "7.74.0-1.3+deb11u7");  // epoch 0 is not printed
  EXPECT_EQ(curl.fixed_versions, std::vector<std::string>{"0:7.74.0-1.3+deb11u10"});
  EXPECT_EQ(curl.status, "fixed");
  EXPECT_EQ(curl.exploit_available, "YES");
  EXPECT_EQ(curl.ecosystem, "os");
  ASSERT_TRUE(curl.cvss_score);
  EXPECT_DOUBLE_EQ(*curl.cvss_score, 9.8);  // the CVSS 3.1 entry wins over 2.0
  EXPECT_EQ(curl.cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_TRUE(curl.inspector_score);
  EXPECT_DOUBLE_EQ(*curl.inspector_score, 9.8);
  EXPECT_EQ((*r)[1].package_name, "libcurl4");
  const auto& go = (*r)[2];
  EXPECT_EQ(go.package_version, "2:go1.21.3");
  EXPECT_TRUE(go.fixed_versions.empty());  // "NotAvailable"
  EXPECT_EQ(go.status, "affected");
  EXPECT_EQ(go.path, "usr/local/bin/app");
  EXPECT_EQ(go.severity, scan::Severity::high);
  ASSERT_TRUE(go.cvss_score);  // no CVSS list: the Inspector score stands in
  EXPECT_DOUBLE_EQ(*go.cvss_score, 7.5);
}

TEST(InspectorFindings, PackageVulnerabilitiesWithEpssAndScore) {
  auto r = findings_from_inspector_page(fixture("inspector-findings.json"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);  // the network-reachability finding is skipped
  const auto& f = (*r)[0];
  EXPECT_EQ(f.source, "inspector");
  EXPECT_EQ(f.vulnerability_id, "CVE-2023-44487");
  EXPECT_EQ(f.aliases, std::vector<std::string>{"GHSA-qppj-fm5r-hxr3"});
  ASSERT_TRUE(f.epss);
  EXPECT_DOUBLE_EQ(*f.epss, 0.81);
  ASSERT_TRUE(f.inspector_score);
  EXPECT_DOUBLE_EQ(*f.inspector_score, 7.5);
  EXPECT_EQ(f.fixed_versions, std::vector<std::string>{"0.17.0"});
  EXPECT_EQ(f.ecosystem, "gomod");
  EXPECT_EQ((*r)[1].severity, scan::Severity::unknown);  // UNTRIAGED
  EXPECT_EQ((*r)[1].package_version, "1.2.13-1");
}

TEST(EcrFindings, WrongTypesAreInvalidAnswersNamingTheField) {
  auto r = findings_from_ecr_page(nlohmann::json::parse(R"({"imageScanFindings":{"findings":[{"name":3,"attributes":"x"}]}})"));
  // A number where a string is documented is read as text; an attributes string is refused.
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("'attributes'"), std::string::npos) << r.error().message;
  auto bad_page = findings_from_ecr_page(nlohmann::json::array());
  ASSERT_FALSE(bad_page);
  auto bad_score = findings_from_inspector_page(nlohmann::json::parse(
      R"({"findings":[{"inspectorScore":"high","packageVulnerabilityDetails":{"vulnerablePackages":[{}]}}]})"));
  ASSERT_FALSE(bad_score);
  EXPECT_NE(bad_score.error().message.find("findings[0]: 'inspectorScore' is not a number"), std::string::npos)
      << bad_score.error().message;
}

scan::Finding finding(std::string id, std::string package, std::vector<std::string> aliases = {}) {
  scan::Finding f;
  f.vulnerability_id = std::move(id);
  f.package_name = std::move(package);
  f.aliases = std::move(aliases);
  return f;
}

TEST(MergeFindings, NamesEverySourceOnceAndMatchesAliases) {
  std::vector<scan::Finding> engine = {finding("CVE-1", "openssl", {"DSA-1"}), finding("CVE-2", "zlib")};
  auto a = finding("DSA-1", "openssl");
  a.source = "ecr";
  a.exploit_available = "YES";
  auto b = finding("CVE-3", "curl");
  b.source = "ecr";
  auto c = finding("CVE-2", "zlib1g");  // another package: not the same finding
  c.source = "ecr";
  auto merged = merge_findings(engine, "imagegate", {a, b, c});
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].source, "imagegate+ecr");
  EXPECT_EQ(merged[0].exploit_available, "YES");
  EXPECT_EQ(merged[1].source, "imagegate");
  EXPECT_EQ(merged[2].source, "ecr");
  EXPECT_EQ(merged[2].vulnerability_id, "CVE-3");
  EXPECT_EQ(merged[3].package_name, "zlib1g");
}

}  // namespace
}  // namespace ig::aws
