// Alpine secdb, Debian tracker, KEV and EPSS importers, and kind detection.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "util/fs.h"
#include "vulndb/document.h"
#include "vulndb/enrich.h"
#include "vulndb/import_debian.h"
#include "vulndb/import_secdb.h"
#include "vulndb/importer.h"
#include "vulndb/sqlite.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::fixtures;
using testing::TempDir;

const AffectedRecord* find(const std::vector<AffectedRecord>& recs, std::string_view id) {
  for (const auto& r : recs) {
    if (r.vuln_id == id) return &r;
  }
  return nullptr;
}

TEST(Secdb, ImportsFixedAndNotAffectedEntries) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "secdb" / "v3.18-main.json", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, SourceKind::secdb);
  // openssl 3 + busybox 3 (two ids in one string) + curl 2; a nameless package
  // and a non-list secfixes entry are skipped.
  EXPECT_EQ(r->stats.records, 8);
  EXPECT_EQ(r->stats.skipped, 2);
  auto openssl = db->affected("apk", "alpine:3.18", "openssl");
  ASSERT_TRUE(openssl);
  ASSERT_EQ(openssl->size(), 3u);
  const auto* fixed = find(*openssl, "CVE-2023-2650");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->status, FixStatus::fixed);
  EXPECT_EQ(fixed->fixed_versions, std::vector<std::string>{"3.1.1-r0"});
  EXPECT_EQ(fixed->ranges.at(0).events.at(1).version, "3.1.1-r0");
  const auto* never = find(*openssl, "CVE-2022-3358");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, FixStatus::not_affected);
  EXPECT_TRUE(never->ranges.empty());
  auto busybox = db->affected("apk", "alpine:3.18", "busybox");
  ASSERT_TRUE(find(*busybox, "CVE-2023-42364"));
}

TEST(Secdb, ReadsYaml) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "secdb" / "v3.19-community.yaml", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, SourceKind::secdb);
  auto recs = db->affected("apk", "alpine:3.19", "py3-requests");
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_EQ((*recs)[0].fixed_versions[0], "2.31.0-r0");
}

TEST(Secdb, RejectsOtherDocuments) {
  int64_t skipped = 0;
  auto doc = parse_document(R"({"packages": []})", "x");
  ASSERT_TRUE(doc);
  auto r = parse_secdb(*doc, "x", &skipped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

TEST(Debian, MapsEveryStatus) {
  EXPECT_EQ(debian_status("resolved", "0", "unimportant", ""), FixStatus::not_affected);
  EXPECT_EQ(debian_status("resolved", "3.0.8-1", "high", ""), FixStatus::fixed);
  EXPECT_EQ(debian_status("open", "", "high", ""), FixStatus::affected);
  EXPECT_EQ(debian_status("undetermined", "", "not yet assigned", ""), FixStatus::affected);
  EXPECT_EQ(debian_status("open", "", "low", "ignored"), FixStatus::will_not_fix);
  EXPECT_EQ(debian_status("open", "", "low", "postponed"), FixStatus::fix_deferred);
  EXPECT_EQ(debian_status("open", "", "end-of-life", ""), FixStatus::end_of_life);
  EXPECT_EQ(debian_release_for_codename("bookworm").value_or(""), "12");
  EXPECT_EQ(debian_release_for_codename("bullseye").value_or(""), "11");
  EXPECT_EQ(debian_release_for_codename("trixie").value_or(""), "13");
  EXPECT_EQ(debian_release_for_codename("buster").value_or(""), "10");
  EXPECT_EQ(debian_release_for_codename("sid").value_or(""), "unstable");
  EXPECT_FALSE(debian_release_for_codename("hamm"));
}

TEST(Debian, ImportsTheTrackerExport) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "debian" / "tracker.json", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, SourceKind::debian);
  EXPECT_EQ(r->stats.records, 5);
  EXPECT_EQ(r->stats.skipped, 3);  // broken-package, a CVE without releases, a release without status

  auto bookworm = db->affected("deb", "debian:12", "openssl");
  ASSERT_TRUE(bookworm);
  const auto* fixed = find(*bookworm, "CVE-2023-0286");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->status, FixStatus::fixed);
  EXPECT_EQ(fixed->fixed_versions, std::vector<std::string>{"3.0.8-1"});
  EXPECT_EQ(find(*bookworm, "CVE-2022-3358")->status, FixStatus::not_affected);
  EXPECT_EQ(find(*bookworm, "CVE-2022-3358")->severity, "unimportant");
  EXPECT_EQ(db->affected("deb", "debian:10", "openssl")->at(0).status, FixStatus::end_of_life);
  EXPECT_EQ(db->affected("deb", "debian:unstable", "openssl")->size(), 1u);

  auto glibc12 = db->affected("deb", "debian:12", "glibc");
  ASSERT_TRUE(glibc12);
  EXPECT_EQ(find(*glibc12, "CVE-2010-4756")->status, FixStatus::will_not_fix);
  EXPECT_EQ(find(*glibc12, "CVE-2023-4911")->status, FixStatus::fix_deferred);
  EXPECT_EQ(find(*glibc12, "CVE-2023-4911")->severity, "high");
  auto glibc13 = db->affected("deb", "debian:13", "glibc");
  ASSERT_TRUE(glibc13);
  const auto* open = find(*glibc13, "CVE-2010-4756");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->status, FixStatus::affected);
  ASSERT_EQ(open->ranges.size(), 1u);
  EXPECT_EQ(open->ranges[0].events.size(), 1u);  // introduced 0, no fix
  EXPECT_EQ(db->affected("deb", "debian:11", "glibc")->at(0).status, FixStatus::affected);

  auto v = db->vulnerability("CVE-2023-4911");
  ASSERT_TRUE(v && *v);
  EXPECT_NE((*v)->details.find("GLIBC_TUNABLES"), std::string::npos);
}

TEST(Enrich, ImportsKev) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto r = import_source(*db, fixtures() / "kev" / "known_exploited_vulnerabilities.json", std::nullopt);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, SourceKind::kev);
  EXPECT_EQ(r->stats.records, 2);
  EXPECT_EQ(r->stats.skipped, 1);
  auto e = db->enrichment("CVE-2021-44228");
  ASSERT_TRUE(e && e->kev);
  EXPECT_EQ(e->kev->date_added, "2021-12-10");
  EXPECT_EQ(e->kev->known_ransomware, "Known");
  EXPECT_FALSE(db->enrichment("CVE-1999-0001")->kev);
}

TEST(Enrich, ImportsEpssPlainAndGzipped) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto csv = fixtures() / "epss" / "epss_scores.csv";
  auto gz = tmp.path() / "epss.csv.gz";
  ASSERT_EQ(std::system(("gzip -c '" + csv.string() + "' > '" + gz.string() + "'").c_str()), 0);
  for (const auto& path : {csv, gz}) {
    auto r = import_source(*db, path, std::nullopt, "epss");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->kind, SourceKind::epss);
    EXPECT_EQ(r->stats.records, 3);
    EXPECT_EQ(r->stats.skipped, 2);  // a non-number and a percentile above 1
    auto e = db->enrichment("CVE-2021-44228");
    ASSERT_TRUE(e && e->epss);
    EXPECT_DOUBLE_EQ(e->epss->score, 0.97565);
    EXPECT_DOUBLE_EQ(e->epss->percentile, 0.99996);
  }
  int64_t skipped = 0;
  auto feed = parse_epss("#model_version:v2023.03.01,score_date:2024-01-02T00:00:00+0000\ncve,epss,percentile\n", "x",
                         &skipped);
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->model_version, "v2023.03.01");
  EXPECT_EQ(feed->score_date, "2024-01-02T00:00:00+0000");
  EXPECT_FALSE(parse_epss("a,b,c\n1,2,3\n", "x", &skipped));
}

TEST(Importer, DetectsKindsAndAsksWhenUnsure) {
  EXPECT_EQ(*detect_source_kind(fixtures() / "osv"), SourceKind::osv);
  EXPECT_EQ(*detect_source_kind(fixtures() / "osv-all.zip"), SourceKind::osv);
  EXPECT_EQ(*detect_source_kind(fixtures() / "osv" / "misc" / "RUSTSEC-2023-0044.yaml"), SourceKind::osv);
  EXPECT_EQ(*detect_source_kind(fixtures() / "secdb" / "v3.18-main.json"), SourceKind::secdb);
  EXPECT_EQ(*detect_source_kind(fixtures() / "debian" / "tracker.json"), SourceKind::debian);
  EXPECT_EQ(*detect_source_kind(fixtures() / "kev" / "known_exploited_vulnerabilities.json"), SourceKind::kev);
  EXPECT_EQ(*detect_source_kind(fixtures() / "epss" / "epss_scores.csv"), SourceKind::epss);
  TempDir tmp;
  auto other = tmp.path() / "other.json";
  std::ofstream(other) << R"({"hello": "world"})";
  auto r = detect_source_kind(other);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("--kind"), std::string::npos);
  EXPECT_EQ(detect_source_kind(tmp.path() / "missing").error().code, ErrorCode::not_found);
  EXPECT_EQ(parse_source_kind("cvrf").error().code, ErrorCode::usage);
  EXPECT_EQ(*parse_source_kind("nvd"), SourceKind::nvd);
}

TEST(Importer, AFailedImportChangesNothing) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  ASSERT_TRUE(import_source(*db, fixtures() / "secdb" / "v3.18-main.json", std::nullopt, "alpine"));
  // Importing a KEV file as secdb fails whole; the earlier alpine data stays.
  auto r = import_source(*db, fixtures() / "kev" / "known_exploited_vulnerabilities.json", SourceKind::secdb, "alpine");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_EQ(db->affected("apk", "alpine:3.18", "openssl")->size(), 3u);
}

// tests/fixtures/secdb-checkout (the Alpine secdb repository's layout: one
// folder per release with main.yaml and community.yaml) plus files a real
// checkout has that are no feed.
void write_secdb_checkout(const std::filesystem::path& root) {
  auto src = std::filesystem::path(IG_SOURCE_DIR) / "tests" / "fixtures" / "secdb-checkout";
  std::filesystem::copy(src, root, std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(root / ".git");
  std::ofstream(root / ".git" / "config.json") << "{}";
  std::ofstream(root / ".gitlab-ci.yml") << "stages: [test]\n";
  std::ofstream(root / "tools.yaml") << "stages: [test]\n";
}

TEST(Importer, ImportsTheSecdbRepositoryLayout) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  write_secdb_checkout(tmp.path() / "secdb");
  std::filesystem::path paths[] = {tmp.path() / "secdb"};
  auto r = import_paths(*db, paths, {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].kind, SourceKind::secdb);
  EXPECT_EQ((*r)[0].stats.records, 7);  // 2 for openssl in 3.3; musl 2 and busybox 3 in 3.7
  EXPECT_EQ((*r)[0].stats.files, 4);
  EXPECT_EQ((*r)[0].stats.skipped, 1);  // tools.yaml; README.md and hidden entries are not read
  auto musl = db->affected("apk", "alpine:3.7", "musl");
  ASSERT_TRUE(musl);
  ASSERT_EQ(musl->size(), 2u);
  EXPECT_EQ((*musl)[0].vuln_id, "CVE-2017-15650");
  EXPECT_EQ((*musl)[1].vuln_id, "CVE-2019-14697");
  EXPECT_EQ((*musl)[1].fixed_versions, std::vector<std::string>{"1.1.18-r4"});
  EXPECT_EQ(db->affected("apk", "alpine:3.3", "openssl")->size(), 2u);
  // The null community.yaml on its own is a valid, empty feed.
  int64_t skipped = 0;
  auto doc = parse_document(read_file(tmp.path() / "secdb" / "v3.3" / "community.yaml", 1 << 20).value(), "c");
  ASSERT_TRUE(doc);
  auto none = parse_secdb(*doc, "c", &skipped);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(skipped, 0);
}

TEST(Importer, AFolderMayMixKinds) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto dir = tmp.path() / "mixed";
  std::filesystem::create_directories(dir / "osv");
  std::filesystem::copy_file(fixtures() / "secdb" / "v3.18-main.json", dir / "main.json");
  std::filesystem::copy_file(fixtures() / "kev" / "known_exploited_vulnerabilities.json", dir / "kev.json");
  std::filesystem::copy_file(fixtures() / "osv" / "go" / "GO-2023-2102.json", dir / "osv" / "GO-2023-2102.json");
  std::filesystem::copy_file(fixtures() / "osv" / "misc" / "RUSTSEC-2023-0044.yaml", dir / "osv" / "r.yaml");
  std::ofstream(dir / "notes.json") << R"({"hello": "world"})";
  std::filesystem::path paths[] = {dir};
  auto r = import_paths(*db, paths, {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);  // ordered by kind: osv, secdb, kev
  EXPECT_EQ((*r)[0].kind, SourceKind::osv);
  EXPECT_EQ((*r)[0].stats.records, 2);
  EXPECT_EQ((*r)[0].stats.skipped, 1);  // notes.json, reported on the first source
  EXPECT_EQ((*r)[1].kind, SourceKind::secdb);
  EXPECT_EQ((*r)[1].stats.records, 8);
  EXPECT_EQ((*r)[2].kind, SourceKind::kev);
  EXPECT_EQ((*r)[2].source, "kev:" + dir.string());
  auto st = db->status();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->sources.size(), 3u);
  EXPECT_EQ(st->kev, 2);
}

// The database's rows, for comparing before and after a failed import.
std::string dump(const std::filesystem::path& db) {
  auto c = Connection::open(db, SQLITE_OPEN_READONLY);
  if (!c) return c.error().message;
  std::string out;
  for (const char* table : {"sources", "affected", "vulnerabilities", "kev", "epss", "meta"}) {
    auto cols = c->prepare(std::string("SELECT count(*) FROM pragma_table_info('") + table + "')");
    if (!cols || !cols->step().value_or(false)) return "cannot count columns";
    int64_t ncols = cols->int64(0);
    auto st = c->prepare(std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    if (!st) return st.error().message;
    while (true) {
      auto row = st->step();
      if (!row) return row.error().message;
      if (!*row) break;
      for (int i = 0; i < ncols; ++i) out.append(st->text(i)).push_back('|');
      out.push_back('\n');
    }
  }
  return out;
}

TEST(Importer, OneImportIsOneTransaction) {
  TempDir tmp;
  auto path = tmp.path() / "db";
  {
    auto db = Database::open(path, Database::Mode::write);
    ASSERT_TRUE(db);
    std::filesystem::path first[] = {fixtures() / "secdb" / "v3.18-main.json"};
    ASSERT_TRUE(import_paths(*db, first, {}));
  }
  std::string before = dump(path);
  ASSERT_NE(before.find("CVE-2023-2650"), std::string::npos);
  // Three sources; the last one breaks at line 3: none of them is kept, and the
  // earlier secdb source is still the one from before.
  auto broken = tmp.path() / "broken.json";
  std::ofstream(broken) << "{\n  \"distroversion\": \"v3.19\",\n  \"packages\": [,]\n}\n";
  auto db = Database::open(path, Database::Mode::write);
  ASSERT_TRUE(db);
  std::filesystem::path paths[] = {fixtures() / "kev" / "known_exploited_vulnerabilities.json",
                                   fixtures() / "secdb" / "v3.19-community.yaml", broken};
  auto r = import_paths(*db, paths, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find(broken.string()), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_EQ(dump(path), before);
  // The connection is usable again after the rollback.
  std::filesystem::path again[] = {fixtures() / "secdb" / "v3.19-community.yaml"};
  EXPECT_TRUE(import_paths(*db, again, {}));
}

TEST(Importer, NothingImportedIsAnError) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  write_secdb_checkout(tmp.path() / "secdb");
  // A null packages list alone: a valid feed with no records, and the only
  // path given, so the command imported nothing.
  std::filesystem::path empty[] = {tmp.path() / "secdb" / "v3.3" / "community.yaml"};
  auto r = import_paths(*db, empty, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("nothing was imported"), std::string::npos) << r.error().message;
  // Beside a file with records it imports as nothing, not as an error.
  std::filesystem::path both[] = {tmp.path() / "secdb" / "v3.3" / "main.yaml",
                                  tmp.path() / "secdb" / "v3.3" / "community.yaml"};
  auto ok = import_paths(*db, both, {});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*ok)[1].stats.records, 0);
  // The secdb folder forced to OSV: every file is skipped ("no id"), which is
  // an error naming the folder, and nothing of the earlier import changes.
  std::filesystem::path forced[] = {tmp.path() / "secdb", fixtures() / "kev" / "known_exploited_vulnerabilities.json"};
  ImportOptions opts;
  opts.kind = SourceKind::osv;
  auto bad = import_paths(*db, forced, opts);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find((tmp.path() / "secdb").string()), std::string::npos) << bad.error().message;
  EXPECT_EQ(db->status()->sources.size(), 2u);
  // A folder with no feed in it.
  std::filesystem::create_directories(tmp.path() / "empty");
  std::ofstream(tmp.path() / "empty" / "README.md") << "hi";
  std::filesystem::path nothing[] = {tmp.path() / "empty"};
  auto none = import_paths(*db, nothing, {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no feed files"), std::string::npos) << none.error().message;
}

}  // namespace
}  // namespace ig::vulndb

TEST(Secdb, VersionWithNoIdsIsEmptyNotSkipped) {
  // As the real v3.6/main.yaml lists heimdal 7.4.0-r0: a version key with nothing under it.
  int64_t skipped = 0;
  auto doc = ig::vulndb::parse_document(
      "distroversion: v3.6\nreponame: main\npackages:\n  - pkg:\n      name: heimdal\n      secfixes:\n"
      "        7.1.0-r1:\n          - CVE-2017-11103\n        7.4.0-r0:\n",
      "main.yaml");
  ASSERT_TRUE(doc) << doc.error().message;
  auto r = ig::vulndb::parse_secdb(*doc, "main.yaml", &skipped);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(skipped, 0);
  ASSERT_EQ(r->size(), 1u);
}
