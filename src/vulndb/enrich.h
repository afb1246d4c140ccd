// Enrichment feeds: CISA's Known Exploited Vulnerabilities catalog (JSON) and
// FIRST's EPSS scores (CSV with a leading "#model_version:...,score_date:..."
// comment). Both are keyed by CVE id and replace their previous import whole.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "vulndb/import_osv.h"
#include "vulndb/model.h"

namespace ig::vulndb {

// KEV catalog → entries; entries without a cveID are skipped and counted.
Result<std::vector<KevEntry>> parse_kev(const nlohmann::json& doc, std::string_view name, int64_t* skipped);

struct EpssFeed {
  std::string model_version;  // from the comment line, "" when absent
  std::string score_date;
  std::vector<EpssEntry> entries;
};

// EPSS CSV → entries; malformed lines are skipped and counted. invalid_image
// error when there is no "cve,epss,percentile" header.
Result<EpssFeed> parse_epss(std::string_view csv, std::string_view name, int64_t* skipped);

Result<ImportStats> import_kev(ImportSession& session, const std::filesystem::path& path);
// Accepts the CSV plain or gzip-compressed (epss_scores-current.csv.gz).
Result<ImportStats> import_epss(ImportSession& session, const std::filesystem::path& path);

}  // namespace ig::vulndb
