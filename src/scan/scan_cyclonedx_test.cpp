#include "scan/scan_cyclonedx.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/sbom_cyclonedx.h"
#include "report/sbom_test_support.h"

namespace ig::scan {
namespace {

using nlohmann::json;

Finding from_package(const inventory::Package& p, std::string id, std::string status, Severity sev) {
  Finding f;
  f.vulnerability_id = std::move(id);
  f.package_name = p.name;
  f.package_version = p.version;
  f.installed_version = p.version;
  f.package_purl = p.purl;
  f.ecosystem = p.ecosystem;
  f.path = p.locations.empty() ? std::string() : p.locations.front();
  f.layer_diff_id = p.layer_diff_id;
  f.status = std::move(status);
  f.severity = sev;
  return f;
}

struct Fixture {
  report::SbomInput in = report::testing::example_input();
  ScanReport r;

  Fixture() {
    const auto& pkgs = in.inventory.packages;  // zlib1g, bash, libssl3, left-pad
    auto ssl = from_package(pkgs[2], "CVE-2024-0727", "fixed", Severity::medium);
    ssl.fixed_versions = {"3.0.13-1~deb12u1"};
    ssl.severity_source = "osv";
    ssl.cvss_score = 5.5;
    ssl.cvss_vector = "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H";
    auto zlib = from_package(pkgs[0], "CVE-2023-45853", "will_not_fix", Severity::critical);
    zlib.severity_source = "debian";
    auto pad = from_package(pkgs[3], "CVE-2023-45853", "affected", Severity::high);
    pad.kev = true;
    r.findings = {ssl, zlib, pad};
    vulndb::Vulnerability v;
    v.id = "CVE-2024-0727";
    v.summary = "OpenSSL: NULL dereference";
    v.details = "More words.";
    v.published = "2024-01-26T09:15:07.123Z";
    v.modified = "2024-05-01T00:00:00+02:00";
    v.aliases = {"GHSA-xxxx-yyyy-zzzz"};
    v.severities = {{"osv", "CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 5.5, "Medium"},
                    {"nvd", "CVSS_V2", "AV:N/AC:L/Au:N/C:N/I:N/A:P", 5.0, "Medium"}};
    v.references = {{"https://www.openssl.org/news/secadv/20240125.txt", "ADVISORY"},
                    {"https://www.openssl.org/news/secadv/20240125.txt", "WEB"}};
    r.vulnerabilities.emplace(v.id, v);
  }
};

TEST(ScanCycloneDx, RatingMethods) {
  EXPECT_STREQ(cyclonedx_rating_method("CVSS_V3", "CVSS:3.1/AV:N"), "CVSSv31");
  EXPECT_STREQ(cyclonedx_rating_method("CVSS_V3", "CVSS:3.0/AV:N"), "CVSSv3");
  EXPECT_STREQ(cyclonedx_rating_method("CVSS_V2", "AV:N/AC:L"), "CVSSv2");
  EXPECT_STREQ(cyclonedx_rating_method("CVSS_V4", "CVSS:4.0/AV:N"), "CVSSv4");
  EXPECT_STREQ(cyclonedx_rating_method("label", "high"), "other");
  EXPECT_STREQ(cyclonedx_rating_method("", "CVSS:3.1/AV:N"), "CVSSv31");
}

TEST(ScanCycloneDx, AnalysisFromStatus) {
  EXPECT_STREQ(cyclonedx_analysis("not_affected").state, "not_affected");
  EXPECT_STREQ(cyclonedx_analysis("not_affected").response, "");
  EXPECT_STREQ(cyclonedx_analysis("will_not_fix").response, "will_not_fix");
  EXPECT_STREQ(cyclonedx_analysis("fixed").response, "update");
  EXPECT_STREQ(cyclonedx_analysis("end_of_life").response, "can_not_fix");
  EXPECT_STREQ(cyclonedx_analysis("affected").state, "exploitable");
}

TEST(ScanCycloneDx, VulnerabilitiesReferenceTheSbomComponents) {
  Fixture fx;
  auto doc = json::parse(write_scan_cyclonedx(fx.in, fx.r));
  EXPECT_EQ(doc["specVersion"], "1.6");
  std::set<std::string> refs;
  for (const auto& c : doc["components"]) refs.insert(c["bom-ref"].get<std::string>());
  ASSERT_EQ(doc["vulnerabilities"].size(), 3u);
  for (const auto& v : doc["vulnerabilities"]) {
    for (const auto& a : v["affects"]) EXPECT_TRUE(refs.contains(a["ref"].get<std::string>())) << a["ref"];
  }
  // One id with two statuses: two entries, told apart by bom-ref; id order.
  const auto& z1 = doc["vulnerabilities"][0];
  const auto& z2 = doc["vulnerabilities"][1];
  const auto& ssl = doc["vulnerabilities"][2];
  EXPECT_EQ(z1["bom-ref"], "CVE-2023-45853#affected");
  EXPECT_EQ(z2["bom-ref"], "CVE-2023-45853#will_not_fix");
  EXPECT_EQ(z2["analysis"]["state"], "exploitable");
  EXPECT_EQ(z2["analysis"]["response"], json::array({"will_not_fix"}));
  EXPECT_FALSE(z1["analysis"].contains("response"));
  EXPECT_EQ(z2["affects"][0]["ref"], fx.in.inventory.packages[0].purl);
  EXPECT_EQ(z2["affects"][0]["versions"][0], (json{{"version", "1:1.2.13.dfsg-1"}, {"status", "affected"}}));
  EXPECT_EQ(z2["source"]["name"], "NVD");
  // Without details, the finding's own severity is the rating.
  EXPECT_EQ(z2["ratings"], json::parse(R"([{"source":{"name":"debian"},"severity":"critical","method":"other"}])"));
  EXPECT_EQ(z1["properties"][1], (json{{"name", "imagegate:kev"}, {"value", "true"}}));

  EXPECT_EQ(ssl["bom-ref"], "CVE-2024-0727");
  EXPECT_EQ(ssl["description"], "OpenSSL: NULL dereference");
  EXPECT_EQ(ssl["detail"], "More words.");
  EXPECT_EQ(ssl["published"], "2024-01-26T09:15:07Z");
  EXPECT_EQ(ssl["updated"], "2024-04-30T22:00:00Z");
  EXPECT_EQ(ssl["recommendation"], "Upgrade libssl3 to 3.0.13-1~deb12u1");
  EXPECT_EQ(ssl["analysis"]["response"], json::array({"update"}));
  EXPECT_EQ(ssl["advisories"].size(), 1u);
  EXPECT_EQ(ssl["references"][0]["id"], "GHSA-xxxx-yyyy-zzzz");
  EXPECT_EQ(ssl["references"][0]["source"]["name"], "GitHub");
  ASSERT_EQ(ssl["ratings"].size(), 2u);  // osv is already among them: no extra one
  EXPECT_EQ(ssl["ratings"][0]["method"], "CVSSv31");
  EXPECT_EQ(ssl["ratings"][0]["score"], 5.5);
  EXPECT_EQ(ssl["ratings"][0]["severity"], "medium");
  EXPECT_EQ(ssl["ratings"][1]["method"], "CVSSv2");
}

TEST(ScanCycloneDx, DeterministicAndDistinctFromTheSbom) {
  Fixture fx;
  auto a = write_scan_cyclonedx(fx.in, fx.r);
  EXPECT_EQ(a, write_scan_cyclonedx(fx.in, fx.r));
  auto sbom = json::parse(report::write_cyclonedx(fx.in, {}));
  auto doc = json::parse(a);
  EXPECT_NE(doc["serialNumber"], sbom["serialNumber"]);
  EXPECT_EQ(doc["components"], sbom["components"]);
  fx.r.findings.pop_back();
  EXPECT_NE(json::parse(write_scan_cyclonedx(fx.in, fx.r))["serialNumber"], doc["serialNumber"]);
}

TEST(ScanCycloneDx, NoFindingsGivesAnEmptyArray) {
  Fixture fx;
  fx.r.findings.clear();
  auto doc = json::parse(write_scan_cyclonedx(fx.in, fx.r));
  EXPECT_TRUE(doc["vulnerabilities"].is_array());
  EXPECT_TRUE(doc["vulnerabilities"].empty());
}

}  // namespace
}  // namespace ig::scan
