#include "scan/scan_table.h"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace ig::scan {

namespace {

constexpr size_t k_title_width = 60;

// Which table a finding belongs in: OS packages share one, language packages
// get one per ecosystem and evidence file.
std::string target_of(const Finding& f, const ScanReport& r) {
  if (f.ecosystem == "deb" || f.ecosystem == "apk" || f.ecosystem == "rpm") {
    std::string os = r.os.known() ? r.os.id + " " + (r.os.version_id.empty() ? r.os.codename : r.os.version_id)
                                  : "unknown OS";
    return fmt::format("{} ({})", os, f.ecosystem);
  }
  // ECR and Inspector report OS packages without the package manager's name.
  if (f.ecosystem == "os" && f.path.empty()) return "OS packages";
  return fmt::format("{} ({})", f.path.empty() ? "(no path)" : f.path, f.ecosystem);
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

std::string render(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string write_table(const ScanReport& r) {
  std::string out;
  // Sorted targets; within one, the matcher's order (package, id) is kept.
  std::map<std::tuple<bool, std::string>, std::vector<const Finding*>> groups;
  for (const auto& f : r.findings) {
    bool language = f.ecosystem != "deb" && f.ecosystem != "apk" && f.ecosystem != "rpm" && f.ecosystem != "os";
    groups[{language, target_of(f, r)}].push_back(&f);
  }
  for (const auto& [key, list] : groups) {
    const std::string& target = std::get<1>(key);
    std::vector<Finding> copy;
    for (const Finding* f : list) copy.push_back(*f);
    out += fmt::format("{}\n{}\n{}\n\n", target, std::string(target.size(), '='), summary_line(copy));
    std::vector<std::vector<std::string>> rows = {
        {"LIBRARY", "VULNERABILITY", "SEVERITY", "STATUS", "INSTALLED", "FIXED", "TITLE"}};
    // A SOURCE column only when another source than imagegate's matcher took part.
    bool sourced = std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) { return !f.source.empty(); });
    if (sourced) rows.front().insert(rows.front().begin() + 2, "SOURCE");
    for (const Finding* f : list) {
      rows.push_back({f->package_name, f->vulnerability_id + (f->kev ? " (KEV)" : ""), severity_name(f->severity),
                      f->status, f->package_version, join(f->fixed_versions, ", "),
                      truncate_text(f->title, k_title_width)});
      if (sourced) rows.back().insert(rows.back().begin() + 2, f->source.empty() ? "imagegate" : f->source);
    }
    out += render(rows) + "\n";
  }
  if (r.findings.empty()) out += "No vulnerabilities found.\n";
  if (!r.suppressed.empty()) out += fmt::format("Suppressed: {} (see --format json for reasons)\n", r.suppressed.size());
  out += summary_line(r.findings) + "\n";
  return out;
}

}  // namespace ig::scan
