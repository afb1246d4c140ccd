#include "scan/scan_sarif.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/sbom_input.h"
#include "util/digest.h"

namespace ig::scan {

namespace {

using ojson = nlohmann::ordered_json;

// GitHub cuts longer descriptions; stay well inside its limits.
constexpr size_t k_max_short_description = 1024;
constexpr size_t k_max_full_description = 8192;

bool severity_band_contains(Severity s, double score) {
  switch (s) {
    case Severity::critical: return score > 9.0 && score <= 10.0;
    case Severity::high: return score >= 7.0 && score < 9.0;
    case Severity::medium: return score >= 4.0 && score < 7.0;
    case Severity::low: return score >= 0.1 && score < 4.0;
    case Severity::unknown: return false;
  }
  return false;
}

double severity_representative(Severity s) {
  switch (s) {
    case Severity::critical: return 9.5;
    case Severity::high: return 8.0;
    case Severity::medium: return 5.5;
    case Severity::low: return 2.0;
    case Severity::unknown: return 0.0;
  }
  return 0.0;
}

// helpUri must be an absolute URI; feeds sometimes carry bare text there.
bool is_web_url(std::string_view url) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) return false;
  return std::none_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; });
}

// A Markdown table cell: no line breaks, pipes escaped.
std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? "-" : out;
}

std::string fixed_text(const Finding& f) {
  if (!f.fixed_versions.empty()) return fmt::format("{}", fmt::join(f.fixed_versions, ", "));
  return {};
}

// What one rule (one vulnerability id) says, gathered from its findings.
struct RuleFacts {
  std::string id;
  Severity severity = Severity::unknown;
  std::optional<double> score;
  std::string title;
  std::string url;
  std::vector<const Finding*> findings;
};

std::vector<RuleFacts> gather_rules(const ScanReport& r) {
  std::map<std::string, RuleFacts> by_id;
  for (const auto& f : r.findings) {
    auto& rule = by_id[f.vulnerability_id];
    rule.id = f.vulnerability_id;
    // Severity is ordered most severe first.
    if (rule.findings.empty() || f.severity < rule.severity) {
      rule.severity = f.severity;
      rule.score = f.cvss_score;
    } else if (f.severity == rule.severity && f.cvss_score && (!rule.score || *f.cvss_score > *rule.score)) {
      rule.score = f.cvss_score;
    }
    if (rule.title.empty()) rule.title = f.title;
    if (rule.url.empty()) rule.url = f.primary_url;
    rule.findings.push_back(&f);
  }
  std::vector<RuleFacts> out;
  for (auto& [id, rule] : by_id) out.push_back(std::move(rule));
  return out;
}

std::string help_markdown(const RuleFacts& rule, const vulndb::Vulnerability* v) {
  std::string md = fmt::format("**{}** ({}", rule.id, severity_name(rule.severity));
  if (rule.score) md += fmt::format(", CVSS {:.1f}", *rule.score);
  md += ")\n\n";
  if (!rule.title.empty()) md += rule.title + "\n\n";
  if (v && !v->details.empty() && v->details != rule.title) md += v->details + "\n\n";
  md += "| Package | Installed version | Fixed version | Status | Path |\n| --- | --- | --- | --- | --- |\n";
  for (const auto* f : rule.findings) {
    md += fmt::format("| {} | {} | {} | {} | {} |\n", md_cell(f->package_name), md_cell(f->package_version),
                      md_cell(fixed_text(*f)), md_cell(f->status), md_cell(f->path));
  }
  if (is_web_url(rule.url)) md += fmt::format("\n[{}]({})\n", rule.id, rule.url);
  return md;
}

std::string help_text(const RuleFacts& rule, const vulndb::Vulnerability* v) {
  std::string t = fmt::format("{} ({}", rule.id, severity_name(rule.severity));
  if (rule.score) t += fmt::format(", CVSS {:.1f}", *rule.score);
  t += ")\n";
  if (!rule.title.empty()) t += rule.title + "\n";
  if (v && !v->details.empty() && v->details != rule.title) t += v->details + "\n";
  for (const auto* f : rule.findings) {
    std::string fixed = fixed_text(*f);
    t += fmt::format("Package: {} {} ({}), fixed version: {}, path: {}\n", f->package_name, f->package_version,
                     f->status, fixed.empty() ? "none" : fixed, f->path);
  }
  if (!rule.url.empty()) t += "Link: " + rule.url + "\n";
  return t;
}

ojson rule_json(const RuleFacts& rule, const ScanReport& r) {
  auto it = r.vulnerabilities.find(rule.id);
  const vulndb::Vulnerability* v = it == r.vulnerabilities.end() ? nullptr : &it->second;
  std::string title = !rule.title.empty() ? rule.title : rule.id;
  std::string full = v && !v->details.empty() ? v->details : title;
  ojson j;
  j["id"] = rule.id;
  j["name"] = "PackageVulnerability";
  j["shortDescription"] = {{"text", truncate_text(title, k_max_short_description)}};
  j["fullDescription"] = {{"text", truncate_text(full, k_max_full_description)}};
  j["defaultConfiguration"] = {{"level", sarif_level(rule.severity)}};
  if (is_web_url(rule.url)) j["helpUri"] = rule.url;
  j["help"] = {{"text", help_text(rule, v)}, {"markdown", help_markdown(rule, v)}};
  ojson props;
  props["precision"] = "very-high";
  if (auto ss = sarif_security_severity(rule.severity, rule.score); !ss.empty()) props["security-severity"] = ss;
  props["tags"] = ojson::array({"vulnerability", "security", severity_name(rule.severity)});
  j["properties"] = std::move(props);
  return j;
}

std::string result_message(const Finding& f) {
  std::string fixed = fixed_text(f);
  std::string msg = fmt::format("Package: {}\nInstalled version: {}\nVulnerability: {}\nSeverity: {}\n", f.package_name,
                                f.package_version, f.vulnerability_id, severity_name(f.severity));
  if (f.installed_version != f.package_version && !f.installed_version.empty()) {
    msg += fmt::format("Compared version: {} (source package {})\n", f.installed_version, f.matched_package);
  }
  msg += fixed.empty() ? fmt::format("Fixed version: none ({})\n", f.status) : fmt::format("Fixed version: {}\n", fixed);
  if (!f.primary_url.empty()) msg += "Link: " + f.primary_url;
  return msg;
}

ojson result_json(const Finding& f, size_t rule_index) {
  std::string uri = sarif_uri(f.path);
  ojson region = {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}};
  ojson j;
  j["ruleId"] = f.vulnerability_id;
  j["ruleIndex"] = rule_index;
  j["level"] = sarif_level(f.severity);
  j["message"] = {{"text", result_message(f)}};
  j["locations"] = ojson::array({{{"physicalLocation",
                                   {{"artifactLocation", {{"uri", uri.empty() ? std::string("image") : uri}}},
                                    {"region", std::move(region)}}},
                                  {"message", {{"text", fmt::format("{}@{}", f.package_name, f.package_version)}}}}});
  // GitHub matches alerts across uploads by fingerprint; without one an API
  // upload of a lock file that is not in the repository would duplicate alerts.
  std::string fp = sha256_digest(f.vulnerability_id + "\n" + f.package_purl + "\n" + f.path);
  j["partialFingerprints"] = {{"imagegateFindingHash/v1", fp.substr(fp.find(':') + 1)}};
  ojson props;
  props["purl"] = f.package_purl;
  props["status"] = f.status;
  props["fixedVersions"] = f.fixed_versions;
  if (!f.layer_diff_id.empty()) props["layerDiffId"] = f.layer_diff_id;
  j["properties"] = std::move(props);
  return j;
}

}  // namespace

std::string sarif_security_severity(Severity s, std::optional<double> score) {
  if (s == Severity::unknown) return {};
  double v = score && severity_band_contains(s, *score) ? *score : severity_representative(s);
  return fmt::format("{:.1f}", v);
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high: return "error";
    case Severity::medium: return "warning";
    case Severity::low:
    case Severity::unknown: return "note";
  }
  return "note";
}

std::string sarif_uri(std::string_view path) {
  while (path.starts_with("/") || path.starts_with("./")) path.remove_prefix(path.starts_with("/") ? 1 : 2);
  return report::percent_encode(path, "/");
}

ojson scan_to_sarif(const ScanReport& r) {
  auto rules = gather_rules(r);
  ojson rules_json = ojson::array();
  std::map<std::string_view, size_t> index;
  for (size_t i = 0; i < rules.size(); ++i) {
    rules_json.push_back(rule_json(rules[i], r));
    index[rules[i].id] = i;
  }
  ojson results = ojson::array();
  for (const auto& f : r.findings) results.push_back(result_json(f, index.at(f.vulnerability_id)));

  ojson driver;
  driver["name"] = "imagegate";
  driver["version"] = r.tool_version.empty() ? std::string("dev") : r.tool_version;
  driver["informationUri"] = std::string(k_sarif_information_uri);
  driver["rules"] = std::move(rules_json);

  ojson run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["results"] = std::move(results);
  run["columnKind"] = "utf16CodeUnits";
  ojson props;
  props["imageName"] = r.image_name;
  if (!r.image_digest.empty()) props["imageDigest"] = r.image_digest;
  if (!r.distro_release.empty()) props["distroRelease"] = r.distro_release;
  props["dbSchemaVersion"] = r.db_schema_version;
  if (!r.db_built.empty()) props["dbBuilt"] = r.db_built;
  if (!r.db_updated.empty()) props["dbUpdated"] = r.db_updated;
  run["properties"] = std::move(props);

  ojson doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = ojson::array({std::move(run)});
  return doc;
}

std::string write_sarif(const ScanReport& report) {
  // Advisory text is untrusted and may not be UTF-8: replace, never throw.
  return scan_to_sarif(report).dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace ig::scan
