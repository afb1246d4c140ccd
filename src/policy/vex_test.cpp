#include "policy/vex.h"

#include <gtest/gtest.h>

namespace ig::policy {
namespace {

TEST(Vex, OpenVexNotAffectedAndFixedBecomeWaivers) {
  auto rules = parse_vex(R"({
    "@context": "https://openvex.dev/ns/v0.2.0",
    "statements": [
      {"vulnerability": {"name": "CVE-2023-45853"},
       "products": [{"@id": "pkg:oci/app@sha256:abc",
                     "subcomponents": [{"@id": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"}]}],
       "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
       "impact_statement": "minizip is not shipped"},
      {"vulnerability": "CVE-2024-0727", "products": ["pkg:oci/app"], "status": "fixed"},
      {"vulnerability": {"name": "CVE-2023-5678"}, "products": ["pkg:deb/debian/libssl3"], "status": "affected"}
    ]})",
                         "v.json");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].id, "CVE-2023-45853");
  EXPECT_EQ((*rules)[0].purls, std::vector<std::string>{"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"});
  EXPECT_EQ((*rules)[0].statement,
            "VEX not_affected (vulnerable_code_not_in_execute_path): minizip is not shipped");
  EXPECT_EQ((*rules)[0].origin, "v.json statement 1");
  EXPECT_EQ((*rules)[1].id, "CVE-2024-0727");
  EXPECT_TRUE((*rules)[1].purls.empty());  // the whole image
  EXPECT_EQ((*rules)[1].statement, "VEX fixed");
}

TEST(Vex, CycloneDxAnalysisStates) {
  auto rules = parse_vex(R"({
    "bomFormat": "CycloneDX", "specVersion": "1.6",
    "components": [{"bom-ref": "zlib", "purl": "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"}],
    "vulnerabilities": [
      {"id": "CVE-2023-45853", "analysis": {"state": "not_affected", "justification": "code_not_reachable",
        "detail": "minizip unused"}, "affects": [{"ref": "zlib"}]},
      {"id": "CVE-2024-0727", "analysis": {"state": "exploitable"}},
      {"id": "CVE-2023-5678"}
    ]})",
                         "c.json");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].purls, std::vector<std::string>{"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"});
  EXPECT_EQ((*rules)[0].statement, "VEX not_affected (code_not_reachable): minizip unused");
}

TEST(Vex, WaiversSuppressThroughTheGate) {
  auto rules = parse_vex(
      R"({"statements":[{"vulnerability":"CVE-1","products":["pkg:deb/debian/zlib1g@1.0"],"status":"not_affected",
          "justification":"component_not_present"}]})",
      "v.json");
  ASSERT_TRUE(rules.has_value());
  scan::Finding hit, other;
  hit.vulnerability_id = other.vulnerability_id = "CVE-1";
  hit.package_purl = "pkg:deb/debian/zlib1g@1.0?arch=amd64";
  other.package_purl = "pkg:deb/debian/libssl3@3.0?arch=amd64";
  scan::GateOptions g;
  g.ignores = *rules;
  g.today = "2026-01-01";
  auto r = scan::apply_gate({hit, other}, g);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].package_purl, other.package_purl);
  ASSERT_EQ(r.suppressed.size(), 1u);
  EXPECT_NE(r.suppressed[0].reason.find("VEX not_affected (component_not_present)"), std::string::npos)
      << r.suppressed[0].reason;
}

TEST(Vex, Errors) {
  for (const char* bad : {"", "[]", "{\"x\":1}", "{\"statements\":{}}", "{\"statements\":[{\"status\":\"fixed\"}]}",
                          "{\"statements\":[1]}", "{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{}]}"}) {
    auto r = parse_vex(bad, "v.json");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
    EXPECT_NE(r.error().message.find("VEX document v.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace ig::policy
