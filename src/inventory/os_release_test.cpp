#include "inventory/os_release.h"

#include <gtest/gtest.h>

#include "inventory/analyzers.h"
#include "inventory/os_test_util.h"
#include "util/fs.h"

namespace ig::inventory {
namespace {

TEST(OsRelease, ParsesThisMachinesOsRelease) {
  auto text = read_file("/etc/os-release");
  ASSERT_TRUE(text) << text.error().message;
  OsInfo os = os_from_os_release(*text);
  auto fields = parse_os_release_fields(*text);
  EXPECT_EQ(os.id, fields["ID"]);
  EXPECT_FALSE(os.id.empty());
  EXPECT_EQ(os.version_id, fields["VERSION_ID"]);
  EXPECT_EQ(os.pretty_name, fields["PRETTY_NAME"]);
  EXPECT_FALSE(os.distroless);
}

TEST(OsRelease, UnquotesAndSkipsJunk) {
  auto f = parse_os_release_fields(
      "# comment\nID=\"rhel\"\nVERSION_ID='9.2'\nPRETTY_NAME=\"Red Hat \\\"Enterprise\\\" Linux\"\n"
      "garbage line\n=novalue\nID_LIKE=\"fedora\"\r\n");
  EXPECT_EQ(f["ID"], "rhel");
  EXPECT_EQ(f["VERSION_ID"], "9.2");
  EXPECT_EQ(f["PRETTY_NAME"], "Red Hat \"Enterprise\" Linux");
  EXPECT_EQ(f["ID_LIKE"], "fedora");
  EXPECT_EQ(f.size(), 4u);
}

TEST(OsRelease, AmazonLinux2And2023) {
  auto al2 = os_from_os_release(
      "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\n"
      "PRETTY_NAME=\"Amazon Linux 2\"\n");
  EXPECT_EQ(al2.id, "amzn");
  EXPECT_EQ(al2.version_id, "2");
  auto al2023 = os_from_os_release(
      "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n"
      "PLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023.3.20240108\"\n");
  EXPECT_EQ(al2023.id, "amzn");
  EXPECT_EQ(al2023.version_id, "2023");
}

TEST(OsRelease, DistrolessPrettyName) {
  OsInfo os = os_from_os_release(
      "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\n");
  EXPECT_TRUE(os.distroless);
  EXPECT_EQ(os.id, "debian");
  EXPECT_EQ(os.version_id, "12");
}

TEST(OsRelease, DistributionReleaseFiles) {
  EXPECT_EQ(os_from_alpine_release("3.18.4\n").version_id, "3.18.4");
  EXPECT_EQ(os_from_alpine_release("3.18.4\n").id, "alpine");
  EXPECT_FALSE(os_from_alpine_release("junk\n").known());
  auto deb = os_from_debian_version("12.4\n");
  EXPECT_EQ(deb.id, "debian");
  EXPECT_EQ(deb.version_id, "12");
  EXPECT_EQ(os_from_debian_version("trixie/sid\n").codename, "trixie/sid");
  auto rh = os_from_redhat_release("Red Hat Enterprise Linux release 9.2 (Plow)\n");
  EXPECT_EQ(rh.id, "rhel");
  EXPECT_EQ(rh.version_id, "9.2");
  EXPECT_EQ(os_from_redhat_release("CentOS Linux release 7.9.2009 (Core)").id, "centos");
  EXPECT_EQ(os_from_redhat_release("Rocky Linux release 9.3 (Blue Onyx)").version_id, "9.3");
  EXPECT_FALSE(os_from_redhat_release("Some Unknown OS release 1.0").known());
}

image::FileResult result(std::string path, const OsInfo& os) {
  image::FileResult r;
  r.path = std::move(path);
  r.result = {{"os", os}};
  return r;
}

TEST(DetectOs, FollowsTheOsReleaseSymlinkAndPrefersItOverOthers) {
  image::ImageAnalysis a;
  a.symlinks["etc/os-release"] = "../usr/lib/os-release";
  auto& rs = a.results[std::string(k_os_release_analyzer)];
  rs.push_back(result("etc/debian_version", os_from_debian_version("12.4")));
  rs.push_back(result("usr/lib/os-release", os_from_os_release("ID=ubuntu\nVERSION_ID=\"22.04\"\n")));
  OsInfo os = detect_os(a);
  EXPECT_EQ(os.id, "ubuntu");
  EXPECT_EQ(os.version_id, "22.04");
}

TEST(DetectOs, FallsBackToReleaseFilesAndReportsUnknownOtherwise) {
  image::ImageAnalysis a;
  a.results[std::string(k_os_release_analyzer)].push_back(
      result("etc/alpine-release", os_from_alpine_release("3.19.0")));
  EXPECT_EQ(detect_os(a).id, "alpine");
  image::ImageAnalysis none;
  EXPECT_FALSE(detect_os(none).known());
  EXPECT_FALSE(detect_os(none).distroless);
}

TEST(DetectOs, StatusDWithoutOsReleaseIsDistrolessButUnknown) {
  image::ImageAnalysis a;
  image::FileResult r;
  r.path = "var/lib/dpkg/status.d/base-files";
  r.result = {{"packages", nlohmann::json::array()}};
  a.results[std::string(k_dpkg_analyzer)].push_back(r);
  OsInfo os = detect_os(a);
  EXPECT_TRUE(os.distroless);
  EXPECT_FALSE(os.known());
}

TEST(OsReleaseAnalyzer, ParsesByPath) {
  auto an = make_os_release_analyzer();
  image::FileMeta meta;
  meta.path = "etc/redhat-release";
  testing::StringReader in("AlmaLinux release 9.3 (Shamrock Pampas Cat)\n");
  auto j = an->analyze(meta, in);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["os"]["id"], "almalinux");
  EXPECT_EQ((*j)["os"]["version_id"], "9.3");
}

}  // namespace
}  // namespace ig::inventory
