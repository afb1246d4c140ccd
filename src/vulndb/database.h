// The embedded vulnerability database: one SQLite file holding advisories,
// the (ecosystem, release, package) records they affect, and enrichment (CISA
// KEV, EPSS). Importers write through ImportSession; the matcher reads with
// Database::for_each_affected(), built for 10k package lookups in well under
// 100 ms.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/model.h"

namespace ig::vulndb {

struct SourceStatus {
  std::string name;      // "osv:/data/all.zip", or the --name given at import
  std::string kind;      // osv, secdb, debian, kev, epss, nvd
  std::string location;  // what was imported
  int64_t records = 0;
  std::string imported_at;  // RFC 3339 UTC
};

struct DatabaseStatus {
  std::string path;
  int schema_version = 0;
  std::string built_at;    // set by `db build`; "" for a working database
  std::string updated_at;  // last import
  int64_t age_seconds = -1;  // since built_at (or updated_at); -1 when never written
  std::vector<SourceStatus> sources;
  int64_t vulnerabilities = 0;
  int64_t affected = 0;
  int64_t kev = 0;
  int64_t epss = 0;
};

class Database;

// Several imports made as one (RAII): every ImportSession begun while it is
// alive commits into it, and nothing is visible or kept until commit(), so
// `db import A B C` stores all three sources or none. The alias groups are
// rebuilt once, at the batch's commit. Destroying an uncommitted batch rolls
// every session in it back.
class ImportBatch {
 public:
  ImportBatch(ImportBatch&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  ImportBatch& operator=(ImportBatch&&) = delete;
  ImportBatch(const ImportBatch&) = delete;
  ~ImportBatch();
  Result<void> commit();

 private:
  friend class Database;
  explicit ImportBatch(Database* db) : db_(db) {}
  Database* db_;
};

// One read transaction on a Database, held for this object's life (RAII).
// Lookups made meanwhile all see the same snapshot, even while an import
// commits, and SQLite skips the lock/unlock and cache revalidation it would
// otherwise do around every statement (a third of the cost of a lookup).
// Nests: only the outermost one begins and ends the transaction.
class ReadTransaction {
 public:
  ReadTransaction(ReadTransaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ReadTransaction(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  friend class Database;
  explicit ReadTransaction(Database* db) : db_(db) {}
  Database* db_;
};

// One import of one source, in one transaction (a savepoint inside an
// ImportBatch). Beginning it drops what the
// same source imported before, so a re-import replaces rather than adds; the
// old data stays visible to readers until commit(). Destroying an uncommitted
// session rolls it back.
class ImportSession {
 public:
  ImportSession(ImportSession&&) noexcept;
  ImportSession& operator=(ImportSession&&) = delete;
  ImportSession(const ImportSession&) = delete;
  ~ImportSession();

  Result<void> add(const Advisory& a);
  Result<void> add_kev(const KevEntry& e);
  Result<void> add_epss(const EpssEntry& e);
  // Records extra facts about the source in meta (e.g. the EPSS model version).
  Result<void> set_meta(std::string_view key, std::string_view value);
  // Rebuilds the alias groups when advisories were added (groups.h; inside
  // an ImportBatch, at the batch's commit instead), then commits and records
  // the source's record count in `sources`.
  Result<void> commit();
  int64_t records() const { return records_; }

 private:
  friend class Database;
  ImportSession(Database* db, std::string name, std::string kind, std::string location)
      : db_(db), name_(std::move(name)), kind_(std::move(kind)), location_(std::move(location)) {}
  Database* db_;
  std::string name_, kind_, location_;
  int64_t records_ = 0;
  bool added_advisories_ = false;  // aliases may have changed: regroup at commit
  bool open_ = true;
};

class Database {
 public:
  // build: write to a file that no other process opens until the caller
  // has synced it and renamed it into place (`db update`'s new copy): no
  // WAL, no fsync, an exclusive lock. A crash leaves a file to throw away.
  enum class Mode { read, write, build };

  // Opens `path`. Mode::write and Mode::build create the file (and its
  // directory) if needed and migrate it to k_schema_version. Mode::read needs an existing database of
  // exactly this schema version: not_found when the file is missing, usage
  // (with the fix) when it is newer or older than this imagegate understands.
  static Result<Database> open(const std::filesystem::path& path, Mode mode);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Records for one package, ranges parsed, withdrawn advisories excluded.
  // `package` must already be normalised (normalize_package_name). Ordered by
  // vulnerability id. An unknown package gives an empty vector.
  Result<std::vector<AffectedRecord>> affected(std::string_view ecosystem, std::string_view distro_release,
                                               std::string_view package);
  // affected() for many packages of one (ecosystem, distro_release): element
  // i holds the records of packages[i]. Duplicates and unknown names are fine.
  Result<std::vector<std::vector<AffectedRecord>>> affected_batch(std::string_view ecosystem,
                                                                  std::string_view distro_release,
                                                                  std::span<const std::string> packages);

  // The matcher's lookup: calls visit(i, records) for every i whose
  // packages[i] has records (records as affected() returns them), in byte
  // order of the names and then of i; names without records are skipped. A
  // duplicated name is read once and visited for each of its positions.
  // `records` lives in a buffer reused from call to call (so a large batch
  // allocates almost nothing): it is valid only during that visit, and the
  // visitor must not call affected(), affected_batch() or for_each_affected()
  // (it may call vulnerability() and enrichment()). The first error, from the
  // database or the visitor, stops the walk and is returned.
  using AffectedVisitor = std::function<Result<void>(size_t index, std::span<const AffectedRecord> records)>;
  Result<void> for_each_affected(std::string_view ecosystem, std::string_view distro_release,
                                 std::span<const std::string> packages, const AffectedVisitor& visit);
  // Whether any record exists for (ecosystem, distro_release): lets the matcher
  // tell "no advisories for this package" from "no data for this release".
  Result<bool> has_release(std::string_view ecosystem, std::string_view distro_release);
  // Details of one vulnerability (with references and CWE ids), or nullopt when unknown.
  Result<std::optional<Vulnerability>> vulnerability(std::string_view id);
  // The details of many (element i for ids[i]), as the matcher needs them:
  // like vulnerability() but without references. Ids are read in byte order
  // and duplicates once, so a scan's few thousand cost a few milliseconds.
  Result<std::vector<std::optional<Vulnerability>>> vulnerabilities(std::span<const std::string> ids);
  // The alias group of each id (element i for ids[i], groups.h): every id
  // known to name the same vulnerability, ids[i] included, in byte order. An
  // id in no group (or unknown) gives {ids[i]}. Ids are read in byte order
  // and duplicates once.
  Result<std::vector<std::vector<std::string>>> groups(std::span<const std::string> ids);
  // KEV and EPSS facts for a CVE id (either may be absent).
  Result<Enrichment> enrichment(std::string_view cve);
  // enrichment() for many CVE ids: element i for cves[i].
  Result<std::vector<Enrichment>> enrichments(std::span<const std::string> cves);

  Result<DatabaseStatus> status();

  // Starts a read transaction (see ReadTransaction). Not while importing.
  Result<ReadTransaction> read_transaction();

  // Writes a compact, self-contained copy to `out` (VACUUM INTO a temporary
  // file beside it, then rename) with meta filled: schema_version, built_at,
  // builder, sources. Refuses to overwrite an existing file unless `force`.
  Result<void> build_into(const std::filesystem::path& out, std::string_view builder, bool force);

  // Starts a batch of imports (see ImportBatch). Needs Mode::write; one at a time.
  Result<ImportBatch> begin_batch();

  // Starts importing source `name` of `kind` read from `location`. Needs Mode::write.
  Result<ImportSession> begin_import(std::string_view name, std::string_view kind, std::string_view location);

  const std::filesystem::path& path() const;

 private:
  friend class ImportSession;
  friend class ImportBatch;
  friend class ReadTransaction;
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Current time as RFC 3339 UTC, to the second ("2024-05-01T12:00:00Z").
std::string utc_now();

}  // namespace ig::vulndb
