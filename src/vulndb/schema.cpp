#include "vulndb/schema.h"

#include <string_view>

namespace ig::vulndb {

namespace {

// Migration N takes a database from version N-1 to N.
constexpr std::string_view k_migrations[] = {
    // v1: advisories and where they apply.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE vulnerabilities(
  id TEXT PRIMARY KEY, summary TEXT NOT NULL DEFAULT '', details TEXT NOT NULL DEFAULT '',
  published TEXT NOT NULL DEFAULT '', modified TEXT NOT NULL DEFAULT '', withdrawn TEXT NOT NULL DEFAULT '',
  primary_url TEXT NOT NULL DEFAULT '', feed TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE aliases(vuln_id TEXT NOT NULL, alias TEXT NOT NULL, PRIMARY KEY(vuln_id, alias)) WITHOUT ROWID;
CREATE INDEX aliases_by_alias ON aliases(alias);
CREATE TABLE severities(
  vuln_id TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL, vector TEXT NOT NULL,
  score REAL, rating TEXT NOT NULL DEFAULT '', feed TEXT NOT NULL,
  UNIQUE(vuln_id, source, type, vector));
CREATE INDEX severities_by_feed ON severities(feed);
CREATE TABLE vuln_references(
  vuln_id TEXT NOT NULL, url TEXT NOT NULL, type TEXT NOT NULL DEFAULT '', PRIMARY KEY(vuln_id, url)) WITHOUT ROWID;
CREATE TABLE affected(
  id INTEGER PRIMARY KEY, vuln_id TEXT NOT NULL, ecosystem TEXT NOT NULL, distro_release TEXT NOT NULL,
  package TEXT NOT NULL, version_type TEXT NOT NULL, ranges TEXT NOT NULL, versions TEXT NOT NULL,
  fixed_versions TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL DEFAULT '',
  source_ecosystem TEXT NOT NULL DEFAULT '', feed TEXT NOT NULL);
CREATE INDEX affected_by_package ON affected(ecosystem, distro_release, package);
CREATE INDEX affected_by_feed ON affected(feed);
CREATE TABLE sources(
  name TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL, records INTEGER NOT NULL,
  imported_at TEXT NOT NULL) WITHOUT ROWID;
)sql",
    // v2: enrichment feeds (CISA KEV, FIRST EPSS).
    R"sql(
CREATE TABLE kev(
  cve TEXT PRIMARY KEY, vendor TEXT NOT NULL DEFAULT '', product TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '', date_added TEXT NOT NULL DEFAULT '', due_date TEXT NOT NULL DEFAULT '',
  required_action TEXT NOT NULL DEFAULT '', known_ransomware TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL) WITHOUT ROWID;
)sql",
    // v3: `affected` clustered by what the matcher looks up. A package's
    // records become one contiguous run already ordered by vuln_id, so a
    // lookup is one b-tree seek and a scan instead of an index probe, a rowid
    // probe per record and a sort. `seq` keeps rows distinct and in import order.
    R"sql(
CREATE TABLE affected_v3(
  ecosystem TEXT NOT NULL, distro_release TEXT NOT NULL, package TEXT NOT NULL, vuln_id TEXT NOT NULL,
  seq INTEGER NOT NULL, version_type TEXT NOT NULL, ranges TEXT NOT NULL, versions TEXT NOT NULL,
  fixed_versions TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL DEFAULT '',
  source_ecosystem TEXT NOT NULL DEFAULT '', feed TEXT NOT NULL,
  PRIMARY KEY(ecosystem, distro_release, package, vuln_id, seq)) WITHOUT ROWID;
INSERT INTO affected_v3 SELECT ecosystem, distro_release, package, vuln_id, id, version_type, ranges, versions,
  fixed_versions, status, severity, source_ecosystem, feed FROM affected;
DROP TABLE affected;
ALTER TABLE affected_v3 RENAME TO affected;
CREATE INDEX affected_by_feed ON affected(feed);
)sql",
    // v4: alias groups, rebuilt after every import that adds advisories
    // (groups.h), so a scan reads a finished index instead of walking aliases;
    // ids in no group have no row. CWE ids per vulnerability (NVD).
    R"sql(
CREATE TABLE vuln_groups(id TEXT PRIMARY KEY, group_id TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX vuln_groups_by_group ON vuln_groups(group_id);
CREATE TABLE weaknesses(vuln_id TEXT NOT NULL, cwe TEXT NOT NULL, feed TEXT NOT NULL,
  PRIMARY KEY(vuln_id, cwe)) WITHOUT ROWID;
CREATE INDEX weaknesses_by_feed ON weaknesses(feed);
)sql",
};

static_assert(std::size(k_migrations) == k_schema_version, "one migration per schema version");

}  // namespace

Result<int> schema_version(Connection& c) {
  IG_ASSIGN(auto st, c.prepare("PRAGMA user_version"));
  auto row = st.step();
  if (!row) {
    return fail(ErrorCode::io, "{} is not a readable imagegate vulnerability database ({}); remove it and import again",
                c.path().string(), row.error().message);
  }
  if (!*row) return 0;
  return static_cast<int>(st.int64(0));
}

Error too_new_error(const std::filesystem::path& path, int version) {
  return Error{ErrorCode::usage,
               fmt::format("database {} has schema version {}; this imagegate understands up to {}: run `imagegate db "
                           "pull` or upgrade imagegate",
                           path.string(), version, k_schema_version)};
}

Result<void> migrate(Connection& c, int target) {
  IG_ASSIGN(int current, schema_version(c));
  if (current > k_schema_version) return fail(too_new_error(c.path(), current));
  while (current < target) {
    IG_TRY(c.exec("BEGIN IMMEDIATE"));
    // Re-read under the write lock: another process may have migrated meanwhile.
    auto now = schema_version(c);
    if (!now) {
      (void)c.exec("ROLLBACK");
      return fail(now.error());
    }
    current = *now;
    if (current >= target) {
      IG_TRY(c.exec("COMMIT"));
      break;
    }
    auto applied = c.exec(k_migrations[current]);
    if (applied) applied = c.exec(fmt::format("PRAGMA user_version = {}", current + 1));
    if (!applied) {
      (void)c.exec("ROLLBACK");
      return fail(applied.error().with_context(fmt::format("migrating to schema version {}", current + 1)));
    }
    IG_TRY(c.exec("COMMIT"));
    ++current;
  }
  return {};
}

}  // namespace ig::vulndb
