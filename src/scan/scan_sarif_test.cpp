#include "scan/scan_sarif.h"

#include <gtest/gtest.h>

namespace ig::scan {
namespace {

using ojson = nlohmann::ordered_json;

Finding finding(std::string id, Severity sev, std::string status, std::string fixed = {},
                std::optional<double> score = std::nullopt) {
  Finding f;
  f.vulnerability_id = std::move(id);
  f.package_name = "libssl3";
  f.package_version = "3.0.11-1~deb12u2";
  f.installed_version = "3.0.11-1~deb12u2";
  f.matched_package = "openssl";
  f.package_purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64";
  f.ecosystem = "deb";
  f.path = "var/lib/dpkg/status";
  f.severity = sev;
  f.status = std::move(status);
  f.cvss_score = score;
  f.title = "a title";
  f.primary_url = "https://example.org/" + f.vulnerability_id;
  if (!fixed.empty()) f.fixed_versions.push_back(fixed);
  return f;
}

ScanReport sample() {
  ScanReport r;
  r.image_name = "oci:/x:latest";
  r.image_digest = "sha256:ab";
  r.tool_version = "1.2.3";
  r.findings = {finding("CVE-2", Severity::critical, "will_not_fix", {}, 9.8),
                finding("CVE-1", Severity::medium, "fixed", "3.0.13-1", 5.3),
                finding("CVE-2", Severity::high, "will_not_fix", {}, 7.5)};
  r.findings[2].package_name = "openssl";
  r.findings[2].path = "/usr/lib/x y/status";
  vulndb::Vulnerability v;
  v.id = "CVE-1";
  v.details = "Long details.";
  r.vulnerabilities.emplace("CVE-1", v);
  return r;
}

TEST(Sarif, LevelsAndSecuritySeverity) {
  EXPECT_STREQ(sarif_level(Severity::critical), "error");
  EXPECT_STREQ(sarif_level(Severity::high), "error");
  EXPECT_STREQ(sarif_level(Severity::medium), "warning");
  EXPECT_STREQ(sarif_level(Severity::low), "note");
  EXPECT_STREQ(sarif_level(Severity::unknown), "note");
  EXPECT_EQ(sarif_security_severity(Severity::critical, 9.8), "9.8");
  // 9.0 is "high" on GitHub's scale; a CRITICAL finding must not show as high.
  EXPECT_EQ(sarif_security_severity(Severity::critical, 9.0), "9.5");
  EXPECT_EQ(sarif_security_severity(Severity::high, 7.0), "7.0");
  EXPECT_EQ(sarif_security_severity(Severity::high, std::nullopt), "8.0");
  // A distro rating that disagrees with the CVSS score wins.
  EXPECT_EQ(sarif_security_severity(Severity::low, 9.8), "2.0");
  EXPECT_EQ(sarif_security_severity(Severity::medium, 5.3), "5.3");
  EXPECT_EQ(sarif_security_severity(Severity::unknown, 5.0), "");
}

TEST(Sarif, Uri) {
  EXPECT_EQ(sarif_uri("var/lib/dpkg/status"), "var/lib/dpkg/status");
  EXPECT_EQ(sarif_uri("/usr/lib/x y/status"), "usr/lib/x%20y/status");
  EXPECT_EQ(sarif_uri("./a#b?c"), "a%23b%3Fc");
  EXPECT_EQ(sarif_uri("//a"), "a");
  EXPECT_EQ(sarif_uri(""), "");
}

TEST(Sarif, RulesPerVulnerabilityResultsPerFinding) {
  auto doc = scan_to_sarif(sample());
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& run = doc["runs"][0];
  const auto& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "imagegate");
  EXPECT_EQ(driver["version"], "1.2.3");
  EXPECT_EQ(driver["informationUri"], std::string(k_sarif_information_uri));
  ASSERT_EQ(driver["rules"].size(), 2u);
  const auto& r1 = driver["rules"][0];
  const auto& r2 = driver["rules"][1];
  EXPECT_EQ(r1["id"], "CVE-1");
  EXPECT_EQ(r2["id"], "CVE-2");
  EXPECT_EQ(r1["fullDescription"]["text"], "Long details.");
  EXPECT_EQ(r2["fullDescription"]["text"], "a title");
  EXPECT_EQ(r1["helpUri"], "https://example.org/CVE-1");
  EXPECT_EQ(r1["properties"]["security-severity"], "5.3");
  EXPECT_EQ(r1["properties"]["tags"], ojson::parse(R"(["vulnerability","security","MEDIUM"])"));
  // The most severe finding of the id decides the rule's severity.
  EXPECT_EQ(r2["properties"]["security-severity"], "9.8");
  EXPECT_EQ(r2["properties"]["tags"][2], "CRITICAL");
  EXPECT_NE(r2["help"]["markdown"].get<std::string>().find("| openssl | 3.0.11-1~deb12u2 | - | will_not_fix |"),
            std::string::npos);

  const auto& results = run["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["ruleId"], "CVE-2");
  EXPECT_EQ(results[0]["ruleIndex"], 1);
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[1]["ruleIndex"], 0);
  EXPECT_EQ(results[1]["level"], "warning");
  const auto msg = results[1]["message"]["text"].get<std::string>();
  EXPECT_NE(msg.find("Package: libssl3"), std::string::npos);
  EXPECT_NE(msg.find("Installed version: 3.0.11-1~deb12u2"), std::string::npos);
  EXPECT_NE(msg.find("Fixed version: 3.0.13-1"), std::string::npos);
  EXPECT_NE(results[0]["message"]["text"].get<std::string>().find("Fixed version: none (will_not_fix)"),
            std::string::npos);
  const auto& loc = results[2]["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "usr/lib/x%20y/status");
  EXPECT_EQ(loc["region"]["startLine"], 1);
  // Fingerprints differ per finding and are stable.
  EXPECT_NE(results[0]["partialFingerprints"], results[2]["partialFingerprints"]);
  EXPECT_EQ(write_sarif(sample()), write_sarif(sample()));
}

TEST(Sarif, NoFindingsIsAValidEmptyRun) {
  ScanReport r;
  auto doc = scan_to_sarif(r);
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
  EXPECT_TRUE(doc["runs"][0]["tool"]["driver"]["rules"].empty());
  EXPECT_EQ(doc["runs"][0]["tool"]["driver"]["version"], "dev");
}

TEST(Sarif, UntrustedTextNeverThrowsAndBadUrlsAreLeftOut) {
  auto r = sample();
  r.findings[0].title = std::string("bad \xff\xfe utf-8");
  r.findings[0].primary_url = "not a url";
  r.findings[0].path = "";
  std::string out;
  ASSERT_NO_THROW(out = write_sarif(r));
  auto doc = ojson::parse(out);
  const auto& rules = doc["runs"][0]["tool"]["driver"]["rules"];
  EXPECT_FALSE(rules[1].contains("helpUri"));
  EXPECT_EQ(doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "image");
}

}  // namespace
}  // namespace ig::scan
