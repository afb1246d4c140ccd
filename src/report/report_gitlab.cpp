// --format gitlab: GitLab's container-scanning report (security report
// schema 15.x, artifacts:reports:container_scanning), so GitLab's
// vulnerability report, merge-request widget and approval policies see the
// findings. One vulnerability per finding; its id is a name-based UUID of
// the image, the vulnerability and the package, so the same finding keeps its
// id from pipeline to pipeline and GitLab tracks it rather than re-creating it.
#include <fmt/format.h>

#include "report/report_formats.h"

namespace ig::report {

namespace {

using ojson = nlohmann::ordered_json;

inline constexpr const char* k_gitlab_schema_version = "15.0.7";
// The schema's length limits (name 255, solution 7000, description 1 MiB).
constexpr size_t k_max_name = 255;
constexpr size_t k_max_solution = 7000;
constexpr size_t k_max_description = 1 << 20;

std::string cut(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s + "...";
}

std::string gitlab_severity(const std::string& s) {
  if (s == "CRITICAL") return "Critical";
  if (s == "HIGH") return "High";
  if (s == "MEDIUM") return "Medium";
  if (s == "LOW") return "Low";
  return "Unknown";
}

// "cve" for CVE-…, "ghsa" for GHSA-…, else the id's prefix in lower case.
std::string identifier_type(const std::string& id) {
  auto dash = id.find('-');
  std::string t = dash == std::string::npos || dash == 0 ? "advisory" : id.substr(0, dash);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

ojson identifier(const std::string& id, const std::string& url) {
  ojson j{{"type", identifier_type(id)}, {"name", id}, {"value", id}};
  if (id.rfind("CVE-", 0) == 0) j["url"] = "https://nvd.nist.gov/vuln/detail/" + id;
  else if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) j["url"] = url;
  return j;
}

ojson vulnerability(const Document& doc, const DocFinding& f, const std::string& os) {
  std::string fixed;
  for (const auto& v : f.fixed_versions) fixed += (fixed.empty() ? "" : ", ") + v;
  ojson ids = ojson::array();
  ids.push_back(identifier(f.id, f.primary_url));
  for (const auto& a : f.aliases) {
    if (!a.empty()) ids.push_back(identifier(a, ""));
  }
  std::string description = f.title.empty() ? fmt::format("{} in {} {}", f.id, f.pkg_name, f.pkg_version) : f.title;
  ojson v{{"id", name_based_uuid(fmt::format("gitlab\n{}\n{}\n{}\n{}\n{}", doc.image.digest.empty() ? doc.image.name : doc.image.digest,
                                             f.id, f.pkg_type, f.pkg_name, f.pkg_version))},
          {"name", cut(f.title.empty() ? f.id : f.id + ": " + f.title, k_max_name)},
          {"description", cut(description, k_max_description)},
          {"severity", gitlab_severity(f.severity)},
          {"solution", cut(fixed.empty() ? fmt::format("No fixed version of {} yet ({}).", f.pkg_name, fix_state(f))
                                         : fmt::format("Upgrade {} from {} to {}.", f.pkg_name, f.pkg_version, fixed),
                           k_max_solution)},
          {"identifiers", ids}};
  if (f.primary_url.rfind("https://", 0) == 0 || f.primary_url.rfind("http://", 0) == 0) {
    v["links"] = ojson::array({ojson{{"url", f.primary_url}}});
  }
  v["location"] = {{"dependency", {{"package", {{"name", f.pkg_name.empty() ? "(unnamed)" : f.pkg_name}}},
                                   {"version", f.pkg_version}}},
                   {"operating_system", os},
                   {"image", doc.image.name.empty() ? "(unnamed)" : doc.image.name}};
  return v;
}

}  // namespace

std::string write_gitlab(const Document& doc, std::string_view start_time, std::string_view end_time) {
  std::string os = doc.os_family.empty() ? "Unknown" : doc.os_family + (doc.os_version.empty() ? "" : " " + doc.os_version);
  ojson tool{{"id", "imagegate"},
             {"name", "imagegate"},
             {"version", doc.tool_version.empty() ? "dev" : doc.tool_version},
             {"vendor", {{"name", "imagegate"}}}};
  ojson vulns = ojson::array();
  for (const auto& f : doc.findings) vulns.push_back(vulnerability(doc, f, os));
  ojson report{{"version", k_gitlab_schema_version},
               {"scan",
                {{"analyzer", tool},
                 {"scanner", tool},
                 {"start_time", std::string(start_time)},
                 {"end_time", std::string(end_time)},
                 {"status", "success"},
                 {"type", "container_scanning"}}},
               {"vulnerabilities", vulns},
               {"remediations", ojson::array()}};
  return report.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

}  // namespace ig::report
