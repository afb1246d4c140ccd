#include "vulndb/sqlite.h"

namespace ig::vulndb {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    db_ = o.db_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

void Statement::bind(int i, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would bind as NULL.
  sqlite3_bind_text64(stmt_, i, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind_static(int i, std::string_view text) {
  sqlite3_bind_text64(stmt_, i, text.data() ? text.data() : "", text.size(), SQLITE_STATIC, SQLITE_UTF8);
}
void Statement::bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void Statement::bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
void Statement::bind(int i, std::optional<double> v) {
  if (v) {
    sqlite3_bind_double(stmt_, i, *v);
  } else {
    sqlite3_bind_null(stmt_, i);
  }
}
void Statement::bind_null(int i) { sqlite3_bind_null(stmt_, i); }

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* file = sqlite3_db_filename(db_, "main");
  return fail(ErrorCode::io, "vulnerability database {}: {} (SQLite {})", file ? file : "", sqlite3_errmsg(db_), rc);
}

Result<void> Statement::run() {
  auto r = step();
  reset();
  if (!r) return fail(r.error());
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::rewind() { sqlite3_reset(stmt_); }

std::string_view Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}
int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Result<Connection> Connection::open(const std::filesystem::path& path, int flags) {
  Connection c;
  c.path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &c.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = c.db_ ? sqlite3_errmsg(c.db_) : sqlite3_errstr(rc);
    return fail(ErrorCode::io, "cannot open vulnerability database {}: {}; check the path and its permissions",
                path.string(), msg);
  }
  sqlite3_extended_result_codes(c.db_, 1);
  sqlite3_busy_timeout(c.db_, 15000);  // another imagegate may be importing
  return c;
}

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
}

Result<void> Connection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return fail(ErrorCode::io, "vulnerability database {}: {}", path_.string(), msg);
  }
  return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return fail(error("preparing a query"));
  return Statement(s, db_);
}

Error Connection::error(std::string_view what) const {
  return Error{ErrorCode::io, fmt::format("vulnerability database {}: {}: {}", path_.string(), what,
                                          db_ ? sqlite3_errmsg(db_) : "not open")};
}

}  // namespace ig::vulndb
