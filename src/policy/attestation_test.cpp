#include "policy/attestation.h"

#include <gtest/gtest.h>

namespace ig::policy {
namespace {

VerdictPredicate sample() {
  CheckReport r;
  r.repository = "registry.example/app";
  r.image_digest = "sha256:" + std::string(64, 'a');
  r.policy_source = "policy.yaml";
  r.policy_digest = "sha256:" + std::string(64, 'b');
  Reason reason;
  reason.rule = "vulnerabilities.severity";
  reason.kind = Kind::vulnerability;
  reason.saw = "1 finding(s) of severity CRITICAL";
  reason.items = {"CVE-2023-45853 in zlib1g"};
  reason.fix = "upgrade";
  r.verdict = decide({reason});
  r.exit_code = verdict_exit_code(r.verdict);
  r.counts = {1, 0, 2, 0, 0, 0};
  return predicate_of(r, "2026-12-01T00:00:00Z", {"debian", "osv"}, 1'764'860'580, "0.1.0");
}

TEST(VerdictPredicate, CanonicalFormIsSortedCompactAndStable) {
  auto p = sample();
  std::string text = predicate_to_json(p).dump();
  EXPECT_EQ(text,
            R"({"checkedAt":"2025-12-04T15:03:00Z","counts":{"CRITICAL":1,"HIGH":0,"INFORMATIONAL":0,"LOW":0,)"
            R"("MEDIUM":2,"UNDEFINED":0},"database":{"built":"2026-12-01T00:00:00Z","sources":["debian","osv"]},)"
            R"("decision":"deny","exitCode":21,"image":{"digest":"sha256:)" +
                std::string(64, 'a') +
                R"(","name":"registry.example/app"},"policy":{"digest":"sha256:)" + std::string(64, 'b') +
                R"(","source":"policy.yaml"},"reasons":[{"fix":"upgrade","items":["CVE-2023-45853 in zlib1g"],)"
                R"("kind":"vulnerability","mode":"enforce","rule":"vulnerabilities.severity",)"
                R"("saw":"1 finding(s) of severity CRITICAL"}],"tool":{"name":"imagegate","version":"0.1.0"}})");
  // Reading it back gives the same predicate, hence the same bytes.
  auto back = parse_predicate(nlohmann::json::parse(text));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(predicate_to_json(*back).dump(), text);
  EXPECT_EQ(back->exit_code, 21);
  EXPECT_EQ(report_of(*back).verdict.denied_by, Kind::vulnerability);
}

TEST(VerdictPredicate, ReaderRefusesADecisionItsReasonsDoNotMake) {
  auto j = predicate_to_json(sample());
  j["decision"] = "allow";
  j["exitCode"] = 0;
  auto p = parse_predicate(j);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::invalid_signature);
  EXPECT_NE(p.error().message.find("does not follow from its reasons"), std::string::npos);
  j = predicate_to_json(sample());
  j["exitCode"] = 20;
  EXPECT_FALSE(parse_predicate(j).has_value());
}

TEST(VerdictPredicate, ReaderRefusesWrongTypes) {
  for (const char* path : {"/decision", "/counts/HIGH", "/reasons/0/kind", "/policy/digest", "/checkedAt"}) {
    auto j = predicate_to_json(sample());
    j[nlohmann::json::json_pointer(path)] = nlohmann::json::array();
    EXPECT_FALSE(parse_predicate(j).has_value()) << path;
  }
  auto j = predicate_to_json(sample());
  j["counts"]["LOW"] = -1;
  EXPECT_FALSE(parse_predicate(j).has_value());
  j = predicate_to_json(sample());
  j["reasons"][0]["mode"] = "maybe";
  EXPECT_FALSE(parse_predicate(j).has_value());
  EXPECT_FALSE(parse_predicate(nlohmann::json::array()).has_value());
}

TEST(VerdictPredicate, UtcSecondsRoundTripAndRejectNonDates) {
  EXPECT_EQ(format_utc_seconds(0), "1970-01-01T00:00:00Z");
  auto t = parse_utc_seconds("2025-12-04T15:03:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, 1'764'860'580);
  for (const char* bad : {"2025-02-31T00:00:00Z", "2025-12-04 15:03:00Z", "2025-12-04T15:03:00+01:00",
                          "2025-12-04T25:00:00Z", "+025-12-04T15:03:00Z", ""}) {
    EXPECT_FALSE(parse_utc_seconds(bad).has_value()) << bad;
  }
}

TEST(AcceptPredicate, PolicyDigestMustMatchWhenGiven) {
  auto p = sample();
  AcceptRules rules;
  rules.now = 1'764'860'580 + 10;
  EXPECT_TRUE(accept_predicate(p, rules).has_value());
  rules.policy_digest = p.policy_digest;
  EXPECT_TRUE(accept_predicate(p, rules).has_value());
  rules.policy_digest = "sha256:" + std::string(64, 'c');
  auto r = accept_predicate(p, rules);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_signature);
  EXPECT_NE(r.error().message.find("under policy sha256:bbbb"), std::string::npos);
}

TEST(AcceptPredicate, FreshnessIsInclusiveAndTheFutureIsRefused) {
  auto p = sample();
  const int64_t at = 1'764'860'580;
  AcceptRules rules;
  rules.max_age_seconds = 3600;
  rules.now = at + 3600;
  EXPECT_TRUE(accept_predicate(p, rules).has_value());
  rules.now = at + 3601;
  auto r = accept_predicate(p, rules);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("older than"), std::string::npos);
  rules.now = at - 60;  // within the allowed clock skew
  EXPECT_TRUE(accept_predicate(p, rules).has_value());
  rules.now = at - 61;
  r = accept_predicate(p, rules);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("in the future"), std::string::npos);
}

}  // namespace
}  // namespace ig::policy
