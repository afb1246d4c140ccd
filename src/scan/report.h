// What `imagegate scan` reports: the findings left after the gate, with the
// image, OS and database they came from. The input of the table, JSON, SARIF
// and CycloneDX writers (scan_table.h, scan_json.h, scan_sarif.h,
// scan_cyclonedx.h).
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/package.h"
#include "scan/finding.h"
#include "scan/gate.h"
#include "vulndb/model.h"

namespace ig::scan {

struct ScanReport {
  std::string image_name;
  std::string image_digest;
  inventory::OsInfo os;
  std::string distro_release;  // the key matched ("debian:12"), "" when none
  int db_schema_version = 0;
  std::string db_built;    // `db build` time, or "" for a working database
  std::string db_updated;  // last import
  std::vector<Finding> findings;
  std::vector<Suppressed> suppressed;
  std::vector<std::string> warnings;
  // Details (descriptions, every rating, references, dates) of each reported
  // vulnerability id, for the SARIF and CycloneDX writers; an id missing here
  // is described from its findings alone.
  std::map<std::string, vulndb::Vulnerability, std::less<>> vulnerabilities;
  std::string tool_version;  // imagegate's version, named in SARIF and CycloneDX
};

// Findings per severity, indexed by Severity (critical .. unknown).
std::array<int, 5> count_by_severity(const std::vector<Finding>& findings);
// "Total: 3 (CRITICAL: 1, HIGH: 0, MEDIUM: 2, LOW: 0, UNKNOWN: 0)"
std::string summary_line(const std::vector<Finding>& findings);
// `text` cut to at most `max` bytes (ending in "..." when cut) without
// splitting a UTF-8 sequence. REQUIRES: max >= 3.
std::string truncate_text(std::string_view text, size_t max);

}  // namespace ig::scan
