#include "policy/check_document.h"

#include <algorithm>

namespace ig::policy {

namespace {

report::DocRule rule(std::string name, Kind kind, Mode mode) {
  report::DocRule r;
  r.rule = std::move(name);
  r.kind = kind_name(kind);
  r.mode = mode_name(mode);
  return r;
}

}  // namespace

std::vector<report::DocRule> enabled_rules(const Policy& p) {
  std::vector<report::DocRule> out;
  const auto& s = p.signatures;
  if (s.enabled) {
    out.push_back(rule("signatures.required", Kind::signature, s.required ? s.mode : Mode::notify));
    out.push_back(rule("signatures.valid", Kind::signature, s.mode));
    out.push_back(rule("signatures.signer", Kind::signature, s.mode));
  }
  const auto& v = p.vulnerabilities;
  if (v.enabled) {
    out.push_back(rule("vulnerabilities.severity", Kind::vulnerability, v.mode));
    if (v.kev.enabled) out.push_back(rule("vulnerabilities.kev", Kind::vulnerability, v.kev.mode));
    if (v.epss_min.enabled) out.push_back(rule("vulnerabilities.epss_min", Kind::vulnerability, v.epss_min.mode));
    if (v.cvss_min.enabled) out.push_back(rule("vulnerabilities.cvss_min", Kind::vulnerability, v.cvss_min.mode));
  }
  const auto& c = p.config;
  for (auto [r, name] : {std::pair{&c.runs_as_root, "config.runs_as_root"}, std::pair{&c.no_healthcheck, "config.no_healthcheck"},
                         std::pair{&c.secrets, "config.secrets"}, std::pair{&c.max_age_days, "config.max_age_days"},
                         std::pair{&c.allowed_registries, "config.allowed_registries"},
                         std::pair{&c.denied_tags, "config.denied_tags"}}) {
    if (r->enabled) out.push_back(rule(name, Kind::config, r->mode));
  }
  if (!p.licenses.deny.empty()) out.push_back(rule("licenses.deny", Kind::license, Mode::enforce));
  if (!p.licenses.warn.empty()) out.push_back(rule("licenses.warn", Kind::license, Mode::notify));
  return out;
}

void add_check(report::Document& doc, const CheckReport& report, const Policy& p) {
  report::DocVerdict v;
  v.decision = decision_name(report.verdict.decision);
  v.exit_code = report.exit_code;
  if (report.verdict.denied_by) v.denied_by = kind_name(*report.verdict.denied_by);
  v.policy_source = report.policy_source;
  v.policy_digest = report.policy_digest;
  v.waived = report.waived;
  v.rules = enabled_rules(p);
  // A rule that fired carries its reason; one the policy enables under
  // another name (a reason evaluate() adds that the list above lacks) is
  // added so that nothing that decided is hidden.
  for (const auto& reason : report.verdict.reasons) {
    auto it = std::find_if(v.rules.begin(), v.rules.end(),
                           [&](const report::DocRule& r) { return r.rule == reason.rule && !r.fired; });
    if (it == v.rules.end()) {
      v.rules.push_back(rule(reason.rule, reason.kind, reason.mode));
      it = v.rules.end() - 1;
    }
    it->fired = true;
    it->mode = mode_name(reason.mode);
    it->saw = reason.saw;
    it->items = reason.items;
    it->fix = reason.fix;
  }
  if (!report.scanned) {
    for (auto& r : v.rules) {
      if (r.kind != "signature" && !r.fired) r.evaluated = false;
    }
  }
  doc.verdict = std::move(v);
  report::DocSignature sig;
  sig.status = signature_status_name(report.signature.status);
  sig.method = report.signature_method;
  sig.signer = report.signature.signer;
  sig.detail = report.signature.detail;
  doc.signature = std::move(sig);
  if (doc.warnings.empty()) doc.warnings = report.warnings;
}

}  // namespace ig::policy
