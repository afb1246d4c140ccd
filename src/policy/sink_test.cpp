#include "policy/sink.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ig::policy {
namespace {

TEST(Sink, RedactedUrlKeepsOnlySchemeAndHost) {
  EXPECT_EQ(redacted_url("https://hooks.slack.com/services/T0/B0/XXXX"), "https://hooks.slack.com/…");
  EXPECT_EQ(redacted_url("http://user:pw@127.0.0.1:8080/x?token=s"), "http://127.0.0.1:8080/…");
  EXPECT_EQ(redacted_url("https://h?token=s"), "https://h/…");
  EXPECT_EQ(redacted_url("not a url"), "(invalid URL)");
}

TEST(Sink, WebhookUrlMustBeHttp) {
  WebhookOptions o;
  o.url = "ftp://h/secret";
  auto s = make_webhook_sink(o);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::usage);
  EXPECT_EQ(s.error().message.find("secret"), std::string::npos);
  o.url = "https:///path";
  EXPECT_FALSE(make_webhook_sink(o).has_value());
  o.url = "https://h/p";
  EXPECT_TRUE(make_webhook_sink(o).has_value());
}

TEST(Sink, SlackMessageNamesVerdictImageAndReasons) {
  CheckReport r;
  r.image_name = "ghcr.io/o/app:1";
  r.image_digest = "sha256:ab";
  r.verdict = decide({Reason{"vulnerabilities.severity", Kind::vulnerability, Mode::enforce, "1 finding(s)",
                             {"CVE-2023-45853 in zlib1g 1 (CRITICAL, will_not_fix)"}, "upgrade"}});
  r.counts = {1, 0, 0, 0, 0, 0};
  auto j = nlohmann::json::parse(slack_message(r));
  EXPECT_EQ(j["text"], "imagegate check: DENY for ghcr.io/o/app:1@sha256:ab");
  ASSERT_EQ(j["blocks"].size(), 3u);
  EXPECT_EQ(j["blocks"][1]["fields"][3]["text"],
            "*Findings*\nCRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0");
  EXPECT_EQ(j["blocks"][2]["text"]["text"],
            "*vulnerabilities.severity* (enforce): 1 finding(s)\n• "
            "<https://nvd.nist.gov/vuln/detail/CVE-2023-45853|CVE-2023-45853> in zlib1g 1 (CRITICAL, will_not_fix)\n"
            "_Fix:_ upgrade");
}

}  // namespace
}  // namespace ig::policy
