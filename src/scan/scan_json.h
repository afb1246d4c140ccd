// `imagegate scan --format json`: the stable machine-readable report. The
// schema is documented in docs/scan-json.md; fields are only ever added within
// a schema_version.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "scan/report.h"

namespace ig::scan {

constexpr int k_scan_json_schema_version = 1;

nlohmann::json scan_to_json(const ScanReport& report);
// Pretty-printed (two spaces) with a trailing newline.
std::string write_json(const ScanReport& report);

}  // namespace ig::scan
