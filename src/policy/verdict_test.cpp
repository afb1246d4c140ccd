#include "policy/verdict.h"

#include <gtest/gtest.h>

namespace ig::policy {
namespace {

scan::Finding finding(std::string id, scan::Severity s) {
  scan::Finding f;
  f.vulnerability_id = std::move(id);
  f.package_name = "libssl3";
  f.package_version = "3.0.11";
  f.severity = s;
  f.fixed_versions = {"3.0.13"};
  return f;
}

Policy parse(const std::string& text) {
  auto p = parse_policy("version: 1\n" + text, "t.yaml");
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? *p : Policy{};
}

std::vector<std::string> rules(const Verdict& v) {
  std::vector<std::string> out;
  for (const auto& r : v.reasons) out.push_back(r.rule + ":" + mode_name(r.mode));
  return out;
}

using V = std::vector<std::string>;

TEST(Evaluate, NothingFiresMeansAllow) {
  EvaluationInput in;
  in.image.user = "1000";
  auto v = evaluate(parse("vulnerabilities: {severities: [CRITICAL]}\nconfig: {runs_as_root: enforce}\n"), in);
  EXPECT_EQ(v.decision, Decision::allow);
  EXPECT_TRUE(v.reasons.empty());
  EXPECT_FALSE(v.denied_by);
}

TEST(Evaluate, SeveritySetAndThreshold) {
  EvaluationInput in;
  in.findings = {finding("CVE-1", scan::Severity::medium), finding("CVE-2", scan::Severity::critical),
                 finding("CVE-3", scan::Severity::unknown)};
  auto v = evaluate(parse("vulnerabilities: {severities: [HIGH]}\n"), in);
  EXPECT_EQ(v.decision, Decision::allow);
  v = evaluate(parse("vulnerabilities: {severities: [CRITICAL]}\n"), in);
  EXPECT_EQ(v.decision, Decision::deny);
  EXPECT_EQ(v.denied_by, Kind::vulnerability);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].items, V{"CVE-2 in libssl3 3.0.11 (CRITICAL, fixed in 3.0.13)"});
  EXPECT_NE(v.reasons[0].fix.find("vulnerabilities.ignore"), std::string::npos);
  v = evaluate(parse("vulnerabilities: {threshold: MEDIUM}\n"), in);
  EXPECT_EQ(v.reasons.at(0).items.size(), 2u);
  v = evaluate(parse("vulnerabilities: {}\n"), in);  // no filter: every finding counts
  EXPECT_EQ(v.reasons.at(0).items.size(), 3u);
  v = evaluate(parse("vulnerabilities: {threshold: LOW, mode: notify}\n"), in);
  EXPECT_EQ(v.decision, Decision::warn);
  EXPECT_FALSE(v.denied_by);
}

TEST(Evaluate, FixAvailableForMoreThanDays) {
  EvaluationInput in;
  in.today = "2024-03-01";
  auto old_fix = finding("CVE-1", scan::Severity::high);
  old_fix.fix_date = "2024-01-01T00:00:00Z";  // 60 days before today
  auto new_fix = finding("CVE-2", scan::Severity::critical);
  new_fix.fix_date = "2024-02-20T10:00:00Z";  // 10 days
  auto undated = finding("CVE-3", scan::Severity::critical);  // no date: cannot fire
  auto unfixed = finding("CVE-4", scan::Severity::critical);
  unfixed.fixed_versions.clear();
  unfixed.fix_date = "2020-01-01";
  in.findings = {old_fix, new_fix, undated, unfixed};
  auto v = evaluate(parse("vulnerabilities: {severities: [LOW], fix_available_days: 30}\n"), in);
  EXPECT_EQ(v.decision, Decision::deny);
  ASSERT_EQ(rules(v), V{"vulnerabilities.fix_available_days:enforce"});
  EXPECT_EQ(v.reasons[0].items,
            V{"CVE-1 in libssl3 3.0.11 (HIGH, fixed in 3.0.13); fix known since 2024-01-01, 60 days, limit 30"});
  EXPECT_NE(v.reasons[0].saw.find("more than 30 days"), std::string::npos) << v.reasons[0].saw;
  // Exactly the limit does not fire; the severity's own limit wins over days.
  v = evaluate(parse("vulnerabilities: {severities: [LOW], fix_available_days: 60}\n"), in);
  EXPECT_EQ(v.decision, Decision::allow);
  v = evaluate(parse("vulnerabilities: {severities: [LOW], fix_available_days: "
                     "{days: 90, severities: {CRITICAL: 7}, mode: notify}}\n"),
               in);
  EXPECT_EQ(v.decision, Decision::warn);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].items,
            V{"CVE-2 in libssl3 3.0.11 (CRITICAL, fixed in 3.0.13); fix known since 2024-02-20, 10 days, limit 7"});
}

TEST(Evaluate, KevEpssCvssFireIndependentlyOfSeverity) {
  EvaluationInput in;
  auto a = finding("CVE-1", scan::Severity::low);
  a.kev = true;
  auto b = finding("CVE-2", scan::Severity::low);
  b.epss = 0.7;
  b.cvss_score = 9.1;
  in.findings = {a, b};
  auto v = evaluate(
      parse("vulnerabilities: {severities: [CRITICAL], kev: enforce, epss_min: 0.5, cvss_min: {value: 9.5, mode: "
            "notify}}\n"),
      in);
  EXPECT_EQ(rules(v), (V{"vulnerabilities.kev:enforce", "vulnerabilities.epss_min:enforce"}));
  v = evaluate(parse("vulnerabilities: {severities: [CRITICAL], kev: notify, cvss_min: {value: 9.0, mode: notify}}\n"),
               in);
  EXPECT_EQ(rules(v), (V{"vulnerabilities.kev:notify", "vulnerabilities.cvss_min:notify"}));
  EXPECT_EQ(v.decision, Decision::warn);
}

TEST(Evaluate, Signatures) {
  auto p = parse("signatures: {signers: [{key: k.pub}]}\n");
  EvaluationInput in;
  in.signature.status = SignatureOutcome::Status::verified;
  EXPECT_EQ(evaluate(p, in).decision, Decision::allow);
  in.signature.status = SignatureOutcome::Status::unsigned_image;
  auto v = evaluate(p, in);
  EXPECT_EQ(rules(v), V{"signatures.required:enforce"});
  EXPECT_EQ(v.denied_by, Kind::signature);
  in.signature.status = SignatureOutcome::Status::untrusted;
  in.signature.detail = "no signature by this key";
  v = evaluate(p, in);
  EXPECT_EQ(rules(v), V{"signatures.signer:enforce"});
  EXPECT_NE(v.reasons[0].saw.find("no signature by this key"), std::string::npos);
  in.signature.status = SignatureOutcome::Status::invalid;
  EXPECT_EQ(rules(evaluate(p, in)), V{"signatures.valid:enforce"});
  // required: false only warns about an unsigned image, but still refuses a bad one.
  auto lax = parse("signatures: {required: false, signers: [{key: k.pub}]}\n");
  in.signature.status = SignatureOutcome::Status::unsigned_image;
  EXPECT_EQ(evaluate(lax, in).decision, Decision::warn);
  in.signature.status = SignatureOutcome::Status::invalid;
  EXPECT_EQ(evaluate(lax, in).decision, Decision::deny);
}

TEST(Evaluate, DeniedByIsTheFirstEnforcedKind) {
  EvaluationInput in;
  in.findings = {finding("CVE-2", scan::Severity::critical)};
  in.image.user = "";
  auto v = evaluate(parse("vulnerabilities: {mode: notify}\nconfig: {runs_as_root: enforce}\n"), in);
  EXPECT_EQ(v.decision, Decision::deny);
  EXPECT_EQ(v.denied_by, Kind::config);
  EXPECT_EQ(rules(v), (V{"vulnerabilities.severity:notify", "config.runs_as_root:enforce"}));
}

TEST(Evaluate, ConfigRules) {
  auto p = parse(R"(config:
  runs_as_root: enforce
  no_healthcheck: notify
  secrets: enforce
  max_age_days: 30
  allowed_registries: [ghcr.io/org/, 123.dkr.ecr.us-east-1.amazonaws.com]
  denied_tags: [latest]
)");
  EvaluationInput in;
  in.today = "2026-03-01";
  in.image = ImageFacts{"ghcr.io/org/app:1", "ghcr.io", "ghcr.io/org/app", "1", "app", true, {"PATH=/bin"}, {},
                        "2026-02-15T00:00:00Z"};
  EXPECT_TRUE(evaluate(p, in).reasons.empty()) << rules(evaluate(p, in)).size();

  in.image = ImageFacts{"docker.io/library/app:latest", "docker.io", "docker.io/library/app", "latest", "0:0", false,
                        {"GITHUB_TOKEN=abc", "X=AKIAABCDEFGHIJKLMNOP", "EMPTY_SECRET="},
                        {{"key", "-----BEGIN RSA PRIVATE KEY-----\nMII"}}, "2025-01-01T00:00:00Z"};
  auto v = evaluate(p, in);
  EXPECT_EQ(rules(v), (V{"config.runs_as_root:enforce", "config.no_healthcheck:notify", "config.secrets:enforce",
                         "config.max_age_days:enforce", "config.allowed_registries:enforce",
                         "config.denied_tags:enforce"}));
  EXPECT_EQ(v.reasons[2].items, (V{"ENV GITHUB_TOKEN is named like a secret", "ENV X holds a value that looks like a key",
                                   "LABEL key holds a value that looks like a key"}));
  for (const auto& item : v.reasons[2].items) EXPECT_EQ(item.find("AKIA"), std::string::npos) << "value leaked";
  EXPECT_NE(v.reasons[3].saw.find("424 days ago"), std::string::npos) << v.reasons[3].saw;
  // Prefix rules: "ghcr.io/org/" does not admit "ghcr.io/organisation/…", a bare host admits its repositories.
  in.image.repository_name = "ghcr.io/organisation/app";
  EXPECT_EQ(evaluate(p, in).reasons[4].rule, "config.allowed_registries");
  in.image.repository_name = "123.dkr.ecr.us-east-1.amazonaws.com/app";
  EXPECT_NE(rules(evaluate(p, in))[4], "config.allowed_registries:enforce");
}

TEST(Evaluate, HealthcheckAndUserFromConfigJson) {
  ImageFacts f;
  read_config_facts(R"({"created":"2026-01-01T00:00:00Z","config":{"User":"1000:1000","Env":["A=b"],
    "Labels":{"l":"v"},"Healthcheck":{"Test":["CMD","true"]}}})",
                    f);
  EXPECT_EQ(f.user, "1000:1000");
  EXPECT_TRUE(f.has_healthcheck);
  EXPECT_EQ(f.env, V{"A=b"});
  EXPECT_EQ(f.created, "2026-01-01T00:00:00Z");
  ImageFacts g;
  read_config_facts(R"({"config":{"Healthcheck":{"Test":["NONE"]}}})", g);
  EXPECT_FALSE(g.has_healthcheck);
  read_config_facts("not json", g);
  EXPECT_FALSE(g.has_healthcheck);
}

TEST(Evaluate, LicenseExpressions) {
  EXPECT_TRUE(license_matches("AGPL-3.0-only", "agpl-3.0-only"));
  EXPECT_TRUE(license_matches("MIT AND AGPL-3.0-only", "AGPL-3.0-only"));
  EXPECT_FALSE(license_matches("MIT OR AGPL-3.0-only", "AGPL-3.0-only"));
  EXPECT_TRUE(license_matches("(MIT AND AGPL-3.0-only) OR (GPL-2.0-only AND AGPL-3.0-only)", "AGPL-3.0-only"));
  EXPECT_TRUE(license_matches("GPL-2.0-only WITH Classpath-exception-2.0", "GPL-2.0-only"));
  EXPECT_FALSE(license_matches("GPL-2.0-or-later", "GPL-2.0-only"));
  EXPECT_TRUE(license_matches("MIT OR Apache-2.0", "MIT OR Apache-2.0"));
  EXPECT_FALSE(license_matches("MIT", "Apache-2.0"));
  EXPECT_TRUE(license_matches("GPL-3+ and whatever", "GPL-3+"));  // not SPDX: word match
}

TEST(Evaluate, LicenseRules) {
  inventory::Inventory inv;
  inventory::Package a;
  a.name = "mongo";
  a.version = "1";
  a.ecosystem = "npm";
  a.licenses = {"AGPL-3.0-only"};
  inventory::Package b = a;
  b.name = "readline";
  b.licenses = {"GPL-3.0-or-later"};
  inventory::Package c = a;
  c.name = "either";
  c.licenses = {"MIT OR AGPL-3.0-only"};
  inv.packages = {a, b, c};
  EvaluationInput in;
  in.inventory = &inv;
  auto v = evaluate(parse("licenses: {deny: [AGPL-3.0-only], warn: [GPL-3.0-or-later]}\n"), in);
  EXPECT_EQ(rules(v), (V{"licenses.deny:enforce", "licenses.warn:notify"}));
  EXPECT_EQ(v.reasons[0].items, V{"mongo 1 (npm): AGPL-3.0-only"});
  EXPECT_EQ(v.denied_by, Kind::license);
  v = evaluate(parse("licenses: {warn: [GPL-3.0-or-later]}\n"), in);
  EXPECT_EQ(v.decision, Decision::warn);
}

}  // namespace
}  // namespace ig::policy
