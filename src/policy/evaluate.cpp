// The rules, one function per kind, in the order `check` runs them.
#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "policy/verdict.h"
#include "report/sbom_licenses.h"

namespace ig::policy {

namespace {

// A reason lists at most this many items; the sentence says how many in all.
constexpr size_t k_max_items = 50;

std::string finding_item(const scan::Finding& f) {
  std::string s = fmt::format("{} in {} {} ({}", f.vulnerability_id, f.package_name, f.package_version,
                              scan::severity_name(f.severity));
  if (!f.fixed_versions.empty()) s += ", fixed in " + f.fixed_versions.front();
  else s += ", " + (f.status.empty() ? std::string("no fix") : f.status);
  return s + ")";
}

const char* k_waive_vuln =
    "upgrade the packages to a fixed version, or waive a finding with an entry under vulnerabilities.ignore "
    "{id, reason, expires} in the policy";

void add_findings_reason(std::vector<Reason>& out, const std::vector<const scan::Finding*>& hits, std::string rule,
                         Mode mode, std::string what) {
  if (hits.empty()) return;
  Reason r{std::move(rule), Kind::vulnerability, mode, fmt::format("{} finding(s) {}", hits.size(), what), {}, k_waive_vuln};
  for (const auto* f : hits) {
    if (r.items.size() == k_max_items) break;
    r.items.push_back(finding_item(*f));
  }
  out.push_back(std::move(r));
}

void vulnerability_reasons(const VulnerabilityRules& v, const std::vector<scan::Finding>& findings,
                           std::vector<Reason>& out) {
  if (!v.enabled) return;
  std::vector<const scan::Finding*> sev, kev, epss, cvss;
  for (const auto& f : findings) {
    bool in_set = v.severities.empty() || v.severities.contains(f.severity);
    // Severity enumerates most severe first; unknown is least severe.
    bool over = !v.threshold || static_cast<int>(f.severity) <= static_cast<int>(*v.threshold);
    bool any_filter = !v.severities.empty() || v.threshold;
    bool hit = any_filter ? ((v.severities.empty() || in_set) && over) : true;
    if (hit) sev.push_back(&f);
    if (v.kev.enabled && f.kev) kev.push_back(&f);
    if (v.epss_min.enabled && f.epss && *f.epss >= v.epss_min.value) epss.push_back(&f);
    if (v.cvss_min.enabled && f.cvss_score && *f.cvss_score >= v.cvss_min.value) cvss.push_back(&f);
  }
  std::string which;
  if (!v.severities.empty()) {
    for (auto s : v.severities) which += (which.empty() ? "" : ", ") + std::string(scan::severity_name(s));
  }
  if (v.threshold) which += (which.empty() ? "" : "; ") + fmt::format("{} or above", scan::severity_name(*v.threshold));
  add_findings_reason(out, sev, "vulnerabilities.severity", v.mode,
                      which.empty() ? "remain after the ignore entries" : "of severity " + which);
  add_findings_reason(out, kev, "vulnerabilities.kev", v.kev.mode, "listed in CISA's Known Exploited Vulnerabilities");
  add_findings_reason(out, epss, "vulnerabilities.epss_min", v.epss_min.mode,
                      fmt::format("with an EPSS probability of {} or more", v.epss_min.value));
  add_findings_reason(out, cvss, "vulnerabilities.cvss_min", v.cvss_min.mode,
                      fmt::format("with a CVSS score of {} or more", v.cvss_min.value));
}

bool runs_as_root(const std::string& user) {
  std::string u = user.substr(0, user.find(':'));
  return u.empty() || u == "root" || u == "0";
}

// Days from 1970-01-01 for "YYYY-MM-DD…", nullopt when it is not a date.
std::optional<int64_t> day_number(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || std::sscanf(std::string(s.substr(0, 10)).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

// The findings whose fix has been known for longer than the rule allows:
// fixed versions named, and Finding::fix_date more than N days before today.
// A finding with no fix date cannot fire it (scan::Finding::fix_date).
void fix_age_reasons(const FixAgeRule& r, const std::vector<scan::Finding>& findings, const std::string& today,
                     std::vector<Reason>& out) {
  if (!r.enabled) return;
  auto now = day_number(today);
  if (!now) return;
  std::vector<const scan::Finding*> hits;
  std::vector<std::string> ages;
  for (const auto& f : findings) {
    if (f.fixed_versions.empty()) continue;
    auto it = r.by_severity.find(f.severity);
    std::optional<int> limit = it != r.by_severity.end() ? std::optional<int>(it->second) : r.days;
    auto since = day_number(f.fix_date);
    if (!limit || !since || *now - *since <= *limit) continue;
    hits.push_back(&f);
    ages.push_back(fmt::format("fix known since {}, {} days, limit {}", f.fix_date.substr(0, 10), *now - *since,
                               *limit));
  }
  std::string what = "with a fix available for more than ";
  if (r.days) what += fmt::format("{} days", *r.days);
  for (const auto& [sev, d] : r.by_severity) {
    what += fmt::format("{}{} days for {}", what.ends_with("than ") ? "" : ", ", d, scan::severity_name(sev));
  }
  size_t before = out.size();
  add_findings_reason(out, hits, "vulnerabilities.fix_available_days", r.mode, what);
  if (out.size() == before) return;
  for (size_t i = 0; i < out.back().items.size(); ++i) out.back().items[i] += "; " + ages[i];
}

bool registry_allowed(const std::string& repo_name, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed) {
    if (a.empty()) continue;
    if (a.back() == '/') {
      if (repo_name.starts_with(a)) return true;
    } else if (repo_name == a || repo_name.starts_with(a + "/")) {
      return true;
    }
  }
  return false;
}

void config_reasons(const ConfigRules& c, const ImageFacts& img, const std::string& today, std::vector<Reason>& out) {
  if (c.runs_as_root.enabled && runs_as_root(img.user)) {
    out.push_back({"config.runs_as_root", Kind::config, c.runs_as_root.mode,
                   img.user.empty() ? "the image sets no USER, so it runs as root"
                                    : fmt::format("the image runs as USER {}, which is root", img.user),
                   {},
                   "add `USER 10001` (a non-root uid) to the Dockerfile, or set config.runs_as_root: off"});
  }
  if (c.no_healthcheck.enabled && !img.has_healthcheck) {
    out.push_back({"config.no_healthcheck", Kind::config, c.no_healthcheck.mode, "the image has no HEALTHCHECK", {},
                   "add a HEALTHCHECK instruction, or set config.no_healthcheck: off when the platform checks health "
                   "(ECS and Kubernetes can)"});
  }
  if (c.secrets.enabled) {
    auto found = find_secrets(img, c.secret_names);
    if (!found.empty()) {
      out.push_back({"config.secrets", Kind::config, c.secrets.mode,
                     fmt::format("{} environment variable(s) or label(s) look like secrets", found.size()), found,
                     "remove the secret from the image (ENV and LABEL are readable by anyone who can pull it), rotate "
                     "it, and pass it at run time from a secrets manager"});
    }
  }
  if (c.max_age_days.enabled) {
    auto created = day_number(img.created);
    auto now = day_number(today);
    if (!created) {
      out.push_back({"config.max_age_days", Kind::config, c.max_age_days.mode,
                     "the image config has no creation time, so its age is unknown", {},
                     "rebuild the image with a creation time, or raise or remove config.max_age_days"});
    } else if (now && *now - *created > static_cast<int64_t>(c.max_age_days.value)) {
      out.push_back({"config.max_age_days", Kind::config, c.max_age_days.mode,
                     fmt::format("the image was created on {} ({} days ago; the limit is {})", img.created.substr(0, 10),
                                 *now - *created, static_cast<int64_t>(c.max_age_days.value)),
                     {},
                     "rebuild the image on a current base, or raise config.max_age_days"});
    }
  }
  if (c.allowed_registries.enabled && !registry_allowed(img.repository_name, c.registries)) {
    std::string list;
    for (const auto& r : c.registries) list += (list.empty() ? "" : ", ") + r;
    out.push_back({"config.allowed_registries", Kind::config, c.allowed_registries.mode,
                   img.repository_name.empty()
                       ? fmt::format("{} is not from a registry", img.name)
                       : fmt::format("{} is not in an allowed registry ({})", img.repository_name, list),
                   {},
                   "push the image to an allowed registry and check it there, or add its registry to "
                   "config.allowed_registries"});
  }
  if (c.denied_tags.enabled && !img.tag.empty() &&
      std::find(c.tags.begin(), c.tags.end(), img.tag) != c.tags.end()) {
    out.push_back({"config.denied_tags", Kind::config, c.denied_tags.mode,
                   fmt::format("the image was named by the tag '{}'", img.tag), {},
                   "deploy by digest (check --digest-file writes it) or by a version tag"});
  }
}

void license_reasons(const LicenseRules& l, const inventory::Inventory* inv, std::vector<Reason>& out) {
  if (!inv) return;
  for (auto [list, mode, rule] : {std::tuple{&l.deny, Mode::enforce, "licenses.deny"},
                                  std::tuple{&l.warn, Mode::notify, "licenses.warn"}}) {
    if (list->empty()) continue;
    std::vector<std::string> items;
    for (const auto& pkg : inv->packages) {
      for (const auto& lic : pkg.licenses) {
        auto hit = std::find_if(list->begin(), list->end(),
                                [&](const std::string& e) { return license_matches(lic, e); });
        if (hit == list->end()) continue;
        items.push_back(fmt::format("{} {} ({}): {}", pkg.name, pkg.version, pkg.ecosystem, lic));
        break;
      }
    }
    if (items.empty()) continue;
    size_t n = items.size();
    if (items.size() > k_max_items) items.resize(k_max_items);
    out.push_back({rule, Kind::license, mode, fmt::format("{} package(s) under a license the policy lists", n), items,
                   fmt::format("remove or replace the packages, or take the license off {} in the policy", rule)});
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A small recursive descent over a normalized SPDX expression's tokens.
class LicenseExpr {
 public:
  LicenseExpr(std::string_view text, std::string entry) : entry_(std::move(entry)) {
    std::string cur;
    for (char c : text) {
      if (c == '(' || c == ')' || std::isspace(static_cast<unsigned char>(c))) {
        if (!cur.empty()) tokens_.push_back(cur), cur.clear();
        if (c != ' ' && !std::isspace(static_cast<unsigned char>(c))) tokens_.emplace_back(1, c);
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) tokens_.push_back(cur);
  }
  // True when every choice the expression allows includes the entry.
  bool matches() { return (or_expr(0) && pos_ == tokens_.size()) ? result_ : any_token(); }

 private:
  bool or_expr(int depth) {
    if (depth > 32) return false;
    if (!and_expr(depth)) return false;
    bool all = result_;
    while (pos_ < tokens_.size() && tokens_[pos_] == "OR") {
      ++pos_;
      if (!and_expr(depth)) return false;
      all = all && result_;
    }
    result_ = all;
    return true;
  }
  bool and_expr(int depth) {
    if (!atom(depth)) return false;
    bool any = result_;
    while (pos_ < tokens_.size() && tokens_[pos_] == "AND") {
      ++pos_;
      if (!atom(depth)) return false;
      any = any || result_;
    }
    result_ = any;
    return true;
  }
  bool atom(int depth) {
    if (pos_ >= tokens_.size()) return false;
    if (tokens_[pos_] == "(") {
      ++pos_;
      if (!or_expr(depth + 1) || pos_ >= tokens_.size() || tokens_[pos_] != ")") return false;
      ++pos_;
      return true;
    }
    std::string id = tokens_[pos_++];
    if (id == ")" || id == "AND" || id == "OR" || id == "WITH") return false;
    if (id.ends_with("+")) id.pop_back();
    result_ = lower(id) == entry_;
    if (pos_ < tokens_.size() && tokens_[pos_] == "WITH") pos_ = std::min(pos_ + 2, tokens_.size());
    return true;
  }
  // Fallback for text that is not an expression: any word equal to the entry.
  bool any_token() const {
    return std::any_of(tokens_.begin(), tokens_.end(), [&](const std::string& t) { return lower(t) == entry_; });
  }

  std::vector<std::string> tokens_;
  std::string entry_;
  size_t pos_ = 0;
  bool result_ = false;
};

}  // namespace

const char* decision_name(Decision d) {
  switch (d) {
    case Decision::allow: return "allow";
    case Decision::warn: return "warn";
    case Decision::deny: return "deny";
  }
  return "deny";
}

const char* signature_status_name(SignatureOutcome::Status s) {
  switch (s) {
    case SignatureOutcome::Status::not_checked: return "not_checked";
    case SignatureOutcome::Status::verified: return "verified";
    case SignatureOutcome::Status::unsigned_image: return "unsigned";
    case SignatureOutcome::Status::invalid: return "invalid";
    case SignatureOutcome::Status::untrusted: return "untrusted";
  }
  return "not_checked";
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::signature: return "signature";
    case Kind::vulnerability: return "vulnerability";
    case Kind::config: return "config";
    case Kind::license: return "license";
  }
  return "config";
}

bool license_matches(std::string_view expression, std::string_view entry) {
  auto norm_entry = report::normalize_license_expression(entry);
  auto norm_expr = report::normalize_license_expression(expression);
  if (norm_entry && norm_expr && lower(*norm_entry) == lower(*norm_expr)) return true;
  if (norm_entry && report::is_compound_license_expression(*norm_entry)) return false;
  // An entry that is not SPDX (distro spellings like "GPL-3+") is matched as a word.
  LicenseExpr e(norm_expr ? *norm_expr : std::string(expression), lower(norm_entry ? *norm_entry : entry));
  return e.matches();
}

std::vector<std::string> find_secrets(const ImageFacts& facts, const std::vector<std::string>& extra_names) {
  static const std::vector<std::string> k_names = {
      "*_TOKEN", "*_SECRET", "*_SECRET_KEY", "*_PASSWORD", "*_PASSWD", "*_API_KEY", "*_PRIVATE_KEY",
      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PASSWORD", "SECRET", "TOKEN"};
  // Values that are keys whatever their name: AWS access key ids, PEM
  // private keys, GitHub and Slack tokens.
  static const RE2 k_values(
      R"((?:^|[^A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?:$|[^A-Z0-9])|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,})");
  auto name_hit = [&](const std::string& name) {
    std::string upper = name;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto* list : {&k_names, &extra_names}) {
      for (const auto& g : *list) {
        if (fnmatch(g.c_str(), upper.c_str(), FNM_CASEFOLD) == 0) return true;
      }
    }
    return false;
  };
  std::vector<std::string> out;
  auto check = [&](const std::string& where, const std::string& name, const std::string& value) {
    if (value.empty()) return;  // an empty value holds no secret
    if (RE2::PartialMatch(value, k_values)) {
      out.push_back(fmt::format("{} {} holds a value that looks like a key", where, name));
    } else if (name_hit(name)) {
      out.push_back(fmt::format("{} {} is named like a secret", where, name));
    }
  };
  for (const auto& e : facts.env) {
    auto eq = e.find('=');
    check("ENV", e.substr(0, eq), eq == std::string::npos ? "" : e.substr(eq + 1));
  }
  for (const auto& [k, v] : facts.labels) check("LABEL", k, v);
  return out;
}

void read_config_facts(std::string_view config_json, ImageFacts& facts) {
  auto j = nlohmann::json::parse(config_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  if (auto c = j.find("created"); c != j.end() && c->is_string()) facts.created = c->get<std::string>();
  auto cfg = j.find("config");
  if (cfg == j.end() || !cfg->is_object()) return;
  auto str = [&](const char* key) -> std::string {
    auto it = cfg->find(key);
    return it != cfg->end() && it->is_string() ? it->get<std::string>() : "";
  };
  facts.user = str("User");
  if (auto e = cfg->find("Env"); e != cfg->end() && e->is_array()) {
    facts.env.clear();
    for (const auto& v : *e) {
      if (v.is_string()) facts.env.push_back(v.get<std::string>());
    }
  }
  if (auto l = cfg->find("Labels"); l != cfg->end() && l->is_object()) {
    facts.labels.clear();
    for (const auto& [k, v] : l->items()) {
      if (v.is_string()) facts.labels[k] = v.get<std::string>();
    }
  }
  facts.has_healthcheck = false;
  if (auto h = cfg->find("Healthcheck"); h != cfg->end() && h->is_object()) {
    auto t = h->find("Test");
    bool none = t != h->end() && t->is_array() && !t->empty() && (*t)[0] == "NONE";
    facts.has_healthcheck = t != h->end() && t->is_array() && !t->empty() && !none;
  }
}

std::vector<Reason> evaluate_signatures(const Policy& p, const SignatureOutcome& s) {
  std::vector<Reason> out;
  const auto& sig = p.signatures;
  if (!sig.enabled) return out;
  using S = SignatureOutcome::Status;
  std::string signers;
  for (const auto& x : sig.signers) {
    signers += (signers.empty() ? "" : ", ") + std::string(signer_kind_name(x.kind));
  }
  switch (s.status) {
    case S::verified:
    case S::not_checked:
      break;
    case S::unsigned_image:
      out.push_back({"signatures.required", Kind::signature, sig.required ? sig.mode : Mode::notify,
                     "the image digest carries no signature of the kinds the policy accepts (" + signers + ")",
                     {},
                     "sign the digest (imagegate sign --key KEY IMAGE, cosign sign or notation sign), or set "
                     "signatures.required: false (--no-fail-on-unsigned) to only warn"});
      break;
    case S::invalid:
      out.push_back({"signatures.valid", Kind::signature, sig.mode,
                     "a signature is attached but does not verify: " + s.detail, {},
                     "re-sign the exact digest that is deployed; a signature that does not verify means the image or "
                     "its signature changed after signing"});
      break;
    case S::untrusted:
      out.push_back({"signatures.signer", Kind::signature, sig.mode,
                     "the image is signed, but not by a signer the policy accepts: " + s.detail, {},
                     "sign with an accepted key or identity, or add the signer to signatures.signers"});
      break;
  }
  return out;
}

Verdict decide(std::vector<Reason> reasons) {
  Verdict v;
  v.reasons = std::move(reasons);
  for (const auto& r : v.reasons) {
    if (r.mode == Mode::enforce) {
      v.decision = Decision::deny;
      if (!v.denied_by) v.denied_by = r.kind;
    } else if (v.decision == Decision::allow) {
      v.decision = Decision::warn;
    }
  }
  return v;
}

Verdict evaluate(const Policy& p, const EvaluationInput& in) {
  auto reasons = evaluate_signatures(p, in.signature);
  vulnerability_reasons(p.vulnerabilities, in.findings, reasons);
  if (p.vulnerabilities.enabled) fix_age_reasons(p.vulnerabilities.fix_available_days, in.findings, in.today, reasons);
  config_reasons(p.config, in.image, in.today, reasons);
  license_reasons(p.licenses, in.inventory, reasons);
  return decide(std::move(reasons));
}

}  // namespace ig::policy
