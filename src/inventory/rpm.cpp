// rpmdb reading: backend dispatch and the SQLite backend.
#include "inventory/rpm.h"

#include <sqlite3.h>

#include "inventory/analyzers.h"
#include "inventory/rpm_bdb.h"
#include "inventory/rpm_header.h"
#include "inventory/rpm_ndb.h"
#include "util/log.h"

namespace ig::inventory {
namespace {

constexpr uint64_t k_max_rpmdb = 1ull << 30;
// Expanded file-path bytes per database; past it packages keep no file list.
constexpr uint64_t k_file_bytes_budget = 1ull << 30;

// Reads Packages.blob from an SQLite image in memory. The copy is ours: we
// mark it as a rollback-journal database (bytes 18-19), because an in-memory
// database cannot be opened in WAL mode, and open it read-only.
Result<std::vector<std::string>> read_sqlite_blobs(std::string_view file) {
  if (file.size() < 100 || file.substr(0, 16) != std::string_view("SQLite format 3\0", 16)) {
    return fail(ErrorCode::invalid_image, "not an SQLite database (bad header)");
  }
  std::string copy(file);
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return fail(ErrorCode::internal, "cannot open an in-memory SQLite database");
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(db, sqlite3_close);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  auto* buf = reinterpret_cast<unsigned char*>(copy.data());
  int rc = sqlite3_deserialize(db, "main", buf, static_cast<sqlite3_int64>(copy.size()),
                               static_cast<sqlite3_int64>(copy.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return fail(ErrorCode::invalid_image, "cannot load the rpm SQLite database: {}", sqlite3_errstr(rc));
  sqlite3_stmt* st = nullptr;
  rc = sqlite3_prepare_v2(db, "SELECT blob FROM Packages ORDER BY hnum", -1, &st, nullptr);
  if (rc != SQLITE_OK) {
    return fail(ErrorCode::invalid_image, "rpm SQLite database has no readable Packages table: {}", sqlite3_errmsg(db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st_guard(st, sqlite3_finalize);
  std::vector<std::string> out;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const void* p = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (p != nullptr && n > 0) out.emplace_back(static_cast<const char*>(p), static_cast<size_t>(n));
  }
  if (rc != SQLITE_DONE) {
    return fail(ErrorCode::invalid_image, "reading the rpm SQLite database failed: {}", sqlite3_errmsg(db));
  }
  return out;
}

}  // namespace

std::optional<RpmDbFormat> rpmdb_format_for(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base == "rpmdb.sqlite") return RpmDbFormat::sqlite;
  if (base == "Packages") return RpmDbFormat::bdb;
  if (base == "Packages.db") return RpmDbFormat::ndb;
  return std::nullopt;
}

Result<std::vector<std::string>> read_rpmdb_blobs(std::string_view file, RpmDbFormat format) {
  switch (format) {
    case RpmDbFormat::sqlite: return read_sqlite_blobs(file);
    case RpmDbFormat::bdb: return read_bdb_hash_values(file);
    case RpmDbFormat::ndb: return read_ndb_blobs(file);
  }
  return fail(ErrorCode::internal, "unknown rpmdb format");
}

Result<std::vector<Package>> parse_rpmdb(std::string_view file, RpmDbFormat format) {
  IG_ASSIGN(auto blobs, read_rpmdb_blobs(file, format));
  uint64_t budget = k_file_bytes_budget;
  RpmHeaderLimits limits;
  limits.file_bytes_budget = &budget;
  std::vector<Package> out;
  out.reserve(blobs.size());
  for (const auto& b : blobs) {
    auto h = parse_rpm_header(b, limits);
    if (!h) {
      log::warn("rpmdb: skipping a package header: {}", h.error().message);
      continue;
    }
    if (h->name == "gpg-pubkey") continue;
    out.push_back(rpm_package(std::move(*h)));
  }
  if (budget == 0) log::warn("rpmdb: file lists exceed {} bytes; some packages are listed without files", k_file_bytes_budget);
  return out;
}

std::unique_ptr<image::Analyzer> make_rpm_analyzer() {
  image::FileSelector sel;
  for (std::string_view dir : {"var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"}) {
    for (std::string_view name : {"rpmdb.sqlite", "Packages", "Packages.db"}) {
      sel.exact.push_back(std::string(dir) + std::string(name));
    }
  }
  sel.max_size = k_max_rpmdb;
  return std::make_unique<FunctionAnalyzer>(
      std::string(k_rpm_analyzer), 1, std::move(sel),
      [](const image::FileMeta& meta, image::FileReader& in) -> Result<nlohmann::json> {
        auto format = rpmdb_format_for(meta.path);
        if (!format) return nlohmann::json();
        IG_ASSIGN(std::string data, in.read_all(k_max_rpmdb));
        IG_ASSIGN(auto pkgs, parse_rpmdb(data, *format));
        nlohmann::json j;
        j["packages"] = pkgs;
        return j;
      });
}

}  // namespace ig::inventory
