// OSV records (https://ossf.github.io/osv-schema/) to advisories: ECOSYSTEM and
// SEMVER ranges, explicit version lists, withdrawn records, aliases and every
// severity form OSV feeds use. Reads single files (JSON or YAML), directories
// and osv.dev's per-ecosystem all.zip.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "vulndb/database.h"
#include "vulndb/model.h"

namespace ig::vulndb {

struct EcosystemMapping {
  std::string ecosystem;       // our package type ("deb", "pypi", ...)
  std::string distro_release;  // "debian:12", "" for language ecosystems
  std::string version_type;
};

// Maps an OSV ecosystem ("Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.18",
// "Rocky Linux:9", "AlmaLinux:9", "Red Hat:enterprise_linux:9::appstream", "Go",
// "PyPI", "npm", "Maven", "crates.io", "RubyGems", "Packagist", "NuGet").
// nullopt for ecosystems imagegate has no cataloger for.
std::optional<EcosystemMapping> map_osv_ecosystem(std::string_view osv_ecosystem);

// One OSV record to an Advisory. invalid_image error (naming the record) when
// it lacks an id or has fields of the wrong type. Affected entries of unknown
// ecosystems and GIT ranges are dropped silently.
Result<Advisory> parse_osv_record(const nlohmann::json& record);

// Counts of one import, for the CLI's summary.
struct ImportStats {
  int64_t records = 0;  // stored
  int64_t skipped = 0;  // malformed records or files, each warned about
  int64_t files = 0;    // feed files read (a zip archive counts once)
};

// Imports `path`: an OSV file (one record, an array of records, or
// {"vulns": [...]}), a directory of them (recursively: *.json, *.yaml, *.yml),
// or a zip archive of them. Malformed records are warned about and skipped.
Result<ImportStats> import_osv(ImportSession& session, const std::filesystem::path& path);

// Imports one in-memory OSV document named `name` (file or zip entry).
// Database errors are returned; a malformed document or record is warned about
// and counted in stats.skipped.
Result<void> import_osv_document(ImportSession& session, std::string_view text, std::string_view name,
                                 ImportStats& stats);

}  // namespace ig::vulndb
