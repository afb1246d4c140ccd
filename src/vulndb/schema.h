// The vulnerability database's schema and its migrations. The schema version
// lives in PRAGMA user_version; writers migrate a database forward on open,
// readers accept only the version they were built for.
#pragma once

#include "util/error.h"
#include "vulndb/sqlite.h"

namespace ig::vulndb {

// The schema this build writes and reads. Bump it together with a new entry in
// the migration list (schema.cpp); never edit a released migration.
inline constexpr int k_schema_version = 4;

// PRAGMA user_version of `c` (0 for a new, empty file).
Result<int> schema_version(Connection& c);

// Applies the migrations after the database's current version up to `target`
// (k_schema_version unless a test wants an old schema), each in its own
// IMMEDIATE transaction so concurrent writers migrate once. Refuses a database
// newer than this build with too_new_error().
Result<void> migrate(Connection& c, int target = k_schema_version);

// The usage error for a database written by a newer imagegate.
Error too_new_error(const std::filesystem::path& path, int version);

}  // namespace ig::vulndb
