#include "vulndb/database.h"

#include <gtest/gtest.h>

#include <fstream>

#include "vulndb/schema.h"
#include "vulndb/sqlite.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::TempDir;

Advisory sample(std::string id, std::string package, std::string fixed) {
  Advisory a;
  a.vuln.id = id;
  a.vuln.summary = "summary of " + id;
  a.vuln.aliases = {"CVE-2024-0001"};
  a.vuln.severities.push_back({"osv", "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "Critical"});
  a.vuln.references.push_back({"https://example.org/" + id, "ADVISORY"});
  AffectedRecord r;
  r.ecosystem = "deb";
  r.distro_release = "debian:12";
  r.package = package;
  r.version_type = "deb";
  r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}, {RangeEvent::Kind::fixed, fixed}}});
  r.fixed_versions = {fixed};
  r.status = FixStatus::fixed;
  r.severity = "high";
  a.affected.push_back(r);
  return a;
}

int user_version(const std::filesystem::path& p) {
  auto c = Connection::open(p, SQLITE_OPEN_READONLY);
  EXPECT_TRUE(c);
  auto v = schema_version(*c);
  EXPECT_TRUE(v);
  return v ? *v : -1;
}

TEST(Model, RangesRoundTripThroughJson) {
  using K = RangeEvent::Kind;
  std::vector<VersionRange> in = {{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "1.2\"3\\x"}}},
                                  {"SEMVER", {{K::introduced, "1.0.0"}, {K::last_affected, "1.5"}, {K::limit, "2"}}}};
  for (const auto& text : {ranges_to_json(in), std::string(R"([ {"type": "ECOSYSTEM", "events": [{"introduced": "0"},
      {"fixed": "1.2\"3\\x"}]}, {"events": [{"introduced": "1.0.0"}, {"last_affected": "1.5"}, {"limit": "2"}],
      "type": "SEMVER"}])")}) {
    auto out = ranges_from_json(text);
    ASSERT_EQ(out.size(), 2u) << text;
    EXPECT_EQ(out[0].type, "ECOSYSTEM");
    ASSERT_EQ(out[0].events.size(), 2u);
    EXPECT_EQ(out[0].events[1].version, "1.2\"3\\x");
    EXPECT_EQ(out[1].type, "SEMVER");
    ASSERT_EQ(out[1].events.size(), 3u);
    EXPECT_EQ(out[1].events[1].kind, K::last_affected);
    EXPECT_EQ(out[1].events[2].kind, K::limit);
  }
  EXPECT_TRUE(ranges_from_json("[]").empty());
  EXPECT_TRUE(ranges_from_json("not json").empty());
}

TEST(Database, CreatesAndMigratesToCurrentSchema) {
  TempDir tmp;
  auto path = tmp.path() / "sub" / "db.sqlite";
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(user_version(path), k_schema_version);
  auto st = db->status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->schema_version, k_schema_version);
  EXPECT_EQ(st->vulnerabilities, 0);
  EXPECT_EQ(st->age_seconds, -1);
}

TEST(Database, MigratesAnOldSchemaKeepingData) {
  TempDir tmp;
  auto path = tmp.path() / "v1.db";
  {
    auto c = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(c);
    ASSERT_TRUE(migrate(*c, 1));
    ASSERT_TRUE(c->exec("INSERT INTO vulnerabilities(id, summary) VALUES('CVE-2020-0001', 'kept')"));
    EXPECT_FALSE(c->exec("SELECT count(*) FROM kev"));  // v2 table not there yet
  }
  EXPECT_EQ(user_version(path), 1);
  // Readers refuse an old schema rather than guess.
  auto ro = Database::open(path, Database::Mode::read);
  ASSERT_FALSE(ro);
  EXPECT_EQ(ro.error().code, ErrorCode::usage);
  EXPECT_NE(ro.error().message.find("schema version 1"), std::string::npos);

  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(user_version(path), k_schema_version);
  auto v = db->vulnerability("CVE-2020-0001");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ((*v)->summary, "kept");
  EXPECT_TRUE(db->enrichment("CVE-2020-0001"));  // kev/epss tables exist now
}

TEST(Database, MigratesV2AffectedRowsIntoTheClusteredTable) {
  TempDir tmp;
  auto path = tmp.path() / "v2.db";
  {
    auto c = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(c);
    ASSERT_TRUE(migrate(*c, 2));
    ASSERT_TRUE(c->exec(
        "INSERT INTO affected(id, vuln_id, ecosystem, distro_release, package, version_type, ranges, versions, "
        "fixed_versions, status, feed) VALUES(7, 'CVE-2024-0002', 'deb', 'debian:12', 'zlib', 'deb', "
        "'[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3\"}]}]', '[]', "
        "'[\"1.3\"]', 'fixed', 'f'), (3, 'CVE-2024-0001', 'deb', 'debian:12', 'zlib', 'deb', '[]', '[]', '[]', "
        "'affected', 'f')"));
  }
  {
    auto db = Database::open(path, Database::Mode::write);
    ASSERT_TRUE(db) << db.error().message;
  }
  EXPECT_EQ(user_version(path), k_schema_version);
  auto db = Database::open(path, Database::Mode::read);
  ASSERT_TRUE(db) << db.error().message;
  auto recs = db->affected("deb", "debian:12", "zlib");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].vuln_id, "CVE-2024-0001");
  EXPECT_EQ((*recs)[1].vuln_id, "CVE-2024-0002");
  EXPECT_EQ((*recs)[1].fixed_versions, std::vector<std::string>{"1.3"});
  ASSERT_EQ((*recs)[1].ranges.size(), 1u);
  EXPECT_EQ((*recs)[1].ranges[0].events.size(), 2u);
  // New imports continue after the migrated rows' sequence numbers.
  auto w = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(w);
  auto s = w->begin_import("more", "osv", "x");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->add(sample("CVE-2024-0003", "zlib", "1.4")));
  ASSERT_TRUE(s->commit());
  EXPECT_EQ(w->affected("deb", "debian:12", "zlib")->size(), 3u);
}

TEST(Database, MigratingToV4GroupsTheAliasesAlreadyImported) {
  TempDir tmp;
  auto path = tmp.path() / "v3.db";
  {
    auto c = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(c);
    ASSERT_TRUE(migrate(*c, 3));
    ASSERT_TRUE(c->exec("INSERT INTO vulnerabilities(id, feed) VALUES('GO-2099-0001', 'f'), "
                        "('GHSA-c4a1-n111-aaaa', 'f'); INSERT INTO aliases(vuln_id, alias) VALUES"
                        "('GO-2099-0001', 'GHSA-c4a1-n111-aaaa'), ('GHSA-c4a1-n111-aaaa', 'CVE-2099-1000')"));
  }
  {
    auto db = Database::open(path, Database::Mode::write);
    ASSERT_TRUE(db) << db.error().message;
  }
  auto db = Database::open(path, Database::Mode::read);
  ASSERT_TRUE(db) << db.error().message;
  std::vector<std::string> ids = {"GO-2099-0001"};
  auto g = db->groups(ids);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ((*g)[0], (std::vector<std::string>{"CVE-2099-1000", "GHSA-c4a1-n111-aaaa", "GO-2099-0001"}));
}

// A batch regroups once, at its commit, so links between sources of one
// batch still join. Mode::build
// (db update's private copy) imports like Mode::write.
TEST(Database, ABatchGroupsAcrossItsSourcesAtCommit) {
  TempDir tmp;
  auto path = tmp.path() / "b.db";
  auto group_of = [&](const char* id) {
    auto db = Database::open(path, Database::Mode::read);
    EXPECT_TRUE(db) << db.error().message;
    std::vector<std::string> ids = {id};
    auto g = db->groups(ids);
    EXPECT_TRUE(g);
    return (*g)[0];
  };
  auto with_alias = [](const char* id, const char* alias) {
    Advisory a = sample(id, "zlib", "1.3");
    a.vuln.aliases = {alias};
    return a;
  };
  {
    auto db = Database::open(path, Database::Mode::build);
    ASSERT_TRUE(db) << db.error().message;
    auto batch = db->begin_batch();
    ASSERT_TRUE(batch);
    auto s1 = db->begin_import("go", "osv", "x");
    ASSERT_TRUE(s1);
    ASSERT_TRUE(s1->add(with_alias("GO-2099-0002", "GHSA-c4a1-n111-bbbb")));
    ASSERT_TRUE(s1->commit());
    auto s2 = db->begin_import("ghsa", "osv", "y");
    ASSERT_TRUE(s2);
    ASSERT_TRUE(s2->add(with_alias("GHSA-c4a1-n111-bbbb", "CVE-2099-2000")));
    ASSERT_TRUE(s2->commit());
    ASSERT_TRUE(batch->commit());
  }
  EXPECT_EQ(group_of("GO-2099-0002"), (std::vector<std::string>{"CVE-2099-2000", "GHSA-c4a1-n111-bbbb", "GO-2099-0002"}));
}

TEST(Database, KnowsWhichReleasesHaveData) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "r.db", Database::Mode::write);
  ASSERT_TRUE(db);
  EXPECT_FALSE(*db->has_release("deb", "debian:12"));
  auto s = db->begin_import("t", "osv", "x");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->add(sample("CVE-2024-0001", "openssl", "3.0.1")));
  ASSERT_TRUE(s->commit());
  EXPECT_TRUE(*db->has_release("deb", "debian:12"));
  EXPECT_FALSE(*db->has_release("deb", "debian:11"));
  EXPECT_FALSE(*db->has_release("apk", "debian:12"));
}

TEST(Database, ReadTransactionSeesOneSnapshot) {
  TempDir tmp;
  auto path = tmp.path() / "snap.db";
  auto writer = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(writer);
  auto add = [&](const char* id) {
    auto s = writer->begin_import(id, "osv", "x");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample(id, "zlib", "1.4")));
    ASSERT_TRUE(s->commit());
  };
  add("CVE-2024-0001");
  auto reader = Database::open(path, Database::Mode::read);
  ASSERT_TRUE(reader);
  {
    auto outer = reader->read_transaction();
    ASSERT_TRUE(outer);
    {
      auto inner = reader->read_transaction();  // nests
      ASSERT_TRUE(inner);
      EXPECT_EQ(reader->affected("deb", "debian:12", "zlib")->size(), 1u);
    }
    add("CVE-2024-0002");  // WAL: the writer is not blocked by the reader
    EXPECT_EQ(reader->affected("deb", "debian:12", "zlib")->size(), 1u);
  }
  EXPECT_EQ(reader->affected("deb", "debian:12", "zlib")->size(), 2u);
}

TEST(Database, RefusesANewerSchema) {
  TempDir tmp;
  auto path = tmp.path() / "future.db";
  {
    auto db = Database::open(path, Database::Mode::write);
    ASSERT_TRUE(db);
  }
  {
    auto c = Connection::open(path, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->exec("PRAGMA user_version = 99"));
  }
  for (auto mode : {Database::Mode::read, Database::Mode::write}) {
    auto db = Database::open(path, mode);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, ErrorCode::usage);
    EXPECT_NE(db.error().message.find("has schema version 99; this imagegate understands up to " +
                                      std::to_string(k_schema_version)),
              std::string::npos)
        << db.error().message;
    EXPECT_NE(db.error().message.find("imagegate db pull"), std::string::npos);
  }
}

TEST(Database, ReportsMissingAndForeignFiles) {
  TempDir tmp;
  auto missing = Database::open(tmp.path() / "none.db", Database::Mode::read);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("imagegate db import"), std::string::npos);

  auto junk = tmp.path() / "junk.db";
  std::ofstream(junk) << "this is not a database, just text that is long enough to look like a header....";
  auto db = Database::open(junk, Database::Mode::read);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::io);
  EXPECT_NE(db.error().message.find(junk.string()), std::string::npos);
}

TEST(Database, StoresAndQueriesAffectedRecords) {
  TempDir tmp;
  auto path = tmp.path() / "db.sqlite";
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  {
    auto s = db->begin_import("test", "osv", "memory");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample("DSA-1", "openssl", "3.0.8-1")));
    ASSERT_TRUE(s->add(sample("DSA-2", "openssl", "3.0.9-1")));
    ASSERT_TRUE(s->add(sample("DSA-3", "curl", "8.0-1")));
    Advisory withdrawn = sample("DSA-4", "openssl", "1");
    withdrawn.vuln.withdrawn = "2024-01-01T00:00:00Z";
    ASSERT_TRUE(s->add(withdrawn));
    ASSERT_TRUE(s->commit());
  }
  auto reader = Database::open(path, Database::Mode::read);
  ASSERT_TRUE(reader) << reader.error().message;
  auto recs = reader->affected("deb", "debian:12", "openssl");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].vuln_id, "DSA-1");
  EXPECT_EQ((*recs)[1].vuln_id, "DSA-2");
  const auto& r = (*recs)[0];
  EXPECT_EQ(r.status, FixStatus::fixed);
  EXPECT_EQ(r.version_type, "deb");
  EXPECT_EQ(r.severity, "high");
  ASSERT_EQ(r.ranges.size(), 1u);
  ASSERT_EQ(r.ranges[0].events.size(), 2u);
  EXPECT_EQ(r.ranges[0].events[1].kind, RangeEvent::Kind::fixed);
  EXPECT_EQ(r.ranges[0].events[1].version, "3.0.8-1");
  EXPECT_EQ(r.fixed_versions, std::vector<std::string>{"3.0.8-1"});
  EXPECT_TRUE(reader->affected("deb", "debian:11", "openssl")->empty());
  EXPECT_TRUE(reader->affected("deb", "debian:12", "nothing")->empty());

  auto v = reader->vulnerability("DSA-1");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ((*v)->summary, "summary of DSA-1");
  EXPECT_EQ((*v)->aliases, std::vector<std::string>{"CVE-2024-0001"});
  ASSERT_EQ((*v)->severities.size(), 1u);
  EXPECT_DOUBLE_EQ(*(*v)->severities[0].score, 9.8);
  ASSERT_EQ((*v)->references.size(), 1u);
  auto w = reader->vulnerability("DSA-4");
  ASSERT_TRUE(w && *w);
  EXPECT_FALSE((*w)->withdrawn.empty());
  EXPECT_FALSE(*reader->vulnerability("NOPE"));

  auto st = reader->status();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->sources.size(), 1u);
  EXPECT_EQ(st->sources[0].records, 4);
  EXPECT_EQ(st->affected, 3);
  EXPECT_GE(st->age_seconds, 0);
}

TEST(Database, ReimportReplacesASourceAndRollbackKeepsOldData) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db.sqlite", Database::Mode::write);
  ASSERT_TRUE(db);
  for (int round = 0; round < 2; ++round) {
    auto s = db->begin_import("feed-a", "osv", "memory");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample("DSA-1", "openssl", round == 0 ? "1.0" : "2.0")));
    ASSERT_TRUE(s->commit());
  }
  {
    auto s = db->begin_import("feed-b", "osv", "memory");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample("DSA-9", "openssl", "9.0")));
    ASSERT_TRUE(s->commit());
  }
  auto recs = db->affected("deb", "debian:12", "openssl");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].fixed_versions[0], "2.0");
  EXPECT_EQ((*recs)[1].vuln_id, "DSA-9");
  {
    // An import that never commits leaves the previous data in place.
    auto s = db->begin_import("feed-a", "osv", "memory");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample("DSA-5", "openssl", "5.0")));
  }
  recs = db->affected("deb", "debian:12", "openssl");
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ((*recs)[0].vuln_id, "DSA-1");
}

TEST(Database, ReadOnlyDatabaseRefusesImports) {
  TempDir tmp;
  auto path = tmp.path() / "db.sqlite";
  ASSERT_TRUE(Database::open(path, Database::Mode::write));
  auto db = Database::open(path, Database::Mode::read);
  ASSERT_TRUE(db);
  EXPECT_FALSE(db->begin_import("x", "osv", "y"));
}

TEST(Database, BuildWritesACompactCopyWithMeta) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "work.db", Database::Mode::write);
  ASSERT_TRUE(db);
  {
    auto s = db->begin_import("feed", "osv", "memory");
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->add(sample("DSA-1", "openssl", "1.0")));
    ASSERT_TRUE(s->commit());
  }
  auto out = tmp.path() / "dist" / "imagegate.db";
  ASSERT_TRUE(db->build_into(out, "imagegate test", false));
  auto again = db->build_into(out, "imagegate test", false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::usage);
  ASSERT_TRUE(db->build_into(out, "imagegate test", true));

  auto built = Database::open(out, Database::Mode::read);
  ASSERT_TRUE(built) << built.error().message;
  auto st = built->status();
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->built_at.empty());
  ASSERT_EQ(st->sources.size(), 1u);
  EXPECT_EQ(built->affected("deb", "debian:12", "openssl")->size(), 1u);
  auto c = Connection::open(out, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(c);
  auto q = c->prepare("SELECT value FROM meta WHERE key = 'builder'");
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->step().value_or(false));
  EXPECT_EQ(q->text(0), "imagegate test");
}

}  // namespace
}  // namespace ig::vulndb
