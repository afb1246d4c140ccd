// Alpine secdb (secdb.alpinelinux.org/vX.Y/{main,community}.json, or the same
// in YAML) to advisories: each secfixes entry "fixed version → ids" becomes one
// fixed record per id; a fixed version of "0" means the package was never
// affected in that release.
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

// Parses a secdb document. invalid_image error when it has no distroversion or
// when packages is not a list; a null or empty packages list gives no
// advisories. Malformed package entries are skipped and counted in *skipped.
Result<std::vector<Advisory>> parse_secdb(const nlohmann::json& doc, std::string_view name, int64_t* skipped);

Result<ImportStats> import_secdb(ImportSession& session, const std::filesystem::path& path);

}  // namespace ig::vulndb
