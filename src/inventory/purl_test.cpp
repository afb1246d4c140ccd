#include "inventory/purl.h"

#include <gtest/gtest.h>

namespace ig::inventory {
namespace {

Package pkg(std::string eco, std::string name, std::string version, std::string arch = "", std::string src = "") {
  Package p;
  p.ecosystem = std::move(eco);
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = std::move(arch);
  p.source_name = std::move(src);
  return p;
}

OsInfo os(std::string id, std::string version) {
  OsInfo o;
  o.id = std::move(id);
  o.version_id = std::move(version);
  return o;
}

TEST(Purl, DebianPackageCarriesArchDistroAndUpstream) {
  EXPECT_EQ(package_purl(pkg("deb", "libssl3", "3.0.11-1~deb12u2", "amd64", "openssl"), os("debian", "12")),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl");
}

TEST(Purl, DebianSourceSameAsNameHasNoUpstream) {
  EXPECT_EQ(package_purl(pkg("deb", "bash", "5.2.15-2+b2", "amd64", "bash"), os("debian", "12")),
            "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12");
}

TEST(Purl, DebianEpochStaysInVersionColonUnencoded) {
  EXPECT_EQ(package_purl(pkg("deb", "login", "1:4.13+dfsg1-1", "amd64", "shadow"), os("ubuntu", "22.04")),
            "pkg:deb/ubuntu/login@1:4.13%2Bdfsg1-1?arch=amd64&distro=ubuntu-22.04&upstream=shadow");
}

TEST(Purl, AlpineDistroIsTheBareVersion) {
  EXPECT_EQ(package_purl(pkg("apk", "busybox", "1.36.1-r5", "x86_64", "busybox"), os("alpine", "3.18.4")),
            "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=3.18.4");
}

TEST(Purl, RpmEpochBecomesAQualifierAndRhelIsRedhat) {
  EXPECT_EQ(package_purl(pkg("rpm", "openssl", "1:3.0.7-16.el9", "x86_64", "openssl"), os("rhel", "9.2")),
            "pkg:rpm/redhat/openssl@3.0.7-16.el9?arch=x86_64&distro=rhel-9.2&epoch=1");
  EXPECT_EQ(package_purl(pkg("rpm", "bash", "5.1.8-6.el9", "x86_64"), os("rocky", "9.3")),
            "pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3");
}

TEST(Purl, AmazonLinuxDistroNamesTheRelease) {
  EXPECT_EQ(package_purl(pkg("rpm", "libcurl", "8.5.0-1.amzn2023.0.2", "x86_64", "curl"), os("amzn", "2023")),
            "pkg:rpm/amzn/libcurl@8.5.0-1.amzn2023.0.2?arch=x86_64&distro=amazonlinux-2023");
  EXPECT_EQ(package_purl(pkg("rpm", "openssl-libs", "1:1.0.2k-24.amzn2.0.7", "x86_64"), os("amzn", "2")),
            "pkg:rpm/amzn/openssl-libs@1.0.2k-24.amzn2.0.7?arch=x86_64&distro=amazonlinux-2&epoch=1");
}

TEST(Purl, UnknownOsNeverGuessesAVendor) {
  EXPECT_EQ(package_purl(pkg("deb", "libc6", "2.36-9", "amd64"), OsInfo{}), "pkg:deb/libc6@2.36-9?arch=amd64");
}

TEST(Purl, LanguageEcosystemsSplitNamesTheirWay) {
  EXPECT_EQ(package_purl(pkg("npm", "@scope/name", "1.0.0")), "pkg:npm/%40scope/name@1.0.0");
  EXPECT_EQ(package_purl(pkg("npm", "lodash", "4.17.21")), "pkg:npm/lodash@4.17.21");
  EXPECT_EQ(package_purl(pkg("pypi", "Foo_Bar", "2.0")), "pkg:pypi/foo-bar@2.0");
  EXPECT_EQ(package_purl(pkg("golang", "github.com/x/y", "v1.2.3")), "pkg:golang/github.com/x/y@v1.2.3");
  EXPECT_EQ(package_purl(pkg("maven", "org.apache:commons-lang3", "3.12.0")),
            "pkg:maven/org.apache/commons-lang3@3.12.0");
  EXPECT_EQ(package_purl(pkg("gem", "rails", "7.0.4")), "pkg:gem/rails@7.0.4");
  EXPECT_EQ(package_purl(pkg("cargo", "serde", "1.0.0")), "pkg:cargo/serde@1.0.0");
  EXPECT_EQ(package_purl(pkg("composer", "symfony/console", "v6.0.0")), "pkg:composer/symfony/console@v6.0.0");
  EXPECT_EQ(package_purl(pkg("nuget", "Newtonsoft.Json", "13.0.1")), "pkg:nuget/Newtonsoft.Json@13.0.1");
  EXPECT_EQ(package_purl(pkg("nonsense", "x", "1")), "");
}

TEST(Purl, EncodesReservedCharactersEverywhere) {
  Purl u{"Generic", "a b/c", "n@me", "1.0+x", {{"z", "v&1"}, {"a", "q=2"}, {"empty", ""}}, "sub/./dir/../f"};
  EXPECT_EQ(u.str(), "pkg:generic/a%20b/c/n%40me@1.0%2Bx?a=q%3D2&z=v%261#sub/dir/f");
  EXPECT_EQ(purl_encode("ä~:"), "%C3%A4~:");
}

}  // namespace
}  // namespace ig::inventory
