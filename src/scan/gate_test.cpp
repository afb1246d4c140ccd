#include "scan/gate.h"

#include <gtest/gtest.h>

#include "scan/report.h"
#include "scan/scan_json.h"
#include "scan/scan_table.h"

namespace ig::scan {
namespace {

Finding finding(std::string id, Severity sev, std::string status, std::string fixed = {},
                std::string purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64") {
  Finding f;
  f.vulnerability_id = std::move(id);
  f.package_name = "libssl3";
  f.package_version = "3.0.11-1~deb12u2";
  f.package_purl = std::move(purl);
  f.ecosystem = "deb";
  f.path = "var/lib/dpkg/status";
  f.severity = sev;
  f.status = std::move(status);
  if (!fixed.empty()) f.fixed_versions.push_back(fixed);
  return f;
}

std::vector<Finding> sample() {
  return {finding("CVE-1", Severity::critical, "will_not_fix"), finding("CVE-2", Severity::high, "fixed", "2.0"),
          finding("CVE-3", Severity::medium, "fixed", "3.0"), finding("CVE-4", Severity::unknown, "affected")};
}

std::vector<std::string> ids(const std::vector<Finding>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.vulnerability_id);
  return out;
}

TEST(Gate, SeverityFilters) {
  GateOptions o;
  o.severities = {Severity::high, Severity::unknown};
  EXPECT_EQ(ids(apply_gate(sample(), o).findings), (std::vector<std::string>{"CVE-2", "CVE-4"}));
  GateOptions t;
  t.threshold = Severity::high;
  auto r = apply_gate(sample(), t);
  EXPECT_EQ(ids(r.findings), (std::vector<std::string>{"CVE-1", "CVE-2"}));
  EXPECT_EQ(r.suppressed.size(), 2u);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Gate, UnfixedAndStatuses) {
  GateOptions o;
  o.ignore_unfixed = true;
  EXPECT_EQ(ids(apply_gate(sample(), o).findings), (std::vector<std::string>{"CVE-2", "CVE-3"}));
  GateOptions s;
  s.ignore_statuses = {"will_not_fix"};
  EXPECT_EQ(ids(apply_gate(sample(), s).findings), (std::vector<std::string>{"CVE-2", "CVE-3", "CVE-4"}));
}

TEST(Gate, IgnoreRulesExpiryAndUnused) {
  auto rules = parse_ignore_file(
      "ignore:\n"
      "  - id: CVE-1\n"
      "    purl: pkg:deb/debian/libssl3@3.0.11-1~deb12u2\n"
      "    statement: not reachable\n"
      "  - id: CVE-2\n"
      "    expires: 2024-01-31\n"
      "  - id: CVE-3\n"
      "    path: usr/lib/*\n"
      "  - id: CVE-404\n",
      "ig.yaml");
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 4u);
  EXPECT_EQ((*rules)[0].origin, "ig.yaml:2");
  GateOptions o;
  o.ignores = *rules;
  o.today = "2024-02-01";
  auto r = apply_gate(sample(), o);
  EXPECT_EQ(ids(r.findings), (std::vector<std::string>{"CVE-2", "CVE-3", "CVE-4"}));
  ASSERT_EQ(r.suppressed.size(), 1u);
  EXPECT_EQ(r.suppressed[0].reason, "ignored by ig.yaml:2: not reachable");
  ASSERT_EQ(r.warnings.size(), 3u);
  EXPECT_NE(r.warnings[0].find("CVE-2 (ig.yaml:5) expired on 2024-01-31"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("CVE-3 (ig.yaml:7) matched no finding"), std::string::npos) << r.warnings[1];
  EXPECT_NE(r.warnings[2].find("CVE-404"), std::string::npos);
  o.today = "2024-01-31";  // the expiry day itself still counts
  EXPECT_EQ(ids(apply_gate(sample(), o).findings), (std::vector<std::string>{"CVE-3", "CVE-4"}));
}

TEST(Gate, TrivyFormats) {
  auto plain = parse_ignore_file("# accepted\nCVE-1\n\nCVE-2 exp:2030-01-01  # later\n", ".trivyignore");
  ASSERT_TRUE(plain) << plain.error().message;
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_EQ((*plain)[1].id, "CVE-2");
  EXPECT_EQ((*plain)[1].expires, "2030-01-01");
  EXPECT_EQ((*plain)[1].origin, ".trivyignore:4");
  auto yaml = parse_ignore_file(
      "vulnerabilities:\n  - id: CVE-3\n    paths: [var/lib/dpkg/status]\n    purls: [pkg:npm/x@1]\n"
      "    expired_at: 2030-01-01T00:00:00Z\n    statement: fine\n",
      ".trivyignore.yaml");
  ASSERT_TRUE(yaml) << yaml.error().message;
  ASSERT_EQ(yaml->size(), 1u);
  EXPECT_EQ((*yaml)[0].paths, std::vector<std::string>{"var/lib/dpkg/status"});
  EXPECT_EQ((*yaml)[0].purls, std::vector<std::string>{"pkg:npm/x@1"});
  EXPECT_EQ((*yaml)[0].expires, "2030-01-01");
  GateOptions o;
  o.ignores = *yaml;
  o.today = "2025-01-01";
  auto r = apply_gate(sample(), o);  // the purl does not match: nothing ignored
  EXPECT_EQ(r.findings.size(), 4u);
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(Gate, BadIgnoreFilesAreUsageErrors) {
  for (const char* text : {"CVE-1 exp:tomorrow\n", "ignore:\n  - statement: no id\n", "ignore: 3\n",
                           "ignore:\n  - id: [a]\n", "ignore:\n  - id: X\n    expires: 31/01/2024\n",
                           "vulnerabilities:\n  - {id: X, paths: 3}\n", "ignore: [\n"}) {
    auto r = parse_ignore_file(text, "f");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::usage) << text;
    EXPECT_NE(r.error().message.find("ignore file f:"), std::string::npos) << r.error().message;
  }
}

TEST(Report, TableAndJson) {
  ScanReport rep;
  rep.image_name = "oci:x:latest";
  rep.os.id = "debian";
  rep.os.version_id = "12";
  rep.distro_release = "debian:12";
  rep.findings = sample();
  rep.findings[0].title = std::string(100, 'x');
  std::string table = write_table(rep);
  EXPECT_NE(table.find("debian 12 (deb)\n"), std::string::npos) << table;
  EXPECT_NE(table.find("LIBRARY  VULNERABILITY  SEVERITY"), std::string::npos) << table;
  EXPECT_NE(table.find(std::string(57, 'x') + "...\n"), std::string::npos) << table;
  EXPECT_TRUE(table.ends_with("Total: 4 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 0, UNKNOWN: 1)\n")) << table;
  auto j = scan_to_json(rep);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["os"]["distro_release"], "debian:12");
  EXPECT_EQ(j["findings"].size(), 4u);
  EXPECT_EQ(j["findings"][1]["fixed_versions"][0], "2.0");
  EXPECT_EQ(j["findings"][0]["severity"], "CRITICAL");
  EXPECT_TRUE(j["findings"][0]["cvss"].is_null());
  EXPECT_EQ(j["summary"]["total"], 4);
  EXPECT_EQ(j["summary"]["unknown"], 1);
  EXPECT_FALSE(j["findings"][0].contains("source"));  // the engine's own JSON is unchanged
  EXPECT_EQ(table.find("SOURCE"), std::string::npos);
}

TEST(Report, SourcesShowWhenAnotherSourceTookPart) {
  ScanReport rep;
  rep.findings = sample();
  rep.findings[1].source = "ecr";
  rep.findings[1].exploit_available = "YES";
  rep.findings[1].inspector_score = 9.1;
  rep.findings[1].ecosystem = "os";
  rep.findings[1].path.clear();
  std::string table = write_table(rep);
  EXPECT_NE(table.find("OS packages\n"), std::string::npos) << table;
  EXPECT_NE(table.find("LIBRARY  VULNERABILITY  SOURCE"), std::string::npos) << table;
  EXPECT_NE(table.find("imagegate"), std::string::npos) << table;  // an unsourced finding is the engine's
  auto j = scan_to_json(rep);
  EXPECT_EQ(j["findings"][1]["source"], "ecr");
  EXPECT_EQ(j["findings"][1]["exploit_available"], "YES");
  EXPECT_DOUBLE_EQ(j["findings"][1]["inspector_score"].get<double>(), 9.1);
  EXPECT_FALSE(j["findings"][0].contains("source"));
}

TEST(Report, TruncateKeepsUtf8Whole) {
  EXPECT_EQ(truncate_text("abc", 3), "abc");
  EXPECT_EQ(truncate_text("a\xc3\xa9" "bcd", 5), "a...");
  EXPECT_EQ(truncate_text("abcdef", 5), "ab...");
}

}  // namespace
}  // namespace ig::scan
