#include "scan/scan_json.h"

#include <fmt/format.h>

namespace ig::scan {

std::array<int, 5> count_by_severity(const std::vector<Finding>& findings) {
  std::array<int, 5> n{};
  for (const auto& f : findings) ++n[static_cast<size_t>(f.severity)];
  return n;
}

std::string summary_line(const std::vector<Finding>& findings) {
  auto n = count_by_severity(findings);
  return fmt::format("Total: {} (CRITICAL: {}, HIGH: {}, MEDIUM: {}, LOW: {}, UNKNOWN: {})", findings.size(), n[0],
                     n[1], n[2], n[3], n[4]);
}

std::string truncate_text(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max - 3;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

namespace {

nlohmann::json optional_number(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json disagreements_json(const Finding& f) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : f.fix_disagreements) {
    out.push_back({{"id", c.id}, {"status", c.status}, {"fixed_versions", c.fixed_versions}});
  }
  return out;
}

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j = {
      {"id", f.vulnerability_id},
      {"aliases", f.aliases},
      {"package",
       {{"name", f.package_name},
        {"version", f.package_version},
        {"purl", f.package_purl},
        {"ecosystem", f.ecosystem},
        {"path", f.path},
        {"layer_diff_id", f.layer_diff_id}}},
      {"installed_version", f.installed_version},
      {"matched_package", f.matched_package},
      {"distro_release", f.distro_release},
      {"fixed_versions", f.fixed_versions},
      {"status", f.status},
      {"fix_source", f.fix_source},
      {"fix_date", f.fix_date},
      {"fix_disagreements", disagreements_json(f)},
      {"severity", severity_name(f.severity)},
      {"severity_source", f.severity_source},
      {"cvss", f.cvss_vector.empty() ? nlohmann::json()
                                     : nlohmann::json{{"score", optional_number(f.cvss_score)},
                                                      {"vector", f.cvss_vector}}},
      {"title", f.title},
      {"primary_url", f.primary_url},
      {"kev", f.kev},
      {"epss", f.epss ? nlohmann::json{{"score", *f.epss}, {"percentile", optional_number(f.epss_percentile)}}
                      : nlohmann::json()},
  };
  // Only findings from another source carry these, so the engine's JSON is unchanged.
  if (!f.source.empty()) j["source"] = f.source;
  if (!f.exploit_available.empty()) j["exploit_available"] = f.exploit_available;
  if (f.inspector_score) j["inspector_score"] = *f.inspector_score;
  return j;
}

}  // namespace

nlohmann::json scan_to_json(const ScanReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : r.findings) findings.push_back(finding_json(f));
  nlohmann::json suppressed = nlohmann::json::array();
  for (const auto& s : r.suppressed) {
    suppressed.push_back({{"id", s.finding.vulnerability_id},
                          {"package", s.finding.package_name},
                          {"purl", s.finding.package_purl},
                          {"severity", severity_name(s.finding.severity)},
                          {"reason", s.reason}});
  }
  auto n = count_by_severity(r.findings);
  nlohmann::json os;
  if (r.os.known()) {
    os = {{"id", r.os.id},
          {"version_id", r.os.version_id},
          {"codename", r.os.codename},
          {"distro_release", r.distro_release}};
  }
  return {
      {"schema_version", k_scan_json_schema_version},
      {"image", {{"name", r.image_name}, {"digest", r.image_digest}}},
      {"os", os},
      {"db", {{"schema_version", r.db_schema_version}, {"built", r.db_built}, {"updated", r.db_updated}}},
      {"findings", findings},
      {"suppressed", suppressed},
      {"warnings", r.warnings},
      {"summary",
       {{"total", r.findings.size()},
        {"critical", n[0]},
        {"high", n[1]},
        {"medium", n[2]},
        {"low", n[3]},
        {"unknown", n[4]},
        {"suppressed", r.suppressed.size()}}},
  };
}

std::string write_json(const ScanReport& report) { return scan_to_json(report).dump(2) + "\n"; }

}  // namespace ig::scan
