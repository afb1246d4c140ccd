// rpm-md updateinfo.xml: parsing, the release a file belongs to, and imports.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "util/fs.h"
#include "vulndb/import_updateinfo.h"
#include "vulndb/importer.h"
#include "vulndb/test_support.h"

namespace ig::vulndb {
namespace {

using testing::TempDir;

std::filesystem::path updateinfo_fixtures() {
  return std::filesystem::path(IG_SOURCE_DIR) / "tests" / "fixtures" / "updateinfo";
}

TEST(Updateinfo, ParsesUpdatesIntoPerCveRecords) {
  auto xml = read_file(updateinfo_fixtures() / "al2023-updateinfo.xml", 1 << 20);
  ASSERT_TRUE(xml);
  int64_t skipped = 0;
  auto doc = parse_updateinfo(*xml, "al2023", &skipped);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(skipped, 1);  // ALAS2023-2024-999 lists no packages
  EXPECT_EQ(doc->update_ids, (std::vector<std::string>{"ALAS2023-2024-470", "ALAS2023-2024-500", "ALAS2023-2023-100",
                                                        "ALAS2023-2024-999"}));
  ASSERT_EQ(doc->advisories.size(), 4u);  // two curl CVEs, openssl, bash
  const auto& curl = doc->advisories[0];
  EXPECT_EQ(curl.vuln.id, "CVE-2023-46218");
  EXPECT_EQ(curl.vuln.aliases, std::vector<std::string>{"ALAS2023-2024-470"});
  EXPECT_TRUE(curl.vuln.summary.empty());  // a CVE's text comes from the feeds about it
  EXPECT_EQ(curl.vuln.primary_url, "https://www.cve.org/CVERecord?id=CVE-2023-46218");
  // One record per binary package (the src rpm and the second arch add none).
  ASSERT_EQ(curl.affected.size(), 2u);
  EXPECT_EQ(curl.affected[0].package, "curl");
  EXPECT_EQ(curl.affected[1].package, "libcurl");
  EXPECT_EQ(curl.affected[1].fixed_versions, std::vector<std::string>{"8.5.0-1.amzn2023.0.2"});
  EXPECT_EQ(curl.affected[1].ecosystem, "rpm");
  EXPECT_EQ(curl.affected[1].version_type, "rpm");
  EXPECT_EQ(curl.affected[1].severity, "Medium");
  EXPECT_EQ(curl.affected[1].status, FixStatus::fixed);
  EXPECT_EQ(doc->advisories[1].vuln.id, "CVE-2023-46219");
  EXPECT_EQ(doc->advisories[2].affected.at(0).fixed_versions.at(0), "1:3.0.8-1.amzn2023.0.10");
  EXPECT_EQ(updateinfo_distro_from_ids(doc->update_ids), "amazonlinux:2023");
}

TEST(Updateinfo, AnUpdateWithoutCvesStandsForItself) {
  auto xml = read_file(updateinfo_fixtures() / "al2-updateinfo.xml", 1 << 20);
  ASSERT_TRUE(xml);
  int64_t skipped = 0;
  auto doc = parse_updateinfo(*xml, "al2", &skipped);
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ(doc->advisories.size(), 2u);
  const auto& kernel = doc->advisories[1];
  EXPECT_EQ(kernel.vuln.id, "ALAS2KERNEL-5.10-2024-045");
  EXPECT_EQ(kernel.vuln.published, "2024-02-02T00:00:00Z");
  EXPECT_EQ(kernel.vuln.modified, "2024-02-02T00:00:00Z");
  EXPECT_NE(kernel.vuln.summary.find("extras advisory"), std::string::npos);
  EXPECT_EQ(updateinfo_distro_from_ids(doc->update_ids), "amazonlinux:2");
}

TEST(Updateinfo, TellsReleasesApart) {
  EXPECT_FALSE(updateinfo_distro_from_ids({"ALAS2023-2024-1", "ALAS2-2024-2"}).has_value());
  EXPECT_FALSE(updateinfo_distro_from_ids({"ALAS-2018-1"}).has_value());  // Amazon Linux 1
  EXPECT_FALSE(updateinfo_distro_from_ids({"ELSA-2024-1"}).has_value());
  EXPECT_EQ(*parse_updateinfo_distro("amazonlinux:2023"), "amazonlinux:2023");
  EXPECT_EQ(*parse_updateinfo_distro("oracle:9"), "oracle:9");
  for (const char* bad : {"amazonlinux", "AL:2", "amazonlinux:two", ":2", "amazonlinux:"}) {
    auto r = parse_updateinfo_distro(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
  }
}

TEST(Updateinfo, RefusesMalformedAndHostileXml) {
  int64_t skipped = 0;
  auto bad = parse_updateinfo("<updates>\n<update>\n<id>x</id>\n</updates>\n", "bad.xml", &skipped);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_image);
  EXPECT_NE(bad.error().message.find("bad.xml"), std::string::npos);
  EXPECT_NE(bad.error().message.find("line 4"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_updateinfo("<repomd/>", "x", &skipped));
  EXPECT_FALSE(parse_updateinfo("", "x", &skipped));
  // Entities are where expansion bombs and external reads live: refused.
  auto laughs = parse_updateinfo(
      "<?xml version=\"1.0\"?><!DOCTYPE updates [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
      "<updates><update><id>&b;</id></update></updates>",
      "bomb.xml", &skipped);
  ASSERT_FALSE(laughs);
  EXPECT_NE(laughs.error().message.find("DOCTYPE"), std::string::npos) << laughs.error().message;
  std::string deep = "<updates>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_FALSE(parse_updateinfo(deep, "deep", &skipped));
}

TEST(Updateinfo, ImportsGzippedForOneReleaseOnly) {
  TempDir tmp;
  auto db = Database::open(tmp.path() / "db", Database::Mode::write);
  ASSERT_TRUE(db);
  auto gz = tmp.path() / "updateinfo.xml.gz";
  ASSERT_EQ(std::system(("gzip -c '" + (updateinfo_fixtures() / "al2023-updateinfo.xml").string() + "' > '" +
                         gz.string() + "'")
                            .c_str()),
            0);
  EXPECT_EQ(*detect_file_kind(gz), SourceKind::updateinfo);
  std::filesystem::path paths[] = {gz, updateinfo_fixtures() / "al2-updateinfo.xml"};
  auto r = import_paths(*db, paths, {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].kind, SourceKind::updateinfo);
  EXPECT_EQ((*r)[0].stats.records, 4);
  EXPECT_EQ((*r)[0].stats.skipped, 1);
  auto al2023 = db->affected("rpm", "amazonlinux:2023", "curl");
  ASSERT_TRUE(al2023);
  ASSERT_EQ(al2023->size(), 2u);
  EXPECT_EQ((*al2023)[0].fixed_versions.at(0), "8.5.0-1.amzn2023.0.2");
  auto al2 = db->affected("rpm", "amazonlinux:2", "curl");
  ASSERT_EQ(al2->size(), 1u);
  EXPECT_EQ((*al2)[0].fixed_versions.at(0), "8.3.0-1.amzn2.0.5");
  EXPECT_TRUE(db->affected("rpm", "amazonlinux:2", "bash")->empty());
  auto v = db->vulnerability("CVE-2023-46218");
  ASSERT_TRUE(v && *v);
  EXPECT_EQ((*v)->aliases.size(), 2u);  // both releases' ALAS ids

  // An explicit --distro wins over the ids; a file whose ids do not say
  // which release it is needs one.
  ImportOptions opts;
  opts.distro = "oracle:9";
  std::filesystem::path one[] = {updateinfo_fixtures() / "al2-updateinfo.xml"};
  ASSERT_TRUE(import_paths(*db, one, opts));
  EXPECT_EQ(db->affected("rpm", "oracle:9", "curl")->size(), 1u);
  auto elsa = tmp.path() / "elsa.xml";
  std::ofstream(elsa) << "<?xml version=\"1.0\"?>\n<updates><update><id>ELSA-2024-1</id><pkglist><collection>"
                         "<package name=\"curl\" version=\"7.76.1\" release=\"26.el9\" epoch=\"0\" arch=\"x86_64\"/>"
                         "</collection></pkglist></update></updates>\n";
  std::filesystem::path unsaid[] = {elsa};
  auto need = import_paths(*db, unsaid, {});
  ASSERT_FALSE(need);
  EXPECT_EQ(need.error().code, ErrorCode::usage);
  EXPECT_NE(need.error().message.find("--distro"), std::string::npos) << need.error().message;
}

TEST(Updateinfo, FindsTheUpdateinfoThroughMirrorListAndRepomd) {
  EXPECT_EQ(mirror_list_first_url("# comment\n\n  https://cdn.example/al2023/core/guids/abc/x86_64/ \nhttp://b/\n"),
            "https://cdn.example/al2023/core/guids/abc/x86_64");
  EXPECT_EQ(mirror_list_first_url("no urls\n"), "");
  const char* repomd = R"(<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1</revision>
  <data type="primary"><location href="repodata/aa-primary.xml.gz"/></data>
  <data type="updateinfo"><checksum type="sha256">bb</checksum><location href="repodata/bb-updateinfo.xml.gz"/></data>
</repomd>)";
  auto href = repomd_location(repomd, "updateinfo", "repomd.xml");
  ASSERT_TRUE(href) << href.error().message;
  EXPECT_EQ(*href, "repodata/bb-updateinfo.xml.gz");
  auto none = repomd_location(repomd, "modules", "repomd.xml");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::not_found);
  auto out = repomd_location(R"(<repomd><data type="updateinfo"><location href="../../etc/x"/></data></repomd>)",
                             "updateinfo", "r");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("leaves the repository"), std::string::npos);
  auto dtd = repomd_location("<!DOCTYPE r [<!ENTITY a \"b\">]><repomd/>", "updateinfo", "r");
  ASSERT_FALSE(dtd);
  EXPECT_EQ(dtd.error().code, ErrorCode::invalid_image);
}

}  // namespace
}  // namespace ig::vulndb
