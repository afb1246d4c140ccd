// Batched lookups (Database::for_each_affected and affected_batch) against
// what was imported, and against one affected() call per name.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "vulndb/database.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::TempDir;
using K = RangeEvent::Kind;

// Every field of a record, so two records compare equal only when they are.
std::string dump(const AffectedRecord& r) {
  std::string s = r.vuln_id + "|" + r.ecosystem + "|" + r.distro_release + "|" + r.package + "|" + r.version_type +
                  "|" + fix_status_name(r.status) + "|" + r.severity + "|" + r.source_ecosystem + "|ranges:";
  for (const auto& range : r.ranges) {
    s += "{" + range.type;
    for (const auto& e : range.events) s += "," + std::to_string(static_cast<int>(e.kind)) + "=" + e.version;
    s += "}";
  }
  s += "|versions:";
  for (const auto& v : r.versions) s += v + ",";
  s += "|fixed:";
  for (const auto& v : r.fixed_versions) s += v + ",";
  return s;
}

std::vector<std::string> dump(const std::vector<AffectedRecord>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(dump(r));
  return out;
}

AffectedRecord record(std::string package, std::string release = "debian:12", std::string ecosystem = "deb") {
  AffectedRecord r;
  r.ecosystem = std::move(ecosystem);
  r.distro_release = std::move(release);
  r.package = std::move(package);
  r.version_type = r.ecosystem;
  r.source_ecosystem = "Debian:12";
  return r;
}

// A database whose records differ in every decoded field and in size (two
// ranges, several events, lists, none), so buffers reused from a bigger
// record to a smaller one would show stale data.
class BatchLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::open(tmp_.path() / "db.sqlite", Database::Mode::write);
    ASSERT_TRUE(db) << db.error().message;
    db_.emplace(std::move(*db));
    auto s = db_->begin_import("test", "osv", "memory");
    ASSERT_TRUE(s);
    int n = 0;
    auto add = [&](AffectedRecord r) {
      Advisory a;
      a.vuln.id = "CVE-2024-" + std::to_string(1000 + (n * 7919) % 1000);  // ids not in insertion order
      ++n;
      r.vuln_id = a.vuln.id;
      a.affected.push_back(r);
      expected_[{r.distro_release, r.package}].push_back(r);
      ASSERT_TRUE(s->add(a));
    };
    auto big = record("openssl");
    big.ranges = {{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "3.0.11-1~deb12u1-very-long-version-string"}}},
                  {"SEMVER", {{K::introduced, "1.0.0"}, {K::last_affected, "1.5"}, {K::limit, "2"}}}};
    big.versions = {"1.0.1", "1.0.2-long-enough-to-leave-the-small-string-buffer"};
    big.fixed_versions = {"3.0.11-1~deb12u1-very-long-version-string"};
    big.status = FixStatus::fixed;
    big.severity = "high";
    add(big);
    auto open = record("openssl");
    open.status = FixStatus::affected;
    add(open);
    auto quoted = record("zlib");
    quoted.ranges = {{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "1:1.2\"13\\x"}}}};  // JSON escapes
    quoted.fixed_versions = {"1:1.2\"13\\x"};
    quoted.status = FixStatus::fixed;
    add(quoted);
    for (const char* name : {"Zlib", "\xc3\xbc" "nicode", "a", "zz", "~tilde", "pkg-b", "pkg-a"}) {
      auto r = record(name);
      r.ranges = {{"ECOSYSTEM", {{K::introduced, "0"}}}};
      r.status = FixStatus::will_not_fix;
      add(r);
    }
    add(record("openssl", "debian:11"));  // another release must not leak in
    auto other = record("openssl", "", "npm");
    add(other);
    ASSERT_TRUE(s->commit());
  }

  std::vector<std::string> expected(const std::string& package, const std::string& release = "debian:12") {
    auto it = expected_.find({release, package});
    if (it == expected_.end()) return {};
    auto recs = it->second;
    std::stable_sort(recs.begin(), recs.end(),
                     [](const AffectedRecord& a, const AffectedRecord& b) { return a.vuln_id < b.vuln_id; });
    return dump(recs);
  }

  TempDir tmp_;
  std::optional<Database> db_;
  std::map<std::pair<std::string, std::string>, std::vector<AffectedRecord>> expected_;
};

TEST_F(BatchLookup, MatchesWhatWasImportedAndPerNameLookups) {
  std::vector<std::string> names = {"zz",   "openssl", "absent", "Zlib",          "zlib", "\xc3\xbc" "nicode",
                                    "",     "openssl", "pkg-a",  "~tilde",        "a",    "OPENSSL",
                                    "pkg-b", "zlib",   "pkg-a",  "\xc3\xbc" "nic"};
  for (int round = 0; round < 2; ++round) {  // the second round reuses the buffers
    auto batch = db_->affected_batch("deb", "debian:12", names);
    ASSERT_TRUE(batch) << batch.error().message;
    ASSERT_EQ(batch->size(), names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_EQ(dump((*batch)[i]), expected(names[i])) << "name #" << i << " '" << names[i] << "'";
      auto one = db_->affected("deb", "debian:12", names[i]);
      ASSERT_TRUE(one);
      EXPECT_EQ(dump(*one), dump((*batch)[i])) << names[i];
    }
    EXPECT_EQ((*batch)[1].size(), 2u);
    EXPECT_TRUE((*batch)[2].empty());
    EXPECT_TRUE((*batch)[11].empty());  // names are matched exactly: normalising is the caller's job
  }
  // A small record after the big one in the same buffer slot.
  auto small = db_->affected_batch("deb", "debian:11", std::vector<std::string>{"openssl"});
  ASSERT_TRUE(small);
  ASSERT_EQ(small->size(), 1u);
  EXPECT_EQ(dump((*small)[0]), expected("openssl", "debian:11"));
  auto npm = db_->affected("npm", "", "openssl");
  ASSERT_TRUE(npm);
  EXPECT_EQ(dump(*npm), expected("openssl", ""));
}

TEST_F(BatchLookup, EmptyInputGivesNothing) {
  auto batch = db_->affected_batch("deb", "debian:12", {});
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->empty());
  int calls = 0;
  auto r = db_->for_each_affected("deb", "debian:12", {}, [&](size_t, std::span<const AffectedRecord>) {
    ++calls;
    return Result<void>{};
  });
  EXPECT_TRUE(r);
  EXPECT_EQ(calls, 0);
  auto none = db_->affected_batch("deb", "debian:99", std::vector<std::string>{"openssl", "zlib"});
  ASSERT_TRUE(none);
  ASSERT_EQ(none->size(), 2u);
  EXPECT_TRUE((*none)[0].empty() && (*none)[1].empty());
}

TEST_F(BatchLookup, VisitsInByteOrderThenPositionSkippingUnknownNames) {
  std::vector<std::string> names = {"zlib", "absent", "Zlib", "openssl", "zlib", "\xc3\xbc" "nicode", "a"};
  std::vector<std::pair<size_t, size_t>> visits;  // (index, records)
  auto r = db_->for_each_affected("deb", "debian:12", names, [&](size_t i, std::span<const AffectedRecord> recs) {
    visits.emplace_back(i, recs.size());
    for (const auto& rec : recs) EXPECT_EQ(rec.package, names[i]);
    return Result<void>{};
  });
  ASSERT_TRUE(r) << r.error().message;
  // Bytes: "Zlib" < "a" < "openssl" < "zlib" < "\xc3\xbc..." (UTF-8 sorts after ASCII).
  std::vector<std::pair<size_t, size_t>> want = {{2, 1}, {6, 1}, {3, 2}, {0, 1}, {4, 1}, {5, 1}};
  EXPECT_EQ(visits, want);
}

TEST_F(BatchLookup, AVisitorErrorStopsTheWalkAndTheDatabaseStaysUsable) {
  std::vector<std::string> names = {"a", "openssl", "zlib"};
  int calls = 0;
  auto r = db_->for_each_affected("deb", "debian:12", names, [&](size_t, std::span<const AffectedRecord>) {
    ++calls;
    return calls == 2 ? Result<void>(fail(ErrorCode::io, "stop here")) : Result<void>{};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "stop here");
  EXPECT_EQ(calls, 2);
  auto again = db_->affected("deb", "debian:12", "zlib");
  ASSERT_TRUE(again);
  EXPECT_EQ(dump(*again), expected("zlib"));
}

TEST_F(BatchLookup, RefusesLookupsFromInsideTheVisitor) {
  std::vector<std::string> names = {"openssl"};
  Result<std::vector<AffectedRecord>> inner;
  auto r = db_->for_each_affected("deb", "debian:12", names, [&](size_t, std::span<const AffectedRecord>) {
    inner = db_->affected("deb", "debian:12", "zlib");
    return Result<void>{};
  });
  ASSERT_TRUE(r);
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, ErrorCode::internal);
  EXPECT_EQ(db_->affected("deb", "debian:12", "zlib")->size(), 1u);  // and the guard is lifted afterwards
}

TEST(Database, BatchedDetailsAndEnrichmentMatchSingleLookups) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db.sqlite", Database::Mode::write);
  ASSERT_TRUE(db) << db.error().message;
  {
    auto s = db->begin_import("osv", "osv", "memory");
    ASSERT_TRUE(s);
    for (const char* id : {"CVE-2024-2", "GHSA-aaaa", "CVE-2024-1"}) {
      Advisory a;
      a.vuln.id = id;
      a.vuln.summary = std::string("about ") + id;
      a.vuln.aliases = {"ALIAS-2", "ALIAS-1"};
      // Stored out of order: details list them by type descending, then source.
      a.vuln.severities = {{"osv", "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "Critical"},
                           {"debian", "label", "high", std::nullopt, "High"},
                           {"nvd", "CVSS_V3", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.4, "High"},
                           {"osv", "CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "High"}};
      a.vuln.references = {{"https://example.org/" + std::string(id), "WEB"}};
      ASSERT_TRUE(s->add(a));
    }
    ASSERT_TRUE(s->commit());
    auto k = db->begin_import("kev", "kev", "memory");
    ASSERT_TRUE(k);
    ASSERT_TRUE(k->add_kev({"CVE-2024-1", "vendor", "product", "name", "2024-01-01", "2024-02-01", "patch", "Known"}));
    ASSERT_TRUE(k->commit());
    auto e = db->begin_import("epss", "epss", "memory");
    ASSERT_TRUE(e);
    ASSERT_TRUE(e->add_epss({"CVE-2024-2", 0.5, 0.9}));
    ASSERT_TRUE(e->commit());
  }
  std::vector<std::string> ids = {"GHSA-aaaa", "CVE-2024-1", "unknown", "CVE-2024-2", "CVE-2024-1"};
  auto many = db->vulnerabilities(ids);
  ASSERT_TRUE(many) << many.error().message;
  ASSERT_EQ(many->size(), ids.size());
  EXPECT_FALSE((*many)[2]);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto one = db->vulnerability(ids[i]);
    ASSERT_TRUE(one);
    ASSERT_EQ(one->has_value(), (*many)[i].has_value()) << ids[i];
    if (!*one) continue;
    const auto &a = **one, &b = *(*many)[i];
    EXPECT_EQ(b.id, ids[i]);
    EXPECT_EQ(a.summary, b.summary);
    EXPECT_EQ(a.aliases, b.aliases);
    EXPECT_EQ(a.aliases, (std::vector<std::string>{"ALIAS-1", "ALIAS-2"}));
    ASSERT_EQ(a.severities.size(), 4u);
    ASSERT_EQ(b.severities.size(), 4u);
    std::vector<std::string> order;
    for (size_t j = 0; j < 4; ++j) {
      EXPECT_EQ(a.severities[j].vector, b.severities[j].vector);
      order.push_back(a.severities[j].type + "/" + a.severities[j].source);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"label/debian", "CVSS_V3/nvd", "CVSS_V3/osv", "CVSS_V2/osv"}));
    EXPECT_EQ(a.references.size(), 1u);
    EXPECT_TRUE(b.references.empty());  // the batch leaves references out
  }
  std::vector<std::string> cves = {"CVE-2024-2", "CVE-2024-1", "CVE-2000-0", "CVE-2024-2"};
  auto enrich = db->enrichments(cves);
  ASSERT_TRUE(enrich);
  ASSERT_EQ(enrich->size(), cves.size());
  for (size_t i = 0; i < cves.size(); ++i) {
    auto one = db->enrichment(cves[i]);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->kev.has_value(), (*enrich)[i].kev.has_value()) << cves[i];
    EXPECT_EQ(one->epss.has_value(), (*enrich)[i].epss.has_value()) << cves[i];
  }
  EXPECT_TRUE((*enrich)[1].kev && !(*enrich)[1].epss);
  EXPECT_TRUE((*enrich)[3].epss && (*enrich)[3].epss->percentile == 0.9);
  EXPECT_FALSE((*enrich)[2].kev || (*enrich)[2].epss);
  auto none = db->vulnerabilities({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Model, RangesDecodedIntoAReusedVectorMatchAFreshDecode) {
  std::vector<std::string> texts = {
      ranges_to_json({{"ECOSYSTEM", {{K::introduced, "0"}, {K::fixed, "2.0-long-version-string-here"}}},
                      {"SEMVER", {{K::introduced, "1"}, {K::last_affected, "1.5"}, {K::limit, "3"}}}}),
      ranges_to_json({{"SEMVER", {{K::introduced, "1.0.0"}}}}), "[]",
      R"([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1\"2"}]}])",  // slow path
      R"([{"type":"ECOSYSTEM"}])", "not json", ranges_to_json({{"ECOSYSTEM", {{K::fixed, "9"}}}})};
  std::vector<VersionRange> reused;
  for (const auto& text : texts) {
    ranges_from_json(text, reused);
    auto fresh = ranges_from_json(text);
    ASSERT_EQ(reused.size(), fresh.size()) << text;
    for (size_t i = 0; i < fresh.size(); ++i) {
      EXPECT_EQ(reused[i].type, fresh[i].type) << text;
      ASSERT_EQ(reused[i].events.size(), fresh[i].events.size()) << text;
      for (size_t j = 0; j < fresh[i].events.size(); ++j) {
        EXPECT_EQ(reused[i].events[j].kind, fresh[i].events[j].kind) << text;
        EXPECT_EQ(reused[i].events[j].version, fresh[i].events[j].version) << text;
      }
    }
  }
  EXPECT_EQ(ranges_from_json(texts[3]).at(0).events.at(1).version, "1\"2");
  EXPECT_TRUE(ranges_from_json(texts[4]).at(0).events.empty());
}

}  // namespace
}  // namespace ig::vulndb
