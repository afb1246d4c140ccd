// `imagegate db import`'s engine: works out what kind of feed a path holds and
// imports it as one source in one transaction.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"
#include "vulndb/database.h"
#include "vulndb/import_osv.h"

namespace ig::vulndb {

enum class SourceKind { osv, secdb, debian, kev, epss, nvd };
const char* source_kind_name(SourceKind k);
// "osv", "secdb", "debian", "kev", "epss", "nvd"; usage error naming the choices otherwise.
Result<SourceKind> parse_source_kind(std::string_view s);

// Guesses the kind from the content: a directory or zip is OSV; otherwise the
// first 64 KiB (gunzipped if needed) decide. usage error asking for --kind when
// nothing matches; not_found when the path does not exist.
Result<SourceKind> detect_source_kind(const std::filesystem::path& path);

// Reads a text file, transparently gunzipping it; at most `max_size` bytes of
// content (invalid_image error beyond).
Result<std::string> read_source_text(const std::filesystem::path& path, uint64_t max_size);

struct ImportResult {
  std::string source;  // the source name recorded in the database
  SourceKind kind = SourceKind::osv;
  ImportStats stats;
};

// Imports `path` as source `name` ("" → "<kind>:<absolute path>"), replacing
// what that source imported before. All or nothing: on error nothing changes.
Result<ImportResult> import_source(Database& db, const std::filesystem::path& path, std::optional<SourceKind> kind,
                                   std::string name = {});

}  // namespace ig::vulndb
