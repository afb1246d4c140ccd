// The Debian security tracker's JSON export
// (security-tracker.debian.org/tracker/data/json: {source package: {CVE id:
// {description, releases: {codename: {status, fixed_version, urgency,
// nodsa_reason}}}}}) to advisories, one record per (CVE, release).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "vulndb/import_osv.h"
#include "vulndb/model.h"

namespace ig::vulndb {

// "bookworm" → "12", "sid" → "unstable"; nullopt for codenames we do not know.
std::optional<std::string> debian_release_for_codename(std::string_view codename);

// How the tracker's per-release entry maps to our status (see import_debian.cpp).
FixStatus debian_status(std::string_view status, std::string_view fixed_version, std::string_view urgency,
                        std::string_view nodsa_reason);

// Parses the whole document; malformed entries are skipped and counted.
Result<std::vector<Advisory>> parse_debian_tracker(const nlohmann::json& doc, std::string_view name,
                                                   int64_t* skipped);

Result<ImportStats> import_debian(ImportSession& session, const std::filesystem::path& path);

}  // namespace ig::vulndb
