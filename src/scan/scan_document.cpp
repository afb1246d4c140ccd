#include "scan/scan_document.h"

namespace ig::scan {

report::DocFinding doc_finding(const Finding& f) {
  report::DocFinding d;
  d.id = f.vulnerability_id;
  d.aliases = f.aliases;
  d.pkg_name = f.package_name;
  d.pkg_version = f.package_version;
  d.pkg_type = f.ecosystem;
  d.purl = f.package_purl;
  d.path = f.path;
  d.layer_diff_id = f.layer_diff_id;
  d.fixed_versions = f.fixed_versions;
  d.status = f.status;
  d.severity = severity_name(f.severity);
  d.severity_source = f.severity_source;
  d.cvss_score = f.cvss_score;
  d.cvss_vector = f.cvss_vector;
  d.title = f.title;
  d.primary_url = f.primary_url;
  d.kev = f.kev;
  d.epss = f.epss;
  d.epss_percentile = f.epss_percentile;
  return d;
}

void add_scan(report::Document& doc, const ScanReport& report) {
  doc.scanned = true;
  doc.findings.reserve(report.findings.size());
  for (const auto& f : report.findings) doc.findings.push_back(doc_finding(f));
  doc.suppressed = report.suppressed.size();
  doc.warnings.insert(doc.warnings.end(), report.warnings.begin(), report.warnings.end());
  doc.db_updated = report.db_updated;
  if (doc.tool_version.empty()) doc.tool_version = report.tool_version;
}

}  // namespace ig::scan
