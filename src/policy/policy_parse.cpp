// Reading a policy file. Faults are collected, not thrown: a reviewer fixing a
// policy wants every mistake in one run, each with its line and its fix.
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <initializer_list>

#include <fmt/format.h>

#include "policy/policy.h"
#include "util/fs.h"

namespace ig::policy {

namespace {

constexpr uint64_t k_max_policy_size = 1u << 20;

class Parser {
 public:
  explicit Parser(std::string_view name) : name_(name) {}

  void error(const YAML::Node& at, std::string_view what) { error_at(line_of(at), what); }
  void error_at(int line, std::string_view what) { errors_.push_back(fmt::format("{}:{}: {}", name_, line, what)); }
  const std::vector<std::string>& errors() const { return errors_; }
  std::string origin(const YAML::Node& n) const { return fmt::format("{}:{}", name_, line_of(n)); }

  static int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

  // Reports every key of `map` outside `allowed`, naming the keys it takes.
  void known_keys(const YAML::Node& map, std::string_view where, std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : map) {
      auto key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(kv.first, fmt::format("unknown key '{}' in {}; the keys it takes are: {}", key, where, list));
    }
  }

  bool is_map(const YAML::Node& n, std::string_view where) {
    if (n.IsMap()) return true;
    error(n, fmt::format("{} must be a mapping (key: value lines)", where));
    return false;
  }

  std::optional<std::string> string(const YAML::Node& n, std::string_view where) {
    if (n.IsScalar()) return n.Scalar();
    error(n, fmt::format("{} must be a string", where));
    return std::nullopt;
  }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view where) {
    if (n.IsScalar()) {
      const auto& s = n.Scalar();
      if (s == "true") return true;
      if (s == "false") return false;
    }
    error(n, fmt::format("{} must be true or false", where));
    return std::nullopt;
  }

  std::optional<double> number(const YAML::Node& n, std::string_view where, double lo, double hi) {
    if (n.IsScalar()) {
      const auto& s = n.Scalar();
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(v) && v >= lo && v <= hi) return v;
    }
    error(n, fmt::format("{} must be a number from {} to {}", where, lo, hi));
    return std::nullopt;
  }

  std::vector<std::string> strings(const YAML::Node& n, std::string_view where) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) {
      error(n, fmt::format("{} must be a list of strings", where));
      return out;
    }
    for (const auto& item : n) {
      if (item.IsScalar()) out.push_back(item.Scalar());
      else error(item, fmt::format("{} must be a list of strings", where));
    }
    return out;
  }

  std::optional<Mode> mode(const YAML::Node& n, std::string_view where) {
    if (n.IsScalar() && n.Scalar() == "enforce") return Mode::enforce;
    if (n.IsScalar() && n.Scalar() == "notify") return Mode::notify;
    error(n, fmt::format("{} must be enforce (deny) or notify (warn)", where));
    return std::nullopt;
  }

  std::optional<scan::Severity> severity(const YAML::Node& n, std::string_view where) {
    if (n.IsScalar()) {
      std::string s = n.Scalar();
      // ECR's names for "no rating": our UNKNOWN (docs/check.md).
      if (s == "UNDEFINED" || s == "INFORMATIONAL") return scan::Severity::unknown;
      if (auto v = scan::parse_severity(s)) return v;
    }
    error(n, fmt::format("{} '{}' is not a severity; use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN", where,
                         n.IsScalar() ? n.Scalar() : "(not a string)"));
    return std::nullopt;
  }

  void regexp(const YAML::Node& n, const std::string& pattern, std::string_view where) {
    RE2::Options o;
    o.set_log_errors(false);
    RE2 re(pattern, o);
    if (!re.ok()) error(n, fmt::format("{} '{}' is not a valid RE2 regexp ({}); fix the pattern", where, pattern, re.error()));
  }

  // "YYYY-MM-DD" (a real calendar day), or an RFC 3339 time whose date counts.
  std::optional<std::string> date(const YAML::Node& n, std::string_view where) {
    if (n.IsScalar()) {
      const auto& s = n.Scalar();
      if (s.size() >= 10 && (s.size() == 10 || s[10] == 'T' || s[10] == ' ')) {
        int y = 0, m = 0, d = 0;
        char tail = 0;
        if (std::sscanf(s.substr(0, 10).c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && s[4] == '-' &&
            s[7] == '-') {
          std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
          if (ymd.ok()) return s.substr(0, 10);
        }
      }
    }
    error(n, fmt::format("{} '{}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31", where,
                         n.IsScalar() ? n.Scalar() : "(not a string)"));
    return std::nullopt;
  }

 private:
  std::string name_;
  std::vector<std::string> errors_;
};

// A rule that is on/off with a mode: `enforce`, `notify`, `off`, true, false,
// or {mode: …} with the extra keys in `extra`.
void switch_rule(Parser& p, const YAML::Node& n, std::string_view where, Mode section_mode, ValueRule& out,
                 std::initializer_list<std::string_view> extra = {}) {
  out.mode = section_mode;
  if (n.IsScalar()) {
    const auto& s = n.Scalar();
    if (s == "off" || s == "false") return;
    out.enabled = true;
    if (s == "true") return;
    if (auto m = p.mode(n, where)) out.mode = *m;
    return;
  }
  if (!p.is_map(n, where)) return;
  std::vector<std::string_view> keys{"mode"};
  keys.insert(keys.end(), extra.begin(), extra.end());
  for (const auto& kv : n) {
    auto key = kv.first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      p.error(kv.first, fmt::format("unknown key '{}' in {}; use mode{}", key, where, extra.size() ? " and the rule's own keys" : ""));
    }
  }
  out.enabled = true;
  if (n["mode"]) {
    if (auto m = p.mode(n["mode"], std::string(where) + ".mode")) out.mode = *m;
  }
}

// A rule with a value: a bare number, or {value_key: number, mode: …}.
void value_rule(Parser& p, const YAML::Node& n, std::string_view where, std::string_view value_key, Mode section_mode,
                double lo, double hi, ValueRule& out) {
  out.mode = section_mode;
  if (n.IsScalar()) {
    if (auto v = p.number(n, where, lo, hi)) {
      out.enabled = true;
      out.value = *v;
    }
    return;
  }
  if (!p.is_map(n, where)) return;
  switch_rule(p, n, where, section_mode, out, {value_key});
  const auto v = n[std::string(value_key)];
  if (!v) {
    p.error(n, fmt::format("{} needs '{}'", where, value_key));
    return;
  }
  if (auto x = p.number(v, fmt::format("{}.{}", where, value_key), lo, hi)) out.value = *x;
}

// A rule with a list: a bare list, or {list_key: [...], mode: …}.
void list_rule(Parser& p, const YAML::Node& n, std::string_view where, std::string_view list_key, Mode section_mode,
               ValueRule& out, std::vector<std::string>& list) {
  out.mode = section_mode;
  if (n.IsSequence()) {
    out.enabled = true;
    list = p.strings(n, where);
    return;
  }
  if (!p.is_map(n, where)) return;
  switch_rule(p, n, where, section_mode, out, {list_key});
  const auto v = n[std::string(list_key)];
  if (!v) {
    p.error(n, fmt::format("{} needs '{}'", where, list_key));
    return;
  }
  list = p.strings(v, fmt::format("{}.{}", where, list_key));
}

Mode section_mode(Parser& p, const YAML::Node& section, std::string_view where) {
  if (const auto m = section["mode"]) {
    if (auto v = p.mode(m, fmt::format("{}.mode", where))) return *v;
  }
  return Mode::enforce;
}

void parse_signer(Parser& p, const YAML::Node& n, Signer& s) {
  s.origin = p.origin(n);
  if (!p.is_map(n, "each entry of signatures.signers")) return;
  p.known_keys(n, "a signer", {"key", "keyless", "notation"});
  int kinds = (n["key"] ? 1 : 0) + (n["keyless"] ? 1 : 0) + (n["notation"] ? 1 : 0);
  if (kinds != 1) {
    p.error(n, "a signer names exactly one of key (a public key file or awskms:// key), keyless or notation");
    return;
  }
  if (n["key"]) {
    s.kind = Signer::Kind::key;
    if (auto v = p.string(n["key"], "signers.key")) s.key = *v;
    if (s.key.empty()) p.error(n["key"], "signers.key is empty; give a PEM public key file or awskms:///ARN");
    return;
  }
  if (n["keyless"]) {
    s.kind = Signer::Kind::keyless;
    const auto k = n["keyless"];
    if (!p.is_map(k, "signers.keyless")) return;
    p.known_keys(k, "signers.keyless", {"identity", "identity_regexp", "issuer", "issuer_regexp", "trusted_root"});
    auto get = [&](const char* key, std::string& out) {
      if (k[key]) {
        if (auto v = p.string(k[key], fmt::format("signers.keyless.{}", key))) out = *v;
      }
    };
    get("identity", s.identity);
    get("identity_regexp", s.identity_regexp);
    get("issuer", s.issuer);
    get("issuer_regexp", s.issuer_regexp);
    get("trusted_root", s.trusted_root);
    if (!s.identity_regexp.empty()) p.regexp(k["identity_regexp"], s.identity_regexp, "signers.keyless.identity_regexp");
    if (!s.issuer_regexp.empty()) p.regexp(k["issuer_regexp"], s.issuer_regexp, "signers.keyless.issuer_regexp");
    if (s.identity.empty() == s.identity_regexp.empty()) {
      p.error(k, "signers.keyless needs exactly one of identity or identity_regexp");
    }
    if (s.issuer.empty() == s.issuer_regexp.empty()) {
      p.error(k, "signers.keyless needs exactly one of issuer or issuer_regexp");
    }
    if (s.trusted_root.empty()) p.error(k, "signers.keyless needs trusted_root (a Sigstore trusted_root.json)");
    return;
  }
  s.kind = Signer::Kind::notation;
  const auto nt = n["notation"];
  if (!p.is_map(nt, "signers.notation")) return;
  p.known_keys(nt, "signers.notation", {"trust_policy", "trust_store"});
  if (nt["trust_policy"]) {
    if (auto v = p.string(nt["trust_policy"], "signers.notation.trust_policy")) s.trust_policy = *v;
  }
  if (nt["trust_store"]) {
    if (auto v = p.string(nt["trust_store"], "signers.notation.trust_store")) s.trust_store = *v;
  }
  if (s.trust_policy.empty() || s.trust_store.empty()) {
    p.error(nt, "signers.notation needs trust_policy (trustpolicy.json) and trust_store (a directory)");
  }
}

void parse_signatures(Parser& p, const YAML::Node& n, SignatureRules& out) {
  if (!p.is_map(n, "signatures")) return;
  p.known_keys(n, "signatures", {"mode", "required", "signers", "annotations"});
  out.enabled = true;
  out.mode = section_mode(p, n, "signatures");
  if (n["required"]) {
    if (auto v = p.boolean(n["required"], "signatures.required")) out.required = *v;
  }
  if (const auto s = n["signers"]) {
    if (!s.IsSequence() || s.size() == 0) {
      p.error(s, "signatures.signers must be a non-empty list of signers ({key: FILE}, {keyless: …}, {notation: …})");
    } else {
      for (const auto& item : s) {
        Signer signer;
        parse_signer(p, item, signer);
        out.signers.push_back(std::move(signer));
      }
    }
  } else {
    p.error(n, "signatures needs signers: the keys or identities whose signature is accepted");
  }
  if (const auto a = n["annotations"]) {
    if (p.is_map(a, "signatures.annotations")) {
      for (const auto& kv : a) {
        if (auto v = p.string(kv.second, fmt::format("signatures.annotations.{}", kv.first.Scalar()))) {
          out.annotations[kv.first.Scalar()] = *v;
        }
      }
    }
  }
}

void parse_ignore_entry(Parser& p, const YAML::Node& n, scan::IgnoreRule& r) {
  r.origin = p.origin(n);
  if (!p.is_map(n, "each entry of vulnerabilities.ignore")) return;
  p.known_keys(n, "an ignore entry", {"id", "purl", "purls", "path", "paths", "expires", "reason"});
  if (n["id"]) {
    if (auto v = p.string(n["id"], "ignore.id")) r.id = *v;
  }
  if (r.id.empty()) p.error(n, "the ignore entry has no id; name the vulnerability (CVE-…, GHSA-…) it waives");
  for (const char* key : {"purl", "purls"}) {
    if (n[key]) {
      auto v = p.strings(n[key], fmt::format("ignore.{}", key));
      r.purls.insert(r.purls.end(), v.begin(), v.end());
    }
  }
  for (const char* key : {"path", "paths"}) {
    if (n[key]) {
      auto v = p.strings(n[key], fmt::format("ignore.{}", key));
      r.paths.insert(r.paths.end(), v.begin(), v.end());
    }
  }
  if (n["expires"]) {
    if (auto d = p.date(n["expires"], "ignore.expires")) r.expires = *d;
  }
  if (n["reason"]) {
    if (auto v = p.string(n["reason"], "ignore.reason")) r.statement = *v;
  }
  if (r.statement.empty()) {
    p.error(n, fmt::format("the ignore entry for {} has no reason; add reason: why it is safe to deploy with it",
                           r.id.empty() ? "(no id)" : r.id));
  }
}

// fix_available_days: N, or {days: N, severities: {CRITICAL: 7, HIGH: 30}, mode: …}.
void fix_age_rule(Parser& p, const YAML::Node& n, Mode section_mode, FixAgeRule& out) {
  constexpr std::string_view where = "vulnerabilities.fix_available_days";
  constexpr double k_max_days = 36500;
  out.mode = section_mode;
  if (n.IsScalar()) {
    if (auto v = p.number(n, where, 0, k_max_days)) {
      out.enabled = true;
      out.days = static_cast<int>(*v);
    }
    return;
  }
  if (!p.is_map(n, where)) return;
  ValueRule sw;
  switch_rule(p, n, where, section_mode, sw, {"days", "severities"});
  out.enabled = sw.enabled;
  out.mode = sw.mode;
  if (const auto d = n["days"]) {
    if (auto v = p.number(d, fmt::format("{}.days", where), 0, k_max_days)) out.days = static_cast<int>(*v);
  }
  if (const auto s = n["severities"]) {
    if (!s.IsMap()) {
      p.error(s, fmt::format("{}.severities must be a map of severity to days, e.g. {{CRITICAL: 7, HIGH: 30}}", where));
    } else {
      for (const auto& kv : s) {
        auto sev = p.severity(kv.first, fmt::format("{}.severities", where));
        auto v = p.number(kv.second, fmt::format("{}.severities.{}", where, kv.first.Scalar()), 0, k_max_days);
        if (sev && v) out.by_severity[*sev] = static_cast<int>(*v);
      }
    }
  }
  if (!n["days"] && !n["severities"]) {
    p.error(n, fmt::format("{} needs 'days' or 'severities' (e.g. {{days: 30}} or {{severities: {{CRITICAL: 7}}}})",
                           where));
  }
}

void parse_vulnerabilities(Parser& p, const YAML::Node& n, VulnerabilityRules& out) {
  if (!p.is_map(n, "vulnerabilities")) return;
  p.known_keys(n, "vulnerabilities",
               {"mode", "severities", "threshold", "ignore_unfixed", "ignore_statuses", "ignore", "ignore_files",
                "kev", "epss_min", "cvss_min", "fix_available_days", "vex"});
  out.enabled = true;
  out.mode = section_mode(p, n, "vulnerabilities");
  if (const auto s = n["severities"]) {
    if (s.IsSequence()) {
      for (const auto& item : s) {
        if (auto v = p.severity(item, "vulnerabilities.severities")) out.severities.insert(*v);
      }
    } else if (auto v = p.severity(s, "vulnerabilities.severities")) {
      out.severities.insert(*v);
    }
  }
  if (n["threshold"]) out.threshold = p.severity(n["threshold"], "vulnerabilities.threshold");
  if (n["ignore_unfixed"]) {
    if (auto v = p.boolean(n["ignore_unfixed"], "vulnerabilities.ignore_unfixed")) out.ignore_unfixed = *v;
  }
  if (n["ignore_statuses"]) {
    for (const auto& s : p.strings(n["ignore_statuses"], "vulnerabilities.ignore_statuses")) {
      static constexpr std::string_view k_statuses[] = {"fixed", "affected", "will_not_fix", "fix_deferred",
                                                        "end_of_life"};
      if (std::find(std::begin(k_statuses), std::end(k_statuses), s) == std::end(k_statuses)) {
        p.error(n["ignore_statuses"], fmt::format("vulnerabilities.ignore_statuses: '{}' is not a status; use fixed, "
                                                  "affected, will_not_fix, fix_deferred or end_of_life",
                                                  s));
      } else {
        out.ignore_statuses.insert(s);
      }
    }
  }
  if (const auto ig = n["ignore"]) {
    if (!ig.IsSequence()) {
      p.error(ig, "vulnerabilities.ignore must be a list of {id, reason, expires, purl, path} entries");
    } else {
      for (const auto& item : ig) {
        scan::IgnoreRule r;
        parse_ignore_entry(p, item, r);
        out.ignores.push_back(std::move(r));
      }
    }
  }
  if (n["ignore_files"]) out.ignore_files = p.strings(n["ignore_files"], "vulnerabilities.ignore_files");
  if (n["vex"]) out.vex = p.strings(n["vex"], "vulnerabilities.vex");
  if (n["kev"]) switch_rule(p, n["kev"], "vulnerabilities.kev", out.mode, out.kev);
  if (n["epss_min"]) value_rule(p, n["epss_min"], "vulnerabilities.epss_min", "value", out.mode, 0, 1, out.epss_min);
  if (n["cvss_min"]) value_rule(p, n["cvss_min"], "vulnerabilities.cvss_min", "value", out.mode, 0, 10, out.cvss_min);
  if (n["fix_available_days"]) fix_age_rule(p, n["fix_available_days"], out.mode, out.fix_available_days);
}

void parse_config(Parser& p, const YAML::Node& n, ConfigRules& out) {
  if (!p.is_map(n, "config")) return;
  p.known_keys(n, "config",
               {"mode", "runs_as_root", "no_healthcheck", "secrets", "max_age_days", "allowed_registries",
                "denied_tags"});
  Mode m = section_mode(p, n, "config");
  if (n["runs_as_root"]) switch_rule(p, n["runs_as_root"], "config.runs_as_root", m, out.runs_as_root);
  if (n["no_healthcheck"]) switch_rule(p, n["no_healthcheck"], "config.no_healthcheck", m, out.no_healthcheck);
  if (const auto s = n["secrets"]) {
    switch_rule(p, s, "config.secrets", m, out.secrets, {"names"});
    if (s.IsMap() && s["names"]) out.secret_names = p.strings(s["names"], "config.secrets.names");
  }
  if (n["max_age_days"]) value_rule(p, n["max_age_days"], "config.max_age_days", "days", m, 1, 36500, out.max_age_days);
  if (n["allowed_registries"]) {
    list_rule(p, n["allowed_registries"], "config.allowed_registries", "registries", m, out.allowed_registries,
              out.registries);
  }
  if (n["denied_tags"]) list_rule(p, n["denied_tags"], "config.denied_tags", "tags", m, out.denied_tags, out.tags);
}

void parse_licenses(Parser& p, const YAML::Node& n, LicenseRules& out) {
  if (!p.is_map(n, "licenses")) return;
  p.known_keys(n, "licenses", {"deny", "warn"});
  if (n["deny"]) out.deny = p.strings(n["deny"], "licenses.deny");
  if (n["warn"]) out.warn = p.strings(n["warn"], "licenses.warn");
}

}  // namespace

const char* mode_name(Mode m) { return m == Mode::enforce ? "enforce" : "notify"; }

const char* signer_kind_name(Signer::Kind k) {
  switch (k) {
    case Signer::Kind::key: return "key";
    case Signer::Kind::keyless: return "keyless";
    case Signer::Kind::notation: return "notation";
  }
  return "key";
}

Policy default_policy() {
  Policy p;
  p.source = "(built-in default)";
  p.vulnerabilities.enabled = true;
  p.vulnerabilities.severities = {scan::Severity::critical};
  return p;
}

Result<Policy> parse_policy(std::string_view text, std::string_view name) {
  Policy out;
  out.source = std::string(name);
  Parser p(name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::usage, "policy {}:{}: not valid YAML or JSON ({}); fix the syntax at that line", name,
                e.mark.line + 1, e.msg);
  }
  try {
    if (!root.IsMap()) {
      return fail(ErrorCode::usage,
                  "policy {}: expected a mapping with 'version: 1' and the sections signatures, vulnerabilities, "
                  "config, licenses; `imagegate policy init` writes a starting policy",
                  name);
    }
    p.known_keys(root, "the policy", {"version", "signatures", "vulnerabilities", "config", "licenses"});
    if (const auto v = root["version"]) {
      if (!v.IsScalar() || v.Scalar() != std::to_string(k_policy_version)) {
        p.error(v, fmt::format("version '{}' is not supported; this imagegate reads version: {}",
                               v.IsScalar() ? v.Scalar() : "(not a number)", k_policy_version));
      }
    } else {
      p.error_at(1, fmt::format("the policy has no version; add 'version: {}' at the top", k_policy_version));
    }
    if (root["signatures"]) parse_signatures(p, root["signatures"], out.signatures);
    if (root["vulnerabilities"]) parse_vulnerabilities(p, root["vulnerabilities"], out.vulnerabilities);
    if (root["config"]) parse_config(p, root["config"], out.config);
    if (root["licenses"]) parse_licenses(p, root["licenses"], out.licenses);
  } catch (const YAML::Exception& e) {
    p.error_at(e.mark.line + 1, fmt::format("unexpected structure ({})", e.msg));
  }
  if (!p.errors().empty()) {
    std::string msg = fmt::format("policy {} has {} error(s); see docs/check.md for the format:", name, p.errors().size());
    for (const auto& e : p.errors()) msg += "\n  " + e;
    return fail(ErrorCode::usage, "{}", msg);
  }
  return out;
}

Result<Policy> load_policy(const std::filesystem::path& path) {
  auto text = read_file(path, k_max_policy_size);
  if (!text) {
    return fail(text.error().with_context(fmt::format("reading the policy {}", path.string())));
  }
  IG_ASSIGN(Policy p, parse_policy(*text, path.string()));
  // Files a policy names are relative to the policy, so a policy directory
  // can be checked in and used from anywhere.
  auto base = path.parent_path();
  auto rebase = [&](std::string& f) {
    if (f.empty() || f.starts_with("awskms://") || std::filesystem::path(f).is_absolute()) return;
    f = (base / f).string();
  };
  for (auto& s : p.signatures.signers) {
    for (auto* f : {&s.key, &s.trusted_root, &s.trust_policy, &s.trust_store}) rebase(*f);
  }
  for (auto& f : p.vulnerabilities.ignore_files) rebase(f);
  for (auto& f : p.vulnerabilities.vex) rebase(f);
  return p;
}

}  // namespace ig::policy
