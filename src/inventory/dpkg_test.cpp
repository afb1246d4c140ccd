#include "inventory/dpkg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "inventory/os_test_util.h"
#include "util/fs.h"

namespace ig::inventory {
namespace {

using testing::run;

// The host is Debian: its own dpkg database is real input, and dpkg-query
// tells us what a correct parser must return.
TEST(DpkgStatus, MatchesDpkgQueryOnThisMachine) {
  auto text = read_file("/var/lib/dpkg/status");
  if (!text) GTEST_SKIP() << "no dpkg database on this machine";
  auto pkgs = parse_dpkg_status(*text);
  std::string q = run(
      "dpkg-query -W -f='${db:Status-Abbrev}|${Package}|${Version}|${Architecture}|${source:Package}|"
      "${source:Version}\\n'");
  std::multiset<std::string> want;
  std::istringstream in(q);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 4 && line[1] == 'i') want.insert(line.substr(line.find('|') + 1));
  }
  ASSERT_GT(want.size(), 50u);
  std::multiset<std::string> got;
  for (const auto& p : pkgs) {
    got.insert(p.name + "|" + p.version + "|" + p.arch + "|" + p.source_name + "|" + p.source_version);
    EXPECT_EQ(p.ecosystem, "deb");
  }
  EXPECT_EQ(got.size(), want.size());
  EXPECT_EQ(got, want);
  auto dpkg = std::find_if(pkgs.begin(), pkgs.end(), [](const Package& p) { return p.name == "dpkg"; });
  ASSERT_NE(dpkg, pkgs.end());
  EXPECT_EQ(dpkg->installed_size,
            std::stoull(run("dpkg-query -W -f='${Installed-Size}' dpkg")) * 1024);
  EXPECT_EQ(dpkg->maintainer, run("dpkg-query -W -f='${Maintainer}' dpkg"));
}

TEST(DpkgFileList, MatchesDpkgQueryListing) {
  auto text = read_file("/var/lib/dpkg/info/dpkg.list");
  if (!text) GTEST_SKIP() << "no dpkg database on this machine";
  auto files = parse_dpkg_file_list(*text);
  std::set<std::string> got(files.begin(), files.end());
  std::set<std::string> want;
  std::istringstream in(run("dpkg-query -L dpkg"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line == "/." || line.find(' ') != std::string::npos) continue;  // skip "diverted by"
    want.insert(line.substr(1));
  }
  ASSERT_GT(want.size(), 20u);
  EXPECT_EQ(got, want);
  EXPECT_TRUE(got.count("usr/bin/dpkg"));
}

TEST(DpkgStatus, SourceFieldsStatusFilterAndContinuations) {
  auto pkgs = parse_dpkg_status(
      "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
      "Version: 3.0.11-1~deb12u2\nInstalled-Size: 6016\nDescription: x\n multi\n .\n line\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
      "package: libgcc-s1\nstatus: hold ok installed\nsource: gcc-12 (12.2.0-14)\nversion: 12.2.0-14\n\n\n"
      "Package: noversion\nStatus: install ok installed\n\n"
      "Package: last\nStatus: install ok installed\nVersion: 2\r\n");
  ASSERT_EQ(pkgs.size(), 3u);
  EXPECT_EQ(pkgs[0].source_name, "openssl");
  EXPECT_EQ(pkgs[0].source_version, "3.0.11-1~deb12u2");
  EXPECT_EQ(pkgs[0].installed_size, 6016u * 1024);
  EXPECT_EQ(pkgs[1].name, "libgcc-s1");
  EXPECT_EQ(pkgs[1].source_name, "gcc-12");
  EXPECT_EQ(pkgs[1].source_version, "12.2.0-14");
  EXPECT_EQ(pkgs[2].name, "last");
  EXPECT_EQ(pkgs[2].version, "2");
  EXPECT_EQ(pkgs[2].source_name, "last");
}

TEST(DpkgStatus, DistrolessStanzaWithoutStatusCountsOnlyInStatusD) {
  std::string stanza = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n";
  EXPECT_EQ(parse_dpkg_status(stanza, false).size(), 1u);
  EXPECT_TRUE(parse_dpkg_status(stanza, true).empty());
}

TEST(DpkgAnalyzers, DispatchByPath) {
  auto status = make_dpkg_analyzer();
  image::FileMeta meta;
  meta.path = "var/lib/dpkg/status.d/base-files.md5sums";
  testing::StringReader sums("d41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n"
                             "0123456789abcdef0123456789abcdef  usr/share/doc/base-files/README\n");
  auto j = status->analyze(meta, sums);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["package"], "base-files");
  EXPECT_EQ((*j)["files"], nlohmann::json({"etc/debian_version", "usr/share/doc/base-files/README"}));

  auto lists = make_dpkg_files_analyzer();
  meta.path = "var/lib/dpkg/info/libssl3:amd64.list";
  testing::StringReader list("/.\n/usr\n/usr/lib/x86_64-linux-gnu/libssl.so.3\n");
  j = lists->analyze(meta, list);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["package"], "libssl3");
  EXPECT_EQ((*j)["arch"], "amd64");
  EXPECT_EQ((*j)["files"], nlohmann::json({"usr", "usr/lib/x86_64-linux-gnu/libssl.so.3"}));
}

}  // namespace
}  // namespace ig::inventory
