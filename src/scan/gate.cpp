#include "scan/gate.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "util/fs.h"

namespace ig::scan {

namespace {

constexpr uint64_t k_max_ignore_file = 4u << 20;

Error bad(std::string_view name, size_t line, std::string_view what) {
  return Error{ErrorCode::usage,
               fmt::format("ignore file {}:{}: {}; see docs/scan-json.md for the ignore file format", name, line, what)};
}

bool is_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  return true;
}

// Accepts "YYYY-MM-DD" and RFC 3339 times (the date part counts).
Result<std::string> parse_expiry(std::string_view value, std::string_view name, size_t line) {
  std::string_view d = value.substr(0, 10);
  if (!is_date(d) || (value.size() > 10 && value[10] != 'T' && value[10] != ' ')) {
    return fail(bad(name, line, fmt::format("expiry '{}' is not a date like 2025-12-31", value)));
  }
  return std::string(d);
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool looks_like_yaml(std::string_view text) {
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    return t == "---" || t.starts_with("ignore:") || t.starts_with("vulnerabilities:");
  }
  return false;
}

// .trivyignore: one id per line, optionally "exp:YYYY-MM-DD" after it.
Result<std::vector<IgnoreRule>> parse_lines(std::string_view text, std::string_view name) {
  std::vector<IgnoreRule> out;
  std::istringstream in{std::string(text)};
  size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::string t = trim(line.substr(0, line.find('#')));
    if (t.empty()) continue;
    std::istringstream words(t);
    IgnoreRule r;
    words >> r.id;
    r.origin = fmt::format("{}:{}", name, n);
    for (std::string w; words >> w;) {
      if (!w.starts_with("exp:")) return fail(bad(name, n, fmt::format("unexpected '{}' after the id", w)));
      IG_ASSIGN(r.expires, parse_expiry(w.substr(4), name, n));
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<std::string>> string_or_list(const YAML::Node& entry, const char* one, const char* many,
                                                std::string_view name, size_t line) {
  std::vector<std::string> out;
  if (const auto n = entry[one]; n) {
    if (!n.IsScalar()) return fail(bad(name, line, fmt::format("'{}' must be a string", one)));
    out.push_back(n.as<std::string>());
  }
  if (const auto n = entry[many]; n) {
    if (!n.IsSequence()) return fail(bad(name, line, fmt::format("'{}' must be a list of strings", many)));
    for (const auto& item : n) {
      if (!item.IsScalar()) return fail(bad(name, line, fmt::format("'{}' must be a list of strings", many)));
      out.push_back(item.as<std::string>());
    }
  }
  return out;
}

Result<IgnoreRule> parse_yaml_entry(const YAML::Node& entry, std::string_view name) {
  size_t line = static_cast<size_t>(entry.Mark().line) + 1;
  if (!entry.IsMap()) return fail(bad(name, line, "each entry must be a mapping with at least 'id'"));
  IgnoreRule r;
  r.origin = fmt::format("{}:{}", name, line);
  if (!entry["id"] || !entry["id"].IsScalar() || entry["id"].as<std::string>().empty()) {
    return fail(bad(name, line, "the entry has no 'id'"));
  }
  r.id = entry["id"].as<std::string>();
  IG_ASSIGN(r.purls, string_or_list(entry, "purl", "purls", name, line));
  IG_ASSIGN(r.paths, string_or_list(entry, "path", "paths", name, line));
  for (const char* key : {"expires", "expired_at"}) {
    if (const auto n = entry[key]; n) {
      if (!n.IsScalar()) return fail(bad(name, line, fmt::format("'{}' must be a date", key)));
      IG_ASSIGN(r.expires, parse_expiry(n.as<std::string>(), name, line));
    }
  }
  if (const auto n = entry["statement"]; n && n.IsScalar()) r.statement = n.as<std::string>();
  return r;
}

Result<std::vector<IgnoreRule>> parse_yaml(std::string_view text, std::string_view name) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(bad(name, static_cast<size_t>(e.mark.line) + 1, fmt::format("not valid YAML: {}", e.msg)));
  }
  std::vector<IgnoreRule> out;
  if (doc.IsNull()) return out;
  if (!doc.IsMap()) return fail(bad(name, 1, "expected a mapping with 'ignore:' or 'vulnerabilities:'"));
  try {
    for (const char* key : {"ignore", "vulnerabilities"}) {
      const auto list = doc[key];
      if (!list || list.IsNull()) continue;
      if (!list.IsSequence()) {
        return fail(bad(name, static_cast<size_t>(list.Mark().line) + 1, fmt::format("'{}' must be a list", key)));
      }
      for (const auto& entry : list) {
        IG_ASSIGN(auto r, parse_yaml_entry(entry, name));
        out.push_back(std::move(r));
      }
    }
  } catch (const YAML::Exception& e) {
    return fail(bad(name, static_cast<size_t>(e.mark.line) + 1, e.msg));
  }
  return out;
}

bool purl_matches(std::string_view rule, std::string_view purl) {
  if (rule.find('?') == std::string_view::npos) purl = purl.substr(0, purl.find('?'));
  return rule == purl;
}

bool rule_matches(const IgnoreRule& r, const Finding& f) {
  bool id = r.id == f.vulnerability_id || std::find(f.aliases.begin(), f.aliases.end(), r.id) != f.aliases.end();
  if (!id) return false;
  if (!r.purls.empty() && std::none_of(r.purls.begin(), r.purls.end(),
                                       [&](const std::string& p) { return purl_matches(p, f.package_purl); })) {
    return false;
  }
  if (!r.paths.empty() && std::none_of(r.paths.begin(), r.paths.end(), [&](const std::string& p) {
        return fnmatch(p.c_str(), f.path.c_str(), 0) == 0;
      })) {
    return false;
  }
  return true;
}

// Why the filters (not the ignore file) drop `f`; "" when they keep it.
std::string filtered_by(const Finding& f, const GateOptions& o) {
  if (!o.severities.empty() && !o.severities.count(f.severity)) return "severity not selected";
  if (o.threshold && f.severity > *o.threshold) return "below the severity threshold";
  if (o.ignore_unfixed && f.fixed_versions.empty()) return "no fixed version";
  if (o.ignore_statuses.count(f.status)) return fmt::format("status {} ignored", f.status);
  return {};
}

}  // namespace

Result<std::vector<IgnoreRule>> parse_ignore_file(std::string_view text, std::string_view name) {
  if (looks_like_yaml(text)) return parse_yaml(text, name);
  return parse_lines(text, name);
}

Result<std::vector<IgnoreRule>> load_ignore_file(const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_file(path, k_max_ignore_file));
  return parse_ignore_file(text, path.string());
}

GateResult apply_gate(std::vector<Finding> findings, const GateOptions& opts) {
  GateResult out;
  std::vector<bool> used(opts.ignores.size(), false);
  for (auto& f : findings) {
    // Every matching entry counts as used, even when a filter drops the
    // finding anyway: "matched nothing" must mean the entry is stale.
    std::optional<size_t> hit;
    for (size_t i = 0; i < opts.ignores.size(); ++i) {
      const auto& r = opts.ignores[i];
      if (!rule_matches(r, f)) continue;
      used[i] = true;
      if (!hit && (r.expires.empty() || r.expires >= opts.today)) hit = i;
    }
    if (std::string why = filtered_by(f, opts); !why.empty()) {
      out.suppressed.push_back({std::move(f), std::move(why)});
    } else if (hit) {
      const auto& r = opts.ignores[*hit];
      out.suppressed.push_back(
          {std::move(f), fmt::format("ignored by {}{}", r.origin, r.statement.empty() ? "" : ": " + r.statement)});
    } else {
      out.findings.push_back(std::move(f));
    }
  }
  for (size_t i = 0; i < opts.ignores.size(); ++i) {
    const auto& r = opts.ignores[i];
    if (!r.expires.empty() && r.expires < opts.today) {
      out.warnings.push_back(fmt::format("ignore entry {} ({}) expired on {}{}", r.id, r.origin, r.expires,
                                         used[i] ? ": its findings are reported again" : " and matched nothing"));
    } else if (!used[i]) {
      out.warnings.push_back(fmt::format("ignore entry {} ({}) matched no finding; remove it if it is stale", r.id,
                                         r.origin));
    }
  }
  return out;
}

std::string utc_today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace ig::scan
