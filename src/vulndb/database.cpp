#include "vulndb/database.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <system_error>

#include "util/fs.h"
#include "vulndb/groups.h"
#include "vulndb/schema.h"
#include "vulndb/sqlite.h"

namespace ig::vulndb {

namespace fs = std::filesystem;

struct Database::Impl {
  Connection conn;
  Mode mode = Mode::read;
  bool importing = false;
  bool in_batch = false;  // an ImportBatch holds the write transaction
  bool batch_regroup = false;  // a session in the batch added advisories: regroup at the batch's commit
  int read_depth = 0;     // nested ReadTransactions alive
  int64_t next_seq = 0;  // affected.seq for the next row an import writes
  // for_each_affected() decodes into these records, reused call after call,
  // and refuses to be re-entered from its visitor (which sees them).
  std::vector<AffectedRecord> lookup_buffer;
  bool in_lookup = false;
  // Statements are prepared on first use and kept for the connection's life.
  Statement q_affected, q_release, q_vuln, q_aliases, q_severities, q_refs, q_cwes, q_group, q_kev, q_epss;
  Statement w_vuln, w_alias, w_severity, w_ref, w_cwe, w_affected, w_kev, w_epss, w_meta;

  Result<Statement*> cached(Statement& s, std::string_view sql) {
    if (!s) {
      IG_ASSIGN(s, conn.prepare(sql));
    }
    return &s;
  }
  // Fills `v` with the details of `id` (references only if asked); false
  // when the id is unknown.
  Result<bool> load_vulnerability(std::string_view id, bool references, Vulnerability& v);
  // Adds the KEV and EPSS facts of `cve` to `e`.
  Result<void> load_enrichment(std::string_view cve, Enrichment& e);
};

namespace {

std::string json_list(const std::vector<std::string>& v) {
  if (v.empty()) return "[]";
  return nlohmann::json(v).dump();
}

// Positions of `keys` in byte order (then position): neighbouring keys share
// b-tree pages, and duplicates end up adjacent.
std::vector<uint32_t> sorted_positions(std::span<const std::string> keys) {
  std::vector<uint32_t> order(keys.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    int c = keys[a].compare(keys[b]);
    return c != 0 ? c < 0 : a < b;
  });
  return order;
}

// Decodes a json_list() value into `out`, reusing its strings' storage.
void list_from_json(std::string_view text, std::vector<std::string>& out) {
  size_t n = 0;
  if (text.size() <= 2) {  // "[]" fast path: most rows have no list
    out.clear();
    return;
  }
  // Fast path for what json_list() writes: ["a","b"] without escapes.
  if (text.front() == '[' && text.back() == ']' && text.find('\\') == std::string_view::npos) {
    std::string_view body = text.substr(1, text.size() - 2);
    bool ok = true;
    while (ok && !body.empty()) {
      size_t close = body.size() >= 2 && body[0] == '"' ? body.find('"', 1) : std::string_view::npos;
      if (close == std::string_view::npos) {
        ok = false;
        break;
      }
      if (n == out.size()) out.emplace_back();
      out[n++].assign(body.substr(1, close - 1));
      body.remove_prefix(close + 1);
      if (!body.empty()) {
        if (body[0] != ',') ok = false;
        body.remove_prefix(1);
      }
    }
    if (ok) {
      out.resize(n);
      return;
    }
  }
  out.clear();
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
}

// Fills `r` from a row of the lookup query (ecosystem and release are the
// caller's), assigning into its existing strings and vectors.
void decode_affected(const Statement& st, std::string_view package, AffectedRecord& r) {
  r.package.assign(package);
  r.vuln_id.assign(st.text(0));
  r.version_type.assign(st.text(1));
  ranges_from_json(st.text(2), r.ranges);
  list_from_json(st.text(3), r.versions);
  list_from_json(st.text(4), r.fixed_versions);
  r.status = parse_fix_status(st.text(5)).value_or(FixStatus::affected);
  r.severity.assign(st.text(6));
  r.source_ecosystem.assign(st.text(7));
}

int64_t age_since(const std::string& rfc3339) {
  if (rfc3339.empty()) return -1;
  std::tm tm{};
  if (!strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return -1;
  time_t then = timegm(&tm);
  return static_cast<int64_t>(std::time(nullptr) - then);
}

Result<std::string> meta_value(Connection& c, std::string_view key) {
  IG_ASSIGN(auto st, c.prepare("SELECT value FROM meta WHERE key = ?"));
  st.bind(1, key);
  IG_ASSIGN(bool row, st.step());
  return row ? std::string(st.text(0)) : std::string();
}

Result<int64_t> count_rows(Connection& c, std::string_view table) {
  IG_ASSIGN(auto st, c.prepare(fmt::format("SELECT count(*) FROM {}", table)));
  IG_ASSIGN(bool row, st.step());
  return row ? st.int64(0) : 0;
}

}  // namespace

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

const fs::path& Database::path() const { return impl_->conn.path(); }

Result<Database> Database::open(const fs::path& path, Mode mode) {
  auto impl = std::make_unique<Impl>();
  impl->mode = mode;
  if (mode == Mode::read) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return fail(ErrorCode::not_found,
                  "no vulnerability database at {}: run `imagegate db import SOURCE` to create one, or pass --db FILE",
                  path.string());
    }
    // NOMUTEX: a Database is used by one thread at a time, so SQLite's
    // per-call mutex is pure overhead on the lookup path.
    IG_ASSIGN(impl->conn, Connection::open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
    // The matcher does thousands of point lookups: map the file instead of
    // read()ing pages, and keep more of them cached.
    IG_TRY(impl->conn.exec("PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536"));
    IG_ASSIGN(int version, schema_version(impl->conn));
    if (version > k_schema_version) return fail(too_new_error(path, version));
    if (version == 0) {
      return fail(ErrorCode::usage, "{} is not an imagegate vulnerability database (it has no schema); pass the "
                  "right --db FILE or create one with `imagegate db import`", path.string());
    }
    if (version < k_schema_version) {
      return fail(ErrorCode::usage, "database {} has schema version {}, older than this imagegate's {}: run any "
                  "`imagegate db import` to upgrade it in place, or `imagegate db pull`", path.string(), version,
                  k_schema_version);
    }
    return Database(std::move(impl));
  }
  if (path.has_parent_path()) IG_TRY(make_dirs(path.parent_path()));
  IG_ASSIGN(impl->conn, Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  IG_ASSIGN(int version, schema_version(impl->conn));
  if (version > k_schema_version) return fail(too_new_error(path, version));
  // WAL lets the matcher read while an import runs; NORMAL sync is safe with WAL.
  // An import inserts into b-trees keyed by package, not in file order: with
  // SQLite's default 2 MiB page cache most of its time went to re-reading
  // and re-writing evicted pages. The cache grows only as far as it is used.
  IG_TRY(impl->conn.exec("PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY"));
  if (mode == Mode::build) {
    // Nobody else opens the file before the caller renames it into place: a
    // rollback journal (written once, where WAL writes every page twice, to
    // the log and then at the checkpoint), no fsync, no shared-memory lock.
    IG_TRY(impl->conn.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=OFF"));
  } else {
    IG_TRY(impl->conn.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"));
  }
  IG_TRY(migrate(impl->conn));
  if (version > 0 && version < 4) {
    // Alias groups arrived with v4: index the aliases the database already holds.
    IG_TRY(impl->conn.exec("BEGIN IMMEDIATE"));
    auto grouped = rebuild_alias_groups(impl->conn);
    if (!grouped) {
      (void)impl->conn.exec("ROLLBACK");
      return fail(grouped.error());
    }
    IG_TRY(impl->conn.exec("COMMIT"));
  }
  return Database(std::move(impl));
}

Result<std::vector<AffectedRecord>> Database::affected(std::string_view ecosystem, std::string_view distro_release,
                                                       std::string_view package) {
  std::string name(package);
  std::vector<AffectedRecord> out;
  IG_TRY(for_each_affected(ecosystem, distro_release, std::span<const std::string>(&name, 1),
                           [&](size_t, std::span<const AffectedRecord> records) -> Result<void> {
                             out.assign(records.begin(), records.end());
                             return {};
                           }));
  return out;
}

Result<std::vector<std::vector<AffectedRecord>>> Database::affected_batch(std::string_view ecosystem,
                                                                          std::string_view distro_release,
                                                                          std::span<const std::string> packages) {
  std::vector<std::vector<AffectedRecord>> out(packages.size());
  IG_TRY(for_each_affected(ecosystem, distro_release, packages,
                           [&](size_t i, std::span<const AffectedRecord> records) -> Result<void> {
                             out[i].assign(records.begin(), records.end());
                             return {};
                           }));
  return out;
}

Result<void> Database::for_each_affected(std::string_view ecosystem, std::string_view distro_release,
                                         std::span<const std::string> packages, const AffectedVisitor& visit) {
  auto& d = *impl_;
  if (d.in_lookup) {
    return fail(ErrorCode::internal, "for_each_affected: the visitor looked up affected records itself");
  }
  IG_ASSIGN(Statement * st, d.cached(d.q_affected,
                                     "SELECT vuln_id, version_type, ranges, versions, fixed_versions, status, "
                                     "severity, source_ecosystem FROM affected WHERE ecosystem = ? AND "
                                     "distro_release = ? AND package = ? ORDER BY vuln_id, seq"));
  // Each name is read once, neighbours in the b-tree one after the other.
  auto order = sorted_positions(packages);
  auto& buf = d.lookup_buffer;
  d.in_lookup = true;
  st->bind_static(1, ecosystem);
  st->bind_static(2, distro_release);
  Result<void> done;
  size_t n = 0;  // records of the current name in buf
  for (size_t k = 0; k < order.size() && done; ++k) {
    const std::string& name = packages[order[k]];
    if (k == 0 || name != packages[order[k - 1]]) {
      n = 0;
      st->bind_static(3, name);
      Result<bool> row;
      while ((row = st->step()) && *row) {
        if (n == buf.size()) buf.emplace_back();
        AffectedRecord& r = buf[n++];
        if (r.ecosystem != ecosystem) r.ecosystem.assign(ecosystem);
        if (r.distro_release != distro_release) r.distro_release.assign(distro_release);
        decode_affected(*st, name, r);
      }
      st->rewind();
      if (!row) done = fail(row.error());
    }
    if (n > 0 && done) done = visit(order[k], std::span<const AffectedRecord>(buf.data(), n));
  }
  st->reset();  // drops the bindings, which point into the caller's strings
  d.in_lookup = false;
  return done;
}

Result<bool> Database::has_release(std::string_view ecosystem, std::string_view distro_release) {
  IG_ASSIGN(Statement * st, impl_->cached(impl_->q_release,
                                          "SELECT 1 FROM affected WHERE ecosystem = ? AND distro_release = ? LIMIT 1"));
  st->bind(1, ecosystem);
  st->bind(2, distro_release);
  auto row = st->step();
  st->reset();
  if (!row) return fail(row.error());
  return *row;
}

Result<bool> Database::Impl::load_vulnerability(std::string_view id, bool references, Vulnerability& v) {
  IG_ASSIGN(Statement * st, cached(q_vuln,
                                   "SELECT summary, details, published, modified, withdrawn, primary_url "
                                   "FROM vulnerabilities WHERE id = ?"));
  st->bind_static(1, id);
  auto row = st->step();
  if (!row || !*row) {
    st->reset();
    if (!row) return fail(row.error());
    return false;
  }
  v.id = id;
  v.summary = st->text(0);
  v.details = st->text(1);
  v.published = st->text(2);
  v.modified = st->text(3);
  v.withdrawn = st->text(4);
  v.primary_url = st->text(5);
  st->reset();

  IG_ASSIGN(st, cached(q_aliases, "SELECT alias FROM aliases WHERE vuln_id = ? ORDER BY alias"));
  st->bind_static(1, id);
  while ((row = st->step()) && *row) v.aliases.emplace_back(st->text(0));
  st->reset();
  if (!row) return fail(row.error());

  // In the order of the UNIQUE index (no sorter), then sorted here: type
  // descending (label, CVSS_V4, CVSS_V3, CVSS_V2), then source, as before.
  IG_ASSIGN(st, cached(q_severities,
                       "SELECT source, type, vector, score, rating FROM severities WHERE vuln_id = ? "
                       "ORDER BY source, type, vector"));
  st->bind_static(1, id);
  while ((row = st->step()) && *row) {
    Severity s{std::string(st->text(0)), std::string(st->text(1)), std::string(st->text(2)), std::nullopt,
               std::string(st->text(4))};
    if (!st->is_null(3)) s.score = st->real(3);
    v.severities.push_back(std::move(s));
  }
  st->reset();
  if (!row) return fail(row.error());
  std::stable_sort(v.severities.begin(), v.severities.end(), [](const Severity& a, const Severity& b) {
    return a.type != b.type ? a.type > b.type : a.source < b.source;
  });

  if (!references) return true;
  IG_ASSIGN(st, cached(q_refs, "SELECT url, type FROM vuln_references WHERE vuln_id = ? ORDER BY url"));
  st->bind_static(1, id);
  while ((row = st->step()) && *row) v.references.push_back({std::string(st->text(0)), std::string(st->text(1))});
  st->reset();
  if (!row) return fail(row.error());
  IG_ASSIGN(st, cached(q_cwes, "SELECT cwe FROM weaknesses WHERE vuln_id = ? ORDER BY cwe"));
  st->bind_static(1, id);
  while ((row = st->step()) && *row) v.cwes.emplace_back(st->text(0));
  st->reset();
  if (!row) return fail(row.error());
  return true;
}

Result<void> Database::Impl::load_enrichment(std::string_view cve, Enrichment& e) {
  IG_ASSIGN(Statement * st, cached(q_kev,
                                   "SELECT vendor, product, name, date_added, due_date, required_action, "
                                   "known_ransomware FROM kev WHERE cve = ?"));
  st->bind_static(1, cve);
  auto row = st->step();
  if (row && *row) {
    e.kev = KevEntry{std::string(cve),          std::string(st->text(0)), std::string(st->text(1)),
                     std::string(st->text(2)),  std::string(st->text(3)), std::string(st->text(4)),
                     std::string(st->text(5)),  std::string(st->text(6))};
  }
  st->reset();
  if (!row) return fail(row.error());
  IG_ASSIGN(st, cached(q_epss, "SELECT score, percentile FROM epss WHERE cve = ?"));
  st->bind_static(1, cve);
  row = st->step();
  if (row && *row) e.epss = EpssEntry{std::string(cve), st->real(0), st->real(1)};
  st->reset();
  if (!row) return fail(row.error());
  return {};
}

Result<std::optional<Vulnerability>> Database::vulnerability(std::string_view id) {
  Vulnerability v;
  IG_ASSIGN(bool found, impl_->load_vulnerability(id, true, v));
  if (!found) return std::optional<Vulnerability>();
  return std::optional<Vulnerability>(std::move(v));
}

Result<std::vector<std::optional<Vulnerability>>> Database::vulnerabilities(std::span<const std::string> ids) {
  std::vector<std::optional<Vulnerability>> out(ids.size());
  auto order = sorted_positions(ids);
  for (size_t k = 0; k < order.size(); ++k) {
    uint32_t i = order[k];
    if (k > 0 && ids[i] == ids[order[k - 1]]) {
      out[i] = out[order[k - 1]];
      continue;
    }
    Vulnerability v;
    IG_ASSIGN(bool found, impl_->load_vulnerability(ids[i], false, v));
    if (found) out[i] = std::move(v);
  }
  return out;
}

Result<std::vector<std::vector<std::string>>> Database::groups(std::span<const std::string> ids) {
  std::vector<std::vector<std::string>> out(ids.size());
  IG_ASSIGN(Statement * st, impl_->cached(impl_->q_group,
                                          "SELECT m.id FROM vuln_groups g JOIN vuln_groups m ON m.group_id = "
                                          "g.group_id WHERE g.id = ? ORDER BY m.id"));
  auto order = sorted_positions(ids);
  for (size_t k = 0; k < order.size(); ++k) {
    uint32_t i = order[k];
    if (k > 0 && ids[i] == ids[order[k - 1]]) {
      out[i] = out[order[k - 1]];
      continue;
    }
    st->bind_static(1, ids[i]);
    Result<bool> row;
    while ((row = st->step()) && *row) out[i].emplace_back(st->text(0));
    st->reset();
    if (!row) return fail(row.error());
    if (out[i].empty()) out[i].push_back(ids[i]);
  }
  return out;
}

Result<Enrichment> Database::enrichment(std::string_view cve) {
  Enrichment e;
  IG_TRY(impl_->load_enrichment(cve, e));
  return e;
}

Result<std::vector<Enrichment>> Database::enrichments(std::span<const std::string> cves) {
  std::vector<Enrichment> out(cves.size());
  auto order = sorted_positions(cves);
  for (size_t k = 0; k < order.size(); ++k) {
    uint32_t i = order[k];
    if (k > 0 && cves[i] == cves[order[k - 1]]) {
      out[i] = out[order[k - 1]];
    } else {
      IG_TRY(impl_->load_enrichment(cves[i], out[i]));
    }
  }
  return out;
}

Result<ReadTransaction> Database::read_transaction() {
  if (impl_->importing) {
    return fail(ErrorCode::internal, "a read transaction cannot start while an import runs on this connection");
  }
  if (impl_->read_depth == 0) IG_TRY(impl_->conn.exec("BEGIN DEFERRED"));
  ++impl_->read_depth;
  return ReadTransaction(this);
}

ReadTransaction::~ReadTransaction() {
  if (db_ && --db_->impl_->read_depth == 0) (void)db_->impl_->conn.exec("COMMIT");
}

Result<DatabaseStatus> Database::status() {
  auto& c = impl_->conn;
  DatabaseStatus s;
  s.path = c.path().string();
  IG_ASSIGN(s.schema_version, schema_version(c));
  IG_ASSIGN(s.built_at, meta_value(c, "built_at"));
  IG_ASSIGN(s.updated_at, meta_value(c, "updated_at"));
  s.age_seconds = age_since(s.built_at.empty() ? s.updated_at : s.built_at);
  IG_ASSIGN(auto st, c.prepare("SELECT name, kind, location, records, imported_at FROM sources ORDER BY name"));
  while (true) {
    IG_ASSIGN(bool row, st.step());
    if (!row) break;
    s.sources.push_back({std::string(st.text(0)), std::string(st.text(1)), std::string(st.text(2)), st.int64(3),
                         std::string(st.text(4))});
  }
  IG_ASSIGN(s.vulnerabilities, count_rows(c, "vulnerabilities"));
  IG_ASSIGN(s.affected, count_rows(c, "affected"));
  IG_ASSIGN(s.kev, count_rows(c, "kev"));
  IG_ASSIGN(s.epss, count_rows(c, "epss"));
  return s;
}

Result<void> Database::build_into(const fs::path& out, std::string_view builder, bool force) {
  std::error_code ec;
  if (fs::exists(out, ec) && !force) {
    return fail(ErrorCode::usage, "{} already exists: choose another --output or pass --force to replace it",
                out.string());
  }
  if (out.has_parent_path()) IG_TRY(make_dirs(out.parent_path()));
  fs::path tmp = out;
  tmp += fmt::format(".tmp-{}", getpid());
  fs::remove(tmp, ec);
  IG_ASSIGN(auto sources_status, status());
  {
    IG_ASSIGN(auto st, impl_->conn.prepare("VACUUM INTO ?"));
    st.bind(1, std::string_view(tmp.string()));
    auto r = st.run();
    if (!r) {
      fs::remove(tmp, ec);
      return fail(r.error().with_context(fmt::format("writing {}", out.string())));
    }
  }
  // A rebuilt copy of a built database that nobody imported into since (a
  // pulled one being mirrored) keeps its build time: the data is no newer.
  const auto& st0 = sources_status;
  std::string built_at = !st0.built_at.empty() && st0.built_at >= st0.updated_at ? st0.built_at : utc_now();
  auto finish = [&]() -> Result<void> {
    IG_ASSIGN(auto c, Connection::open(tmp, SQLITE_OPEN_READWRITE));
    nlohmann::json srcs = nlohmann::json::array();
    for (const auto& s : sources_status.sources) {
      srcs.push_back({{"name", s.name}, {"kind", s.kind}, {"records", s.records}, {"imported_at", s.imported_at}});
    }
    IG_ASSIGN(auto st, c.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
    std::pair<std::string, std::string> kv[] = {{"schema_version", std::to_string(k_schema_version)},
                                                {"built_at", built_at},
                                                {"builder", std::string(builder)},
                                                {"sources", srcs.dump()}};
    for (const auto& [k, v] : kv) {
      st.bind(1, std::string_view(k));
      st.bind(2, std::string_view(v));
      IG_TRY(st.run());
    }
    // A shipped file is read-only in use: no WAL side files needed.
    return c.exec("PRAGMA journal_mode=DELETE");
  };
  auto done = finish();
  if (done) {
    fs::rename(tmp, out, ec);
    if (ec) done = fail(ErrorCode::io, "cannot move {} into place as {}: {}", tmp.string(), out.string(), ec.message());
  }
  if (!done) fs::remove(tmp, ec);
  return done;
}

Result<ImportSession> Database::begin_import(std::string_view name, std::string_view kind,
                                             std::string_view location) {
  if (impl_->mode == Mode::read) {
    return fail(ErrorCode::internal, "database {} was opened read-only; imports need Mode::write", path().string());
  }
  if (impl_->importing) return fail(ErrorCode::internal, "an import is already running on this connection");
  if (impl_->read_depth > 0) {
    return fail(ErrorCode::internal, "an import cannot start inside a read transaction on the same connection");
  }
  auto& c = impl_->conn;
  IG_TRY(c.exec(impl_->in_batch ? "SAVEPOINT import_session" : "BEGIN IMMEDIATE"));
  impl_->importing = true;
  ImportSession session(this, std::string(name), std::string(kind), std::string(location));
  for (const char* sql : {"DELETE FROM affected WHERE feed = ?", "DELETE FROM severities WHERE feed = ?",
                          "DELETE FROM weaknesses WHERE feed = ?"}) {
    IG_ASSIGN(auto st, c.prepare(sql));
    st.bind(1, name);
    IG_TRY(st.run());
  }
  {
    IG_ASSIGN(auto st, c.prepare("SELECT coalesce(max(seq), 0) + 1 FROM affected"));
    IG_ASSIGN(bool row, st.step());
    impl_->next_seq = row ? st.int64(0) : 1;
  }
  if (kind == "kev") IG_TRY(c.exec("DELETE FROM kev"));
  if (kind == "epss") IG_TRY(c.exec("DELETE FROM epss"));
  return session;
}

ImportSession::ImportSession(ImportSession&& o) noexcept
    : db_(o.db_), name_(std::move(o.name_)), kind_(std::move(o.kind_)), location_(std::move(o.location_)),
      records_(o.records_), added_advisories_(o.added_advisories_), open_(o.open_) {
  o.open_ = false;
}

ImportSession::~ImportSession() {
  if (open_) {
    if (db_->impl_->in_batch) {
      (void)db_->impl_->conn.exec("ROLLBACK TO import_session");
      (void)db_->impl_->conn.exec("RELEASE import_session");
    } else {
      (void)db_->impl_->conn.exec("ROLLBACK");
    }
    db_->impl_->importing = false;
  }
}

Result<void> ImportSession::add(const Advisory& a) {
  auto& d = *db_->impl_;
  const auto& v = a.vuln;
  IG_ASSIGN(Statement * st,
            d.cached(d.w_vuln,
                     "INSERT INTO vulnerabilities(id, summary, details, published, modified, withdrawn, primary_url, "
                     "feed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO UPDATE SET "
                     "summary = CASE WHEN ?2 <> '' THEN ?2 ELSE summary END, "
                     "details = CASE WHEN ?3 <> '' THEN ?3 ELSE details END, "
                     "published = CASE WHEN ?4 <> '' THEN ?4 ELSE published END, "
                     "modified = CASE WHEN ?5 <> '' THEN ?5 ELSE modified END, "
                     "withdrawn = CASE WHEN ?6 <> '' THEN ?6 ELSE withdrawn END, "
                     "primary_url = CASE WHEN ?7 <> '' THEN ?7 ELSE primary_url END, feed = ?8"));
  std::string_view fields[] = {v.id, v.summary, v.details, v.published, v.modified, v.withdrawn, v.primary_url, name_};
  for (int i = 0; i < 8; ++i) st->bind(i + 1, fields[i]);
  IG_TRY(st->run());

  IG_ASSIGN(st, d.cached(d.w_alias, "INSERT OR IGNORE INTO aliases(vuln_id, alias) VALUES(?, ?)"));
  for (const auto& alias : v.aliases) {
    st->bind(1, std::string_view(v.id));
    st->bind(2, std::string_view(alias));
    IG_TRY(st->run());
  }
  IG_ASSIGN(st, d.cached(d.w_severity,
                         "INSERT OR REPLACE INTO severities(vuln_id, source, type, vector, score, rating, feed) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?)"));
  for (const auto& s : v.severities) {
    std::string_view f[] = {v.id, s.source, s.type, s.vector};
    for (int i = 0; i < 4; ++i) st->bind(i + 1, f[i]);
    st->bind(5, s.score);
    st->bind(6, std::string_view(s.rating));
    st->bind(7, std::string_view(name_));
    IG_TRY(st->run());
  }
  IG_ASSIGN(st, d.cached(d.w_ref, "INSERT OR IGNORE INTO vuln_references(vuln_id, url, type) VALUES(?, ?, ?)"));
  for (const auto& r : v.references) {
    st->bind(1, std::string_view(v.id));
    st->bind(2, std::string_view(r.url));
    st->bind(3, std::string_view(r.type));
    IG_TRY(st->run());
  }
  IG_ASSIGN(st, d.cached(d.w_cwe, "INSERT OR IGNORE INTO weaknesses(vuln_id, cwe, feed) VALUES(?, ?, ?)"));
  for (const auto& cwe : v.cwes) {
    st->bind(1, std::string_view(v.id));
    st->bind(2, std::string_view(cwe));
    st->bind(3, std::string_view(name_));
    IG_TRY(st->run());
  }
  IG_ASSIGN(st, d.cached(d.w_affected,
                         "INSERT INTO affected(vuln_id, ecosystem, distro_release, package, version_type, ranges, "
                         "versions, fixed_versions, status, severity, source_ecosystem, feed, seq) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  if (v.withdrawn.empty()) {
    for (const auto& r : a.affected) {
      std::string ranges = ranges_to_json(r.ranges), versions = json_list(r.versions),
                  fixed = json_list(r.fixed_versions);
      std::string_view f[] = {v.id,     r.ecosystem, r.distro_release,          r.package, r.version_type, ranges,
                              versions, fixed,       fix_status_name(r.status), r.severity, r.source_ecosystem, name_};
      for (int i = 0; i < 12; ++i) st->bind(i + 1, f[i]);
      st->bind(13, d.next_seq++);
      IG_TRY(st->run());
    }
  }
  ++records_;
  added_advisories_ = true;
  return {};
}

Result<void> ImportSession::add_kev(const KevEntry& e) {
  auto& d = *db_->impl_;
  IG_ASSIGN(Statement * st, d.cached(d.w_kev,
                                     "INSERT OR REPLACE INTO kev(cve, vendor, product, name, date_added, due_date, "
                                     "required_action, known_ransomware) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  std::string_view f[] = {e.cve, e.vendor, e.product, e.name, e.date_added, e.due_date, e.required_action,
                          e.known_ransomware};
  for (int i = 0; i < 8; ++i) st->bind(i + 1, f[i]);
  IG_TRY(st->run());
  ++records_;
  return {};
}

Result<void> ImportSession::add_epss(const EpssEntry& e) {
  auto& d = *db_->impl_;
  IG_ASSIGN(Statement * st, d.cached(d.w_epss, "INSERT OR REPLACE INTO epss(cve, score, percentile) VALUES(?, ?, ?)"));
  st->bind(1, std::string_view(e.cve));
  st->bind(2, e.score);
  st->bind(3, e.percentile);
  IG_TRY(st->run());
  ++records_;
  return {};
}

Result<void> ImportSession::set_meta(std::string_view key, std::string_view value) {
  auto& d = *db_->impl_;
  IG_ASSIGN(Statement * st, d.cached(d.w_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
  st->bind(1, key);
  st->bind(2, value);
  return st->run();
}

Result<void> ImportSession::commit() {
  auto& c = db_->impl_->conn;
  // Inside a batch the groups are rebuilt once, at the batch's commit: a
  // rebuild reads every alias, so one per source made a batch of many
  // sources quadratic.
  if (added_advisories_ && db_->impl_->in_batch) {
    db_->impl_->batch_regroup = true;
  } else if (added_advisories_) {
    IG_TRY(rebuild_alias_groups(c));
  }
  std::string now = utc_now();
  IG_ASSIGN(auto st, c.prepare("INSERT OR REPLACE INTO sources(name, kind, location, records, imported_at) "
                               "VALUES(?, ?, ?, ?, ?)"));
  st.bind(1, std::string_view(name_));
  st.bind(2, std::string_view(kind_));
  st.bind(3, std::string_view(location_));
  st.bind(4, records_);
  st.bind(5, std::string_view(now));
  IG_TRY(st.run());
  IG_TRY(set_meta("updated_at", now));
  IG_TRY(c.exec(db_->impl_->in_batch ? "RELEASE import_session" : "COMMIT"));
  open_ = false;
  db_->impl_->importing = false;
  return {};
}

Result<ImportBatch> Database::begin_batch() {
  if (impl_->mode == Mode::read) {
    return fail(ErrorCode::internal, "database {} was opened read-only; imports need Mode::write", path().string());
  }
  if (impl_->importing || impl_->in_batch || impl_->read_depth > 0) {
    return fail(ErrorCode::internal, "an import batch cannot start inside another transaction on the same connection");
  }
  IG_TRY(impl_->conn.exec("BEGIN IMMEDIATE"));
  impl_->in_batch = true;
  impl_->batch_regroup = false;
  return ImportBatch(this);
}

ImportBatch::~ImportBatch() {
  if (db_ && db_->impl_->in_batch) {
    (void)db_->impl_->conn.exec("ROLLBACK");
    db_->impl_->in_batch = false;
  }
}

Result<void> ImportBatch::commit() {
  if (!db_ || !db_->impl_->in_batch) return fail(ErrorCode::internal, "import batch already finished");
  if (db_->impl_->importing) return fail(ErrorCode::internal, "import batch committed with a session still open");
  if (db_->impl_->batch_regroup) IG_TRY(rebuild_alias_groups(db_->impl_->conn));
  IG_TRY(db_->impl_->conn.exec("COMMIT"));
  db_->impl_->in_batch = false;
  return {};
}

}  // namespace ig::vulndb
