// `imagegate scan --format sarif`: the report as SARIF 2.1.0, shaped for
// GitHub code scanning (the subset it reads: rule descriptions and help,
// `security-severity` and `tags`, levels, relative artifact URIs with a
// region). The mapping is documented in docs/scan-formats.md.
//
// One run; one rule per vulnerability id (sorted by id); one result per
// finding, in the report's order, located at the file that evidences the
// package (var/lib/dpkg/status, a package.json, ...). Pure: the same report
// gives the same bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scan/report.h"

namespace ig::scan {

// Where tool.driver.informationUri points: imagegate's documentation of this mapping.
inline constexpr std::string_view k_sarif_information_uri = "https://imagegate.invalid/docs/scan-formats.md";

// GitHub's `security-severity` for a finding of severity `s` with CVSS score
// `score`: the score when it lies in GitHub's band for `s` (critical above
// 9.0, high 7.0 to 8.9, medium 4.0 to 6.9, low 0.1 to 3.9), else the band's
// representative value (9.5, 8.0, 5.5, 2.0), so that GitHub shows the severity
// imagegate decided on. "" for unknown: GitHub then falls back to the level.
std::string sarif_security_severity(Severity s, std::optional<double> score);

// "error" (CRITICAL, HIGH), "warning" (MEDIUM) or "note" (LOW, UNKNOWN).
const char* sarif_level(Severity s);

// A finding's path as a relative URI reference: no leading "/" or "./",
// every byte outside RFC 3986's unreserved set and "/" percent-encoded.
// "" stays "" (the caller picks a fallback).
std::string sarif_uri(std::string_view path);

nlohmann::ordered_json scan_to_sarif(const ScanReport& report);
// Pretty-printed (two spaces) with a trailing newline.
std::string write_sarif(const ScanReport& report);

}  // namespace ig::scan
