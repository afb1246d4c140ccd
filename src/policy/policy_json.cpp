// The policy written back out: as JSON for the record of a decision, and as a
// commented YAML starting point for `imagegate policy init`.
#include <nlohmann/json.hpp>

#include "policy/policy.h"

namespace ig::policy {

namespace {

nlohmann::json rule_json(const ValueRule& r, const char* value_key = nullptr) {
  if (!r.enabled) return "off";
  nlohmann::json j{{"mode", mode_name(r.mode)}};
  if (value_key) j[value_key] = r.value;
  return j;
}

nlohmann::json fix_age_json(const FixAgeRule& r) {
  if (!r.enabled) return "off";
  nlohmann::json j{{"mode", mode_name(r.mode)}};
  if (r.days) j["days"] = *r.days;
  if (!r.by_severity.empty()) {
    nlohmann::json sev = nlohmann::json::object();
    for (const auto& [s, d] : r.by_severity) sev[scan::severity_name(s)] = d;
    j["severities"] = std::move(sev);
  }
  return j;
}

nlohmann::json signer_json(const Signer& s) {
  switch (s.kind) {
    case Signer::Kind::key: return {{"key", s.key}};
    case Signer::Kind::keyless: {
      nlohmann::json k{{"trusted_root", s.trusted_root}};
      if (!s.identity.empty()) k["identity"] = s.identity;
      if (!s.identity_regexp.empty()) k["identity_regexp"] = s.identity_regexp;
      if (!s.issuer.empty()) k["issuer"] = s.issuer;
      if (!s.issuer_regexp.empty()) k["issuer_regexp"] = s.issuer_regexp;
      return {{"keyless", k}};
    }
    case Signer::Kind::notation:
      return {{"notation", {{"trust_policy", s.trust_policy}, {"trust_store", s.trust_store}}}};
  }
  return nullptr;
}

}  // namespace

std::string policy_to_json(const Policy& p) {
  nlohmann::json j{{"version", p.version}, {"source", p.source}};
  if (p.signatures.enabled) {
    nlohmann::json signers = nlohmann::json::array();
    for (const auto& s : p.signatures.signers) signers.push_back(signer_json(s));
    j["signatures"] = {{"mode", mode_name(p.signatures.mode)},
                       {"required", p.signatures.required},
                       {"signers", signers},
                       {"annotations", p.signatures.annotations}};
  }
  if (const auto& v = p.vulnerabilities; v.enabled) {
    nlohmann::json sev = nlohmann::json::array();
    for (auto s : v.severities) sev.push_back(scan::severity_name(s));
    nlohmann::json ignores = nlohmann::json::array();
    for (const auto& r : v.ignores) {
      nlohmann::json e{{"id", r.id}, {"reason", r.statement}};
      if (!r.purls.empty()) e["purls"] = r.purls;
      if (!r.paths.empty()) e["paths"] = r.paths;
      if (!r.expires.empty()) e["expires"] = r.expires;
      ignores.push_back(std::move(e));
    }
    j["vulnerabilities"] = {{"mode", mode_name(v.mode)},
                            {"severities", sev},
                            {"ignore_unfixed", v.ignore_unfixed},
                            {"ignore_statuses", v.ignore_statuses},
                            {"ignore", ignores},
                            {"ignore_files", v.ignore_files},
                            {"vex", v.vex},
                            {"kev", rule_json(v.kev)},
                            {"epss_min", rule_json(v.epss_min, "value")},
                            {"cvss_min", rule_json(v.cvss_min, "value")},
                            {"fix_available_days", fix_age_json(v.fix_available_days)}};
    if (v.threshold) j["vulnerabilities"]["threshold"] = scan::severity_name(*v.threshold);
  }
  const auto& c = p.config;
  nlohmann::json secrets = rule_json(c.secrets);
  if (c.secrets.enabled && !c.secret_names.empty()) secrets["names"] = c.secret_names;
  nlohmann::json registries = rule_json(c.allowed_registries);
  if (c.allowed_registries.enabled) registries["registries"] = c.registries;
  nlohmann::json tags = rule_json(c.denied_tags);
  if (c.denied_tags.enabled) tags["tags"] = c.tags;
  j["config"] = {{"runs_as_root", rule_json(c.runs_as_root)},
                 {"no_healthcheck", rule_json(c.no_healthcheck)},
                 {"secrets", secrets},
                 {"max_age_days", rule_json(c.max_age_days, "days")},
                 {"allowed_registries", registries},
                 {"denied_tags", tags}};
  j["licenses"] = {{"deny", p.licenses.deny}, {"warn", p.licenses.warn}};
  return j.dump(2) + "\n";
}

std::string starter_policy() {
  return R"(# imagegate deploy-gate policy (docs/check.md; JSON Schema: docs/policy.schema.json).
# Check it with `imagegate policy validate FILE`; use it with
# `imagegate check IMAGE --policy FILE`. Every rule takes a mode:
# enforce (the image is denied) or notify (the verdict is warn; exit 0).
version: 1

# Signatures are checked first: an image that must be signed and is not is
# refused before any scan work. A signature by any one signer is enough.
# Relative file names are relative to this file.
#signatures:
#  mode: enforce
#  required: true            # false: an unsigned image only warns (failOnUnsigned)
#  signers:
#    - key: cosign.pub       # or awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID
#    - keyless:
#        identity: release@example.com          # or identity_regexp (RE2)
#        issuer: https://accounts.google.com    # or issuer_regexp
#        trusted_root: trusted_root.json
#    - notation:
#        trust_policy: trustpolicy.json
#        trust_store: truststore
#  annotations:              # the signed payload must carry these (key signers)
#    env: prod

vulnerabilities:
  mode: enforce
  severities: [CRITICAL]     # and/or threshold: HIGH (that severity and above)
  ignore_unfixed: false      # true: findings with no fixed version do not count
  #ignore_statuses: [will_not_fix]
  kev: enforce               # anything in CISA's Known Exploited Vulnerabilities
  #epss_min: 0.5             # EPSS probability at or above this
  #cvss_min: {value: 9.0, mode: notify}
  #fix_available_days: {days: 30, severities: {CRITICAL: 7}}  # a fix published this long ago is not applied
  #ignore:                   # each waiver needs a reason; expires is YYYY-MM-DD
  #  - id: CVE-2023-45853
  #    purl: pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1
  #    expires: 2026-12-31
  #    reason: minizip is not shipped in this image
  #ignore_files: [.trivyignore]
  #vex: [vex.openvex.json]   # OpenVEX or CycloneDX VEX: not_affected/fixed statements waive findings

config:
  mode: notify
  runs_as_root: enforce      # no USER, or USER 0/root
  no_healthcheck: notify
  secrets: enforce           # *_TOKEN, *_SECRET, AWS keys, PEM private keys in ENV or labels
  #max_age_days: 90
  #allowed_registries: [123456789012.dkr.ecr.us-east-1.amazonaws.com, ghcr.io/my-org/]
  denied_tags: [latest]

licenses:
  deny: [AGPL-3.0-only, AGPL-3.0-or-later]
  warn: [GPL-3.0-only, GPL-3.0-or-later]
)";
}

}  // namespace ig::policy
