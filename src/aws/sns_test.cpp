#include "aws/sns.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/logs.h"

namespace ig::aws {
namespace {

policy::CheckReport denied_report(size_t findings = 7) {
  policy::CheckReport r;
  r.image_name = "registry.example/team/app:v1";
  r.image_digest = "sha256:" + std::string(64, 'a');
  r.repository = "registry.example/team/app";
  r.tag = "v1";
  r.policy_source = "policy.yaml";
  r.scanned = true;
  r.counts = {2, 5, 0, 0, 0, 0};
  policy::Reason v;
  v.rule = "vulnerabilities.severity";
  v.kind = policy::Kind::vulnerability;
  v.saw = "7 findings of a denied severity";
  for (size_t i = 0; i < findings; ++i) v.items.push_back("CVE-2024-" + std::to_string(1000 + i) + " in openssl 3.0.1 (CRITICAL, fixed in 3.0.2)");
  v.fix = "upgrade the packages, or waive a finding in the policy's vulnerabilities.ignore";
  policy::Reason c;
  c.rule = "config.runs_as_root";
  c.kind = policy::Kind::config;
  c.mode = policy::Mode::notify;
  c.saw = "the image runs as root";
  c.fix = "set USER in the Dockerfile";
  r.verdict.decision = policy::Decision::deny;
  r.verdict.denied_by = policy::Kind::vulnerability;
  r.verdict.reasons = {v, c};
  r.exit_code = 21;
  return r;
}

TEST(SnsText, NamesVerdictImageDigestCountsAndTopFindings) {
  auto text = notification_text(denied_report());
  EXPECT_TRUE(text.starts_with("imagegate check: DENY (exit 21: denied by a vulnerability rule)\n")) << text;
  EXPECT_NE(text.find("Image:    registry.example/team/app:v1\n"), std::string::npos);
  EXPECT_NE(text.find("Digest:   sha256:aaaa"), std::string::npos);
  EXPECT_NE(text.find("Findings: CRITICAL: 2, HIGH: 5, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("  - CVE-2024-1000 in openssl 3.0.1 (CRITICAL, fixed in 3.0.2)\n"), std::string::npos);
  EXPECT_NE(text.find("  - CVE-2024-1004 "), std::string::npos);
  EXPECT_EQ(text.find("CVE-2024-1005"), std::string::npos);  // five shown
  EXPECT_NE(text.find("  ... and 2 more in verdict.json\n"), std::string::npos);
  EXPECT_NE(text.find("[notify] config.runs_as_root: the image runs as root\n"), std::string::npos);
  EXPECT_NE(text.find("  Fix: set USER in the Dockerfile\n"), std::string::npos);
}

TEST(SnsSubject, AsciiAndShort) {
  auto r = denied_report();
  EXPECT_EQ(notification_subject(r), "imagegate: DENY for registry.example/team/app:v1");
  r.image_name = "r\xC3\xA9g/" + std::string(200, 'x') + "\n";
  auto s = notification_subject(r);
  EXPECT_LT(s.size(), 100u);
  EXPECT_TRUE(s.ends_with("..."));
  for (char c : s) EXPECT_TRUE(c >= 0x20 && c <= 0x7E);
}

TEST(SnsChatbot, CustomNotificationSchema) {
  auto doc = nlohmann::json::parse(chatbot_notification(denied_report()));
  EXPECT_EQ(doc["version"], "1.0");
  EXPECT_EQ(doc["source"], "custom");
  const auto& c = doc["content"];
  EXPECT_EQ(c["textType"], "client-markdown");
  EXPECT_EQ(c["title"], ":no_entry: imagegate: DENY for registry.example/team/app:v1");
  std::string d = c["description"];
  EXPECT_NE(d.find("*Digest:* `sha256:aaaa"), std::string::npos);
  EXPECT_NE(d.find("*Findings:* CRITICAL: 2, HIGH: 5"), std::string::npos);
  EXPECT_NE(d.find("• CVE-2024-1000 in openssl 3.0.1"), std::string::npos);
  EXPECT_NE(d.find("… and 2 more"), std::string::npos);
  ASSERT_EQ(c["nextSteps"].size(), 2u);
  EXPECT_EQ(c["nextSteps"][1], "set USER in the Dockerfile");
  EXPECT_EQ(c["keywords"], nlohmann::json::array({"imagegate", "deny", "vulnerability"}));
  EXPECT_EQ(doc["metadata"]["additionalContext"]["exitCode"], "21");
  EXPECT_EQ(doc["metadata"]["eventType"], "imagegate check verdict");
}

TEST(SnsChatbot, WarnHasNoNextStepsWithoutReasons) {
  policy::CheckReport r = denied_report();
  r.verdict.decision = policy::Decision::warn;
  r.verdict.denied_by.reset();
  r.verdict.reasons.clear();
  r.exit_code = 0;
  auto doc = nlohmann::json::parse(chatbot_notification(r));
  EXPECT_TRUE(std::string(doc["content"]["title"]).starts_with(":warning: imagegate: WARN"));
  EXPECT_FALSE(doc["content"].contains("nextSteps"));
}

TEST(SnsMessage, OneFormPerProtocol) {
  auto r = denied_report();
  auto msg = nlohmann::json::parse(sns_message(r));
  EXPECT_EQ(msg["default"], notification_text(r));
  EXPECT_EQ(msg["email"], notification_text(r));
  EXPECT_EQ(msg["https"], chatbot_notification(r));
  EXPECT_EQ(msg.size(), 3u);
}

TEST(SnsMessage, HugeReportsStaySmallAndValid) {
  auto r = denied_report(100'000);
  r.verdict.reasons[0].items[0] = std::string(100'000, 'q') + "\xFF";
  auto msg = sns_message(r);
  EXPECT_LT(msg.size(), 64u * 1024);
  EXPECT_TRUE(nlohmann::json::accept(msg));
  EXPECT_EQ(valid_utf8(msg), msg);
}

}  // namespace
}  // namespace ig::aws
