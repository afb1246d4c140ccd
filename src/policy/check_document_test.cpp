#include "policy/check_document.h"

#include <gtest/gtest.h>

namespace ig::policy {
namespace {

TEST(CheckDocument, EveryEnabledRuleFiredOrNot) {
  Policy p = default_policy();
  p.config.runs_as_root.enabled = true;
  p.config.runs_as_root.mode = Mode::notify;
  p.licenses.deny = {"GPL-3.0-only"};
  auto rules = enabled_rules(p);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].rule, "vulnerabilities.severity");
  EXPECT_EQ(rules[1].rule, "config.runs_as_root");
  EXPECT_EQ(rules[1].mode, "notify");
  EXPECT_EQ(rules[2].rule, "licenses.deny");

  CheckReport r;
  r.scanned = true;
  r.policy_source = "(built-in default)";
  r.verdict.decision = Decision::deny;
  r.verdict.denied_by = Kind::vulnerability;
  r.verdict.reasons = {{"vulnerabilities.severity", Kind::vulnerability, Mode::enforce, "1 CRITICAL finding",
                        {"CVE-2023-45853 in zlib1g"}, "upgrade zlib1g"}};
  r.exit_code = verdict_exit_code(r.verdict);
  report::Document doc;
  add_check(doc, r, p);
  ASSERT_TRUE(doc.verdict);
  EXPECT_EQ(doc.verdict->decision, "deny");
  EXPECT_EQ(doc.verdict->exit_code, 21);
  EXPECT_EQ(doc.verdict->denied_by, "vulnerability");
  ASSERT_EQ(doc.verdict->rules.size(), 3u);
  EXPECT_TRUE(doc.verdict->rules[0].fired);
  EXPECT_EQ(doc.verdict->rules[0].items, std::vector<std::string>{"CVE-2023-45853 in zlib1g"});
  EXPECT_FALSE(doc.verdict->rules[1].fired);
  EXPECT_TRUE(doc.verdict->rules[1].evaluated);
  ASSERT_TRUE(doc.signature);
  EXPECT_EQ(doc.signature->status, "not_checked");
}

TEST(CheckDocument, RulesAfterASignatureDenyAreNotEvaluated) {
  Policy p = default_policy();
  p.signatures.enabled = true;
  CheckReport r;
  r.scanned = false;
  r.signature.status = SignatureOutcome::Status::unsigned_image;
  r.verdict.decision = Decision::deny;
  r.verdict.reasons = {{"signatures.required", Kind::signature, Mode::enforce, "no signature", {}, "sign it"}};
  report::Document doc;
  add_check(doc, r, p);
  const auto& rules = doc.verdict->rules;
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_TRUE(rules[0].fired);
  EXPECT_TRUE(rules[1].evaluated);  // signatures.valid was checked
  EXPECT_EQ(rules[3].rule, "vulnerabilities.severity");
  EXPECT_FALSE(rules[3].evaluated);
  EXPECT_EQ(doc.signature->status, "unsigned");
}

}  // namespace
}  // namespace ig::policy
