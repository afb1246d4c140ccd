#include "policy/policy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ig::policy {
namespace {

Policy parse_ok(const std::string& text) {
  auto p = parse_policy(text, "p.yaml");
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? *p : Policy{};
}

std::string parse_err(const std::string& text) {
  auto p = parse_policy(text, "p.yaml");
  EXPECT_FALSE(p.has_value());
  if (p) return "";
  EXPECT_EQ(p.error().code, ErrorCode::usage);
  return p.error().message;
}

TEST(PolicyParse, FullPolicy) {
  auto p = parse_ok(R"(version: 1
signatures:
  mode: notify
  required: false
  signers:
    - key: cosign.pub
    - key: awskms:///arn:aws:kms:us-east-1:123:key/abc
    - keyless: {identity_regexp: '^ci@example\.com$', issuer: https://issuer, trusted_root: root.json}
    - notation: {trust_policy: tp.json, trust_store: store}
  annotations: {env: prod}
vulnerabilities:
  severities: [CRITICAL, high]
  threshold: MEDIUM
  ignore_unfixed: true
  ignore_statuses: [will_not_fix]
  ignore:
    - id: CVE-2023-45853
      purl: pkg:deb/debian/zlib1g
      expires: 2026-12-31
      reason: minizip is not shipped
  ignore_files: [.trivyignore]
  kev: notify
  epss_min: 0.5
  cvss_min: {value: 9, mode: notify}
config:
  mode: notify
  runs_as_root: enforce
  no_healthcheck: true
  secrets: {names: ['*_KEY']}
  max_age_days: {days: 30, mode: enforce}
  allowed_registries: [ghcr.io/org/]
  denied_tags: {tags: [latest], mode: enforce}
licenses:
  deny: [AGPL-3.0-only]
  warn: [GPL-3.0-only]
)");
  EXPECT_TRUE(p.signatures.enabled);
  EXPECT_EQ(p.signatures.mode, Mode::notify);
  EXPECT_FALSE(p.signatures.required);
  ASSERT_EQ(p.signatures.signers.size(), 4u);
  EXPECT_EQ(p.signatures.signers[1].key, "awskms:///arn:aws:kms:us-east-1:123:key/abc");
  EXPECT_EQ(p.signatures.signers[2].kind, Signer::Kind::keyless);
  EXPECT_EQ(p.signatures.signers[2].identity_regexp, "^ci@example\\.com$");
  EXPECT_EQ(p.signatures.signers[3].trust_store, "store");
  EXPECT_EQ(p.signatures.annotations.at("env"), "prod");
  EXPECT_EQ(p.vulnerabilities.severities, (std::set{scan::Severity::critical, scan::Severity::high}));
  EXPECT_EQ(p.vulnerabilities.threshold, scan::Severity::medium);
  EXPECT_TRUE(p.vulnerabilities.ignore_unfixed);
  ASSERT_EQ(p.vulnerabilities.ignores.size(), 1u);
  EXPECT_EQ(p.vulnerabilities.ignores[0].expires, "2026-12-31");
  EXPECT_EQ(p.vulnerabilities.ignores[0].statement, "minizip is not shipped");
  EXPECT_EQ(p.vulnerabilities.ignores[0].origin, "p.yaml:17");
  EXPECT_EQ(p.vulnerabilities.kev.mode, Mode::notify);
  EXPECT_TRUE(p.vulnerabilities.epss_min.enabled);
  EXPECT_DOUBLE_EQ(p.vulnerabilities.epss_min.value, 0.5);
  EXPECT_EQ(p.vulnerabilities.epss_min.mode, Mode::enforce);
  EXPECT_EQ(p.vulnerabilities.cvss_min.mode, Mode::notify);
  EXPECT_EQ(p.config.runs_as_root.mode, Mode::enforce);
  EXPECT_EQ(p.config.no_healthcheck.mode, Mode::notify);
  EXPECT_TRUE(p.config.secrets.enabled);
  EXPECT_EQ(p.config.secret_names, std::vector<std::string>{"*_KEY"});
  EXPECT_DOUBLE_EQ(p.config.max_age_days.value, 30);
  EXPECT_EQ(p.config.max_age_days.mode, Mode::enforce);
  EXPECT_EQ(p.config.registries, std::vector<std::string>{"ghcr.io/org/"});
  EXPECT_EQ(p.config.denied_tags.mode, Mode::enforce);
  EXPECT_EQ(p.licenses.deny, std::vector<std::string>{"AGPL-3.0-only"});
}

TEST(PolicyParse, JsonIsAccepted) {
  auto p = parse_ok(R"({"version": 1, "vulnerabilities": {"threshold": "HIGH", "kev": "off"}})");
  EXPECT_EQ(p.vulnerabilities.threshold, scan::Severity::high);
  EXPECT_FALSE(p.vulnerabilities.kev.enabled);
}

TEST(PolicyParse, EveryErrorIsReportedWithItsLine) {
  auto msg = parse_err(R"(version: 1
vulnerabilities:
  severities: [CRITICAL, SEVERE]
  colour: red
  ignore:
    - id: CVE-1
      expires: 2026-02-30
    - id: CVE-2
      reason: ok
      expires: soon
signatures:
  signers:
    - keyless: {identity_regexp: '(unclosed', issuer: x, trusted_root: r.json}
config:
  runs_as_root: maybe
)");
  EXPECT_NE(msg.find("p.yaml:3: vulnerabilities.severities 'SEVERE' is not a severity"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:4: unknown key 'colour' in vulnerabilities"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:7: ignore.expires '2026-02-30' is not a date"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:6: the ignore entry for CVE-1 has no reason"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:10: ignore.expires 'soon' is not a date"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:13: signers.keyless.identity_regexp '(unclosed' is not a valid RE2 regexp"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("p.yaml:15: config.runs_as_root must be enforce (deny) or notify (warn)"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("has 7 error(s)"), std::string::npos) << msg;
}

TEST(PolicyParse, VersionIsRequiredAndChecked) {
  EXPECT_NE(parse_err("vulnerabilities: {}\n").find("p.yaml:1: the policy has no version; add 'version: 1'"),
            std::string::npos);
  EXPECT_NE(parse_err("version: 2\n").find("version '2' is not supported"), std::string::npos);
  EXPECT_NE(parse_err("- a\n").find("expected a mapping"), std::string::npos);
  EXPECT_NE(parse_err("version: 1\nfoo: [\n").find("not valid YAML or JSON"), std::string::npos);
}

TEST(PolicyParse, SignerShapes) {
  auto msg = parse_err(R"(version: 1
signatures:
  signers:
    - {key: a.pub, notation: {trust_policy: t, trust_store: s}}
    - keyless: {identity: a, issuer_regexp: b}
    - notation: {trust_policy: t}
)");
  EXPECT_NE(msg.find("p.yaml:4: a signer names exactly one of"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:5: signers.keyless needs trusted_root"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:6: signers.notation needs trust_policy"), std::string::npos) << msg;
  EXPECT_NE(parse_err("version: 1\nsignatures: {mode: enforce}\n").find("signatures needs signers"), std::string::npos);
}

TEST(PolicyParse, RangesAndStatuses) {
  auto msg = parse_err(R"(version: 1
vulnerabilities:
  epss_min: 1.5
  cvss_min: {mode: notify}
  ignore_statuses: [sometimes]
  threshold: [HIGH]
)");
  EXPECT_NE(msg.find("p.yaml:3: vulnerabilities.epss_min must be a number from 0 to 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:4: vulnerabilities.cvss_min needs 'value'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'sometimes' is not a status"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.yaml:6: vulnerabilities.threshold '(not a string)' is not a severity"), std::string::npos)
      << msg;
}

TEST(PolicyParse, FixAvailableDays) {
  auto p = parse_ok("version: 1\nvulnerabilities: {fix_available_days: 30}\n");
  EXPECT_TRUE(p.vulnerabilities.fix_available_days.enabled);
  EXPECT_EQ(p.vulnerabilities.fix_available_days.days, 30);
  EXPECT_EQ(p.vulnerabilities.fix_available_days.mode, Mode::enforce);
  p = parse_ok(R"(version: 1
vulnerabilities:
  fix_available_days: {severities: {CRITICAL: 7, HIGH: 14}, mode: notify}
)");
  const auto& r = p.vulnerabilities.fix_available_days;
  EXPECT_FALSE(r.days);
  EXPECT_EQ(r.mode, Mode::notify);
  EXPECT_EQ(r.by_severity.at(scan::Severity::critical), 7);
  EXPECT_EQ(r.by_severity.at(scan::Severity::high), 14);
  auto j = nlohmann::json::parse(policy_to_json(p));
  EXPECT_EQ(j["vulnerabilities"]["fix_available_days"]["severities"]["CRITICAL"], 7);
  auto msg = parse_err(R"(version: 1
vulnerabilities:
  fix_available_days: {mode: notify}
  kev: enforce
)");
  EXPECT_NE(msg.find("p.yaml:3: vulnerabilities.fix_available_days needs 'days' or 'severities'"), std::string::npos)
      << msg;
  msg = parse_err("version: 1\nvulnerabilities:\n  fix_available_days: {severities: {SEVERE: 3, HIGH: -1}}\n");
  EXPECT_NE(msg.find("'SEVERE' is not a severity"), std::string::npos) << msg;
  EXPECT_NE(msg.find("vulnerabilities.fix_available_days.severities.HIGH must be a number from 0 to 36500"),
            std::string::npos)
      << msg;
}

TEST(PolicyParse, StarterPolicyParsesAndRoundTripsAsJson) {
  auto p = parse_ok(starter_policy());
  EXPECT_TRUE(p.vulnerabilities.kev.enabled);
  EXPECT_EQ(p.config.tags, std::vector<std::string>{"latest"});
  auto j = nlohmann::json::parse(policy_to_json(p));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["vulnerabilities"]["severities"], nlohmann::json::array({"CRITICAL"}));
  EXPECT_EQ(j["config"]["runs_as_root"]["mode"], "enforce");
  EXPECT_EQ(j["config"]["max_age_days"], "off");
}

TEST(PolicyParse, DefaultPolicyDeniesCritical) {
  auto p = default_policy();
  EXPECT_TRUE(p.vulnerabilities.enabled);
  EXPECT_EQ(p.vulnerabilities.severities, std::set{scan::Severity::critical});
  EXPECT_FALSE(p.signatures.enabled);
}

}  // namespace
}  // namespace ig::policy
