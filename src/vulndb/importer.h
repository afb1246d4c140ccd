// `imagegate db import`'s engine: works out what kind of feed each file holds
// (by its content, file by file, so one folder may mix kinds) and imports the
// paths of one command as one transaction.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/database.h"
#include "vulndb/import_osv.h"

namespace ig::vulndb {

enum class SourceKind { osv, secdb, debian, kev, epss, updateinfo, nvd };
const char* source_kind_name(SourceKind k);
// "osv", "secdb", "debian", "kev", "epss", "updateinfo", "nvd"; usage error
// naming the choices otherwise.
Result<SourceKind> parse_source_kind(std::string_view s);

// The kind of one file from its content (the first 64 KiB, gunzipped if
// needed; a zip archive is OSV), or nullopt when it is no kind we know.
// not_found when the file does not exist.
Result<std::optional<SourceKind>> detect_file_kind(const std::filesystem::path& path);

// detect_file_kind() for a path the user named: a directory or zip is OSV
// (kept for callers that import one kind), and a file of no known kind is a
// usage error asking for --kind.
Result<SourceKind> detect_source_kind(const std::filesystem::path& path);

// Reads a text file, transparently gunzipping it; at most `max_size` bytes of
// content (invalid_image error beyond).
Result<std::string> read_source_text(const std::filesystem::path& path, uint64_t max_size);

struct ImportOptions {
  std::optional<SourceKind> kind;  // forces the parser for every file
  // The source name recorded in the database; "" → "<kind>:<absolute path>".
  // A folder that holds several kinds records one source per kind, named
  // "<name>:<kind>" when a name is given.
  std::string name;
  // Which release updateinfo files belong to ("amazonlinux:2023"); "" lets
  // the importer infer it from the advisory ids (ALAS2023-…, ALAS2-…).
  std::string distro;
};

struct ImportResult {
  std::string source;  // the source name recorded in the database
  SourceKind kind = SourceKind::osv;
  std::filesystem::path path;  // the path given
  ImportStats stats;
};

// Imports every path, replacing what its source(s) imported before, all in
// one transaction: every path is imported or none is. A path is a file, a
// folder or an OSV zip; one result per (path, kind found). Files in a folder
// (recursively, hidden entries skipped) are read when their name ends in
// .json, .yaml, .yml, .csv, .xml or those plus .gz, or .zip; such a file of no
// known kind is warned about by name and counted as skipped, other files are
// ignored. Errors name the file (and line where the parser knows it). A path
// from which nothing could be imported (no feed file in it, or every record
// malformed) is an invalid_image error; a well-formed feed that lists no
// advisories (Alpine's null `packages:`) is not, unless nothing at all was
// imported from any path.
Result<std::vector<ImportResult>> import_paths(Database& db, std::span<const std::filesystem::path> paths,
                                               const ImportOptions& opts);

// Imports one file of a known kind into an open session; `distro` is
// updateinfo's NAME:RELEASE ("" infers it from the ids).
Result<ImportStats> import_file(ImportSession& session, SourceKind kind, const std::filesystem::path& file,
                                const std::string& distro = "");

// One path as one source of one kind (forced, or detected as
// detect_source_kind() does), in its own transaction. Unlike import_paths(),
// a folder is read as that one kind and zero records is not an error.
Result<ImportResult> import_source(Database& db, const std::filesystem::path& path, std::optional<SourceKind> kind,
                                   std::string name = {}, std::string distro = {});

}  // namespace ig::vulndb
