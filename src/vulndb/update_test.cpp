// The feed list (feeds.h) and `db update`'s engine (update.h) with file://
// feeds: what it imports, that an unchanged feed is not imported again, that a
// failure leaves the database as it was, and that a reader that opened the
// database before the update keeps its consistent view.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "util/fs.h"
#include "vulndb/database.h"
#include "vulndb/feeds.h"
#include "vulndb/test_support.h"
#include "vulndb/update.h"

namespace ig::vulndb {
namespace {

namespace fs = std::filesystem;
using testing::fixtures;
using testing::TempDir;

TEST(FeedList, DefaultsParseWithUniqueNamesAndEveryKind) {
  auto list = parse_feed_list(default_feed_list_yaml(), "(built in)");
  ASSERT_TRUE(list) << list.error().message;
  std::set<std::string> names, kinds;
  for (const auto& f : list->feeds) {
    names.insert(f.name);
    kinds.insert(source_kind_name(f.kind));
  }
  EXPECT_EQ(names.size(), list->feeds.size());
  EXPECT_EQ(kinds, (std::set<std::string>{"osv", "secdb", "debian", "kev", "epss", "updateinfo"}));
  for (const auto& f : list->feeds) {
    if (f.name == "amazonlinux-2023") {
      EXPECT_EQ(f.release, "amazonlinux:2023");
      EXPECT_EQ(f.via, "mirrorlist");
      EXPECT_EQ(f.distro, "amazonlinux");
    }
  }
  EXPECT_TRUE(names.contains("amazonlinux-2"));
  EXPECT_FALSE(names.contains("nvd-2024"));  // opt-in: commented out
  EXPECT_TRUE(names.contains("alpine-v3.3-community"));
  EXPECT_TRUE(names.contains("alpine-edge-main"));
  EXPECT_FALSE(names.contains("alpine-v3.2-community"));  // the community repository starts at 3.3
}

TEST(FeedList, SelectionAndMirror) {
  auto list = parse_feed_list(default_feed_list_yaml(), "(built in)");
  ASSERT_TRUE(list);
  auto feeds = select_feeds(*list, {{"PyPI"}, {"debian"}, "https://mirror.example/feeds/"});
  ASSERT_TRUE(feeds) << feeds.error().message;
  std::vector<std::string> urls;
  for (const auto& f : *feeds) urls.push_back(f.name + " " + f.url);
  EXPECT_EQ(urls, (std::vector<std::string>{
                      "osv-pypi https://mirror.example/feeds/osv/PyPI/all.zip",
                      "debian-tracker https://mirror.example/feeds/debian/data/json",
                      "cisa-kev https://mirror.example/feeds/kev/known_exploited_vulnerabilities.json",
                      "epss https://mirror.example/feeds/epss/epss_scores-current.csv.gz"}));
  auto defaults = select_feeds(*list, {{"go"}, {"none"}, ""});
  ASSERT_TRUE(defaults);
  ASSERT_EQ(defaults->size(), 3u);
  EXPECT_EQ(defaults->front().url, "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip");

  auto unknown = select_feeds(*list, {{"cobol"}, {}, ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::usage);
  EXPECT_NE(unknown.error().message.find("pypi"), std::string::npos) << unknown.error().message;
}

TEST(FeedList, RejectsBadEntries) {
  const char* bad[] = {
      "feeds: []",
      "bases: {a: https://x}\nfeeds: []",
      "bases: {a: https://x}\nfeeds: [{name: f, kind: rss, base: a, path: p}]",
      "bases: {a: https://x}\nfeeds: [{name: f, kind: osv, base: b, path: p}]",
      "bases: {a: https://x}\nfeeds: [{name: f, kind: osv, base: a, path: ../etc}]",
      "bases: {a: https://x}\nfeeds: [{name: f, kind: osv, base: a, path: p}, {name: f, kind: osv, base: a, path: q}]",
      "bases: {a: https://x}\nfeeds: [{kind: osv, base: a, path: p}]",
  };
  for (const char* text : bad) {
    auto r = parse_feed_list(text, "feeds.yaml");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, ErrorCode::usage) << text;
    EXPECT_NE(r.error().message.find("feeds"), std::string::npos) << r.error().message;
  }
  auto mirrored = parse_feed_list("mirror: file:///m\nbases: {a: https://x}\nfeeds: [{name: f, kind: osv, base: a, "
                                  "path: p/all.zip}]",
                                  "feeds.yaml");
  ASSERT_TRUE(mirrored) << mirrored.error().message;
  auto sel = select_feeds(*mirrored, {});
  ASSERT_TRUE(sel);
  EXPECT_EQ(sel->at(0).url, "file:///m/a/p/all.zip");
}

// A mirror folder holding copies of the checked-in fixtures.
struct Mirror {
  TempDir dir;
  std::vector<Feed> feeds;
  void add(const std::string& name, SourceKind kind, const fs::path& from, const std::string& path) {
    fs::path to = dir.path() / "m" / path;
    fs::create_directories(to.parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    Feed f;
    f.name = name;
    f.kind = kind;
    f.base = "m";
    f.path = path;
    f.url = "file://" + to.string();
    feeds.push_back(f);
  }
  fs::path file(const std::string& path) const { return dir.path() / "m" / path; }
};

UpdateOptions options_for(const fs::path& db, const Mirror& m) {
  UpdateOptions o;
  o.database = db;
  o.feeds = m.feeds;
  o.retry_base = std::chrono::milliseconds(0);
  return o;
}

ino_t inode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(Update, ImportsFeedsThenSkipsUnchangedOnes) {
  TempDir tmp;
  Mirror m;
  m.add("osv-npm", SourceKind::osv, fixtures() / "osv" / "npm" / "GHSA-35jh-r3h4-6jhm.json", "npm/rec.json");
  m.add("alpine", SourceKind::secdb, fixtures() / "secdb" / "v3.18-main.json", "v3.18/main.json");
  m.add("kev", SourceKind::kev, fixtures() / "kev" / "known_exploited_vulnerabilities.json", "kev.json");
  fs::path db = tmp.path() / "sub" / "imagegate.db";
  std::vector<std::string> imported;
  auto o = options_for(db, m);
  o.events.imported = [&](const FeedOutcome& r, size_t, size_t) { imported.push_back(r.name); };
  auto r = update_database(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->replaced);
  EXPECT_EQ(imported, (std::vector<std::string>{"osv-npm", "alpine", "kev"}));
  EXPECT_EQ(r->feeds.at(1).stats.records, 8);
  {
    auto d = Database::open(db, Database::Mode::read);
    ASSERT_TRUE(d) << d.error().message;
    auto s = d->status();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->sources.size(), 3u);
    EXPECT_EQ(s->sources[0].name, "alpine");
    EXPECT_EQ(s->sources[0].location, m.feeds[1].url);
    EXPECT_GT(s->kev, 0);
    auto openssl = d->affected("apk", "alpine:3.18", "openssl");
    ASSERT_TRUE(openssl);
    EXPECT_EQ(openssl->size(), 3u);
  }
  // Nothing changed: no import, and the file is not even rewritten.
  ino_t before = inode(db);
  imported.clear();
  r = update_database(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->replaced);
  EXPECT_TRUE(imported.empty());
  EXPECT_EQ(inode(db), before);
  for (const auto& f : r->feeds) EXPECT_FALSE(f.modified) << f.name;

  // One feed changes: only it is imported again; the others' data stays.
  {
    std::ofstream out(m.file("kev.json"), std::ios::app);
    out << "\n";
  }
  r = update_database(o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->replaced);
  EXPECT_EQ(imported, std::vector<std::string>{"kev"});
  auto d = Database::open(db, Database::Mode::read);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->affected("apk", "alpine:3.18", "openssl")->size(), 3u);
  // No scratch folder or lock holder is left behind but the lock file itself.
  for (const auto& e : fs::directory_iterator(db.parent_path())) {
    EXPECT_TRUE(e.path().filename() == "imagegate.db" || e.path().filename() == "imagegate.db.update-lock")
        << e.path();
  }
}

std::string contents(const fs::path& p) {
  auto r = read_file(p, 1ull << 30);
  return r ? *r : std::string();
}

TEST(Update, FailureLeavesTheDatabaseAsItWas) {
  TempDir tmp;
  Mirror m;
  m.add("alpine", SourceKind::secdb, fixtures() / "secdb" / "v3.18-main.json", "v3.18/main.json");
  m.add("kev", SourceKind::kev, fixtures() / "kev" / "known_exploited_vulnerabilities.json", "kev.json");
  fs::path db = tmp.path() / "imagegate.db";
  auto o = options_for(db, m);
  ASSERT_TRUE(update_database(o));
  std::string before = contents(db);
  ASSERT_FALSE(before.empty());

  // alpine changes and imports fine; kev then does not parse: neither lands.
  {
    std::ofstream out(m.file("v3.18/main.json"), std::ios::app);
    out << "\n";
  }
  {
    std::ofstream out(m.file("kev.json"), std::ios::trunc);
    out << "{\"catalogVersion\": \"1\", \"vulnerabilities\": 42";
  }
  auto r = update_database(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("feed kev"), std::string::npos) << r.error().message;
  EXPECT_EQ(contents(db), before);

  // A missing file is not_found, naming the feed.
  fs::remove(m.file("kev.json"));
  r = update_database(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("feed kev"), std::string::npos) << r.error().message;
  EXPECT_EQ(contents(db), before);
}

TEST(Update, ReaderOpenedBeforeKeepsItsView) {
  TempDir tmp;
  Mirror m;
  m.add("alpine", SourceKind::secdb, fixtures() / "secdb" / "v3.18-main.json", "v3.18/main.json");
  fs::path db = tmp.path() / "imagegate.db";
  {
    // The previous database was written by `db import`: WAL mode, side files.
    auto w = Database::open(db, Database::Mode::write);
    ASSERT_TRUE(w);
    auto s = w->begin_import("old", "osv", "x");
    ASSERT_TRUE(s);
    Advisory a;
    a.vuln.id = "OLD-1";
    a.affected.push_back({});
    a.affected[0].ecosystem = "apk";
    a.affected[0].distro_release = "alpine:3.18";
    a.affected[0].package = "openssl";
    a.affected[0].version_type = "ECOSYSTEM";
    ASSERT_TRUE(s->add(a));
    ASSERT_TRUE(s->commit());
  }
  auto reader = Database::open(db, Database::Mode::read);
  ASSERT_TRUE(reader);
  ASSERT_EQ(reader->affected("apk", "alpine:3.18", "openssl")->size(), 1u);

  auto r = update_database(options_for(db, m));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->replaced);

  // The old reader: the old file, whole (1 record), without errors.
  auto old_view = reader->affected("apk", "alpine:3.18", "openssl");
  ASSERT_TRUE(old_view) << old_view.error().message;
  EXPECT_EQ(old_view->size(), 1u);
  // A new reader: the new file, the old source kept and the new one added.
  auto fresh = Database::open(db, Database::Mode::read);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->affected("apk", "alpine:3.18", "openssl")->size(), 4u);
  // And it can be written to again by `db import`.
  auto w = Database::open(db, Database::Mode::write);
  ASSERT_TRUE(w) << w.error().message;
  auto s = w->begin_import("later", "osv", "y");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE(s->commit());
}

}  // namespace
}  // namespace ig::vulndb
