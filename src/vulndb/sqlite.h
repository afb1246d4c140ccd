// A thin RAII layer over the SQLite C API for the vulnerability database:
// connections and prepared statements whose failures come back as Result
// values naming the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::vulndb {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* s, sqlite3* db) : stmt_(s), db_(db) {}
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  explicit operator bool() const { return stmt_ != nullptr; }
  // Binds parameter `i` (1-based). Text is copied, so temporaries are fine.
  void bind(int i, std::string_view text);
  // Binds without copying: `text` must stay alive and unchanged until the
  // statement is reset (reset()) or rebound. For hot loops over caller data.
  void bind_static(int i, std::string_view text);
  void bind(int i, int64_t v);
  void bind(int i, double v);
  void bind(int i, std::optional<double> v);
  void bind_null(int i);
  // Advances: true when a row is available, false when done.
  Result<bool> step();
  // Runs a statement that returns no rows, then resets it for reuse.
  Result<void> run();
  // Makes the statement ready to be bound and stepped again.
  void reset();
  // Makes the statement ready to step again with the same bindings (only
  // some of them need rebinding).
  void rewind();

  std::string_view text(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Connection {
 public:
  // Opens `path` with sqlite3_open_v2 `flags`; io error naming the file.
  static Result<Connection> open(const std::filesystem::path& path, int flags);
  Connection() = default;
  Connection(Connection&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Connection& operator=(Connection&& o) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // The current SQLite error as an Error naming the database and `what`.
  Error error(std::string_view what) const;
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace ig::vulndb
