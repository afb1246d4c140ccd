// NVD's CVE feeds in the CVE JSON 2.0 shape (the nvdcve-2.0-*.json[.gz] files,
// and the API's pages: {"format": "NVD_CVE", "version": "2.0",
// "vulnerabilities": [{"cve": {...}}]}) to enrichment records: per CVE its
// CVSS v2, v3.x and v4.0 ratings, CWE ids, description and references. The
// records have no affected packages, so they never give a finding alone; they
// rate and describe the CVE's alias group (groups.h).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/import_osv.h"
#include "vulndb/model.h"

namespace ig::vulndb {

// Whether `head` (the start of a document) looks like an NVD CVE 2.0 feed.
bool looks_like_nvd(std::string_view head);

// Parses a whole feed. invalid_image error (naming `name`) for text that is not
// JSON or has no "vulnerabilities" array; entries without a CVE id and
// rejected CVEs are skipped and counted in *skipped. Of each CVSS version the
// NVD's own ("Primary") rating is kept, else the first one listed (the CNA's).
Result<std::vector<Advisory>> parse_nvd(std::string_view text, std::string_view name, int64_t* skipped);

Result<ImportStats> import_nvd(ImportSession& session, const std::filesystem::path& path);

}  // namespace ig::vulndb
