#include "inventory/catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>

#include "inventory/analyzers.h"
#include "inventory/os_test_util.h"

namespace ig::inventory {
namespace {

image::FileResult fr(std::string path, std::string diff_id, nlohmann::json result) {
  image::FileResult r;
  r.path = std::move(path);
  r.diff_id = std::move(diff_id);
  r.result = std::move(result);
  return r;
}

nlohmann::json deb(std::string name, std::string version, std::string source) {
  Package p;
  p.ecosystem = "deb";
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "amd64";
  p.source_name = std::move(source);
  return p;
}

// A two-layer Debian image: layer 1 installs libssl3, layer 2 python3-foo
// (whose .list names a path under the lib -> usr/lib symlink) and rewrites
// the status file; a pip package sits in python3-foo's files and another
// outside any OS package.
image::ImageAnalysis debian_analysis() {
  image::ImageAnalysis a;
  a.symlinks["etc/os-release"] = "../usr/lib/os-release";
  a.symlinks["lib"] = "usr/lib";
  a.results[std::string(k_os_release_analyzer)].push_back(fr(
      "usr/lib/os-release", "sha256:l1",
      {{"os", {{"id", "debian"}, {"version_id", "12"}, {"codename", "bookworm"}}}}));
  a.results[std::string(k_dpkg_analyzer)].push_back(
      fr("var/lib/dpkg/status", "sha256:l2",
         {{"packages",
           {deb("python3-foo", "1.0-1", "foo"), deb("libssl3", "3.0.11-1~deb12u2", "openssl"),
            {{"ecosystem", 5}}}}}));
  auto& lists = a.results[std::string(k_dpkg_files_analyzer)];
  lists.push_back(fr("var/lib/dpkg/info/libssl3:amd64.list", "sha256:l1",
                     {{"package", "libssl3"}, {"arch", "amd64"}, {"files", {"usr/lib/x86_64-linux-gnu/libssl.so.3"}}}));
  lists.push_back(fr("var/lib/dpkg/info/python3-foo.list", "sha256:l2",
                     {{"package", "python3-foo"},
                      {"arch", ""},
                      {"files", {"lib/python3/dist-packages/foo-1.0.dist-info/METADATA"}}}));
  Package pip;
  pip.ecosystem = "pypi";
  pip.name = "foo";
  pip.version = "1.0";
  Package other = pip;
  other.name = "bar";
  auto& py = a.results["python"];
  py.push_back(fr("usr/lib/python3/dist-packages/foo-1.0.dist-info/METADATA", "sha256:l2", {{"packages", {pip}}}));
  py.push_back(fr("usr/local/lib/python3.11/site-packages/bar-1.0.dist-info/METADATA", "sha256:l3",
                  {{"packages", {other}}}));
  return a;
}

TEST(BuildInventory, AssemblesOsPackagesLanguagePackagesAndOwnership) {
  Inventory inv = build_inventory(debian_analysis());
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
  ASSERT_EQ(inv.packages.size(), 4u);  // the malformed record is skipped
  // Sorted by ecosystem, then name.
  const Package& ssl = inv.packages[0];
  EXPECT_EQ(ssl.name, "libssl3");
  EXPECT_EQ(ssl.purl, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl");
  EXPECT_EQ(ssl.files, std::vector<std::string>{"usr/lib/x86_64-linux-gnu/libssl.so.3"});
  EXPECT_EQ(ssl.layer_diff_id, "sha256:l1");  // from its .list, not from the status file's layer
  EXPECT_EQ(ssl.locations, std::vector<std::string>{"var/lib/dpkg/status"});
  const Package& pyfoo = inv.packages[1];
  EXPECT_EQ(pyfoo.name, "python3-foo");
  EXPECT_EQ(pyfoo.layer_diff_id, "sha256:l2");
  const Package& bar = inv.packages[2];
  EXPECT_EQ(bar.name, "bar");
  EXPECT_EQ(bar.purl, "pkg:pypi/bar@1.0");
  EXPECT_EQ(bar.layer_diff_id, "sha256:l3");
  EXPECT_FALSE(bar.os_owned);
  const Package& foo = inv.packages[3];
  EXPECT_EQ(foo.name, "foo");
  EXPECT_TRUE(foo.os_owned);  // found through lib -> usr/lib
  EXPECT_EQ(foo.locations, std::vector<std::string>{"usr/lib/python3/dist-packages/foo-1.0.dist-info/METADATA"});
}

TEST(BuildInventory, IsDeterministic) {
  auto a = debian_analysis();
  nlohmann::json one = build_inventory(a);
  std::reverse(a.results["python"].begin(), a.results["python"].end());
  nlohmann::json two = build_inventory(a);
  EXPECT_EQ(one, two);
}

TEST(BuildInventory, UnknownOsKeepsPackagesWithoutDistro) {
  image::ImageAnalysis a;
  a.results[std::string(k_dpkg_analyzer)].push_back(
      fr("var/lib/dpkg/status.d/base-files", "sha256:x", {{"packages", {deb("base-files", "12.4", "")}}}));
  Inventory inv = build_inventory(a);
  EXPECT_FALSE(inv.os.known());
  EXPECT_TRUE(inv.os.distroless);
  ASSERT_EQ(inv.packages.size(), 1u);
  EXPECT_EQ(inv.packages[0].purl, "pkg:deb/base-files@12.4?arch=amd64");
}

TEST(Analyzers, RegistryHasUniqueNamesAndTheOsCatalogers) {
  auto all = all_analyzers();
  std::set<std::string> names;
  for (const auto& a : all) EXPECT_TRUE(names.insert(std::string(a->name())).second) << a->name();
  for (auto n : {k_os_release_analyzer, k_dpkg_analyzer, k_dpkg_files_analyzer, k_apk_analyzer, k_rpm_analyzer}) {
    EXPECT_TRUE(names.count(std::string(n))) << n;
  }
  EXPECT_EQ(analyzer_pointers(all).size(), all.size());
}

// A real Debian bookworm image built by debootstrap + umoci; the script
// tests/integration/inventory_os_debian.sh sets IG_DEBIAN_IMAGE (oci:DIR:tag)
// and IG_DEBIAN_ROOTFS (the root it was made from).
TEST(CatalogReal, DebianImageMatchesDpkgQuery) {
  const char* ref = std::getenv("IG_DEBIAN_IMAGE");
  const char* root = std::getenv("IG_DEBIAN_ROOTFS");
  if (ref == nullptr || root == nullptr) GTEST_SKIP() << "IG_DEBIAN_IMAGE not set";
  image::ResolveOptions ropts;
  auto img = image::resolve(ref, ropts);
  ASSERT_TRUE(img) << img.error().message;
  image::WalkOptions wopts;
  auto inv = catalog(*img, wopts);
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->os.id, "debian");
  EXPECT_EQ(inv->os.version_id, "12");
  std::string q = testing::run(std::string("dpkg-query --admindir=") + root +
                               "/var/lib/dpkg -W -f='${db:Status-Abbrev}|${Package}|${Version}|${source:Package}\\n'");
  std::multiset<std::string> want, got;
  std::istringstream in(q);
  for (std::string l; std::getline(in, l);) {
    if (l.size() > 4 && l[1] == 'i') want.insert(l.substr(l.find('|') + 1));
  }
  ASSERT_GT(want.size(), 50u);
  size_t with_files = 0;
  for (const auto& p : inv->packages) {
    ASSERT_EQ(p.ecosystem, "deb");
    got.insert(p.name + "|" + p.version + "|" + p.source_name);
    EXPECT_NE(p.purl.find("distro=debian-12"), std::string::npos) << p.purl;
    EXPECT_EQ(p.layer_diff_id, img->layers.back().diff_id);
    if (!p.files.empty()) ++with_files;
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(with_files, inv->packages.size());
}

}  // namespace
}  // namespace ig::inventory

namespace ig::inventory {
namespace {

// Two-layer images made by tests/integration/inventory_os_images.sh (an
// Alpine root with an apk database, a RHEL-like root with an rpmdb.sqlite
// written by rpm). IG_OS_IMAGE names the image; IG_OS_EXPECT is a file whose
// first line is "<os id> <version id>" and whose other lines are the purls
// the inventory must hold, in order.
TEST(CatalogReal, OsImageMatchesExpectedPurls) {
  const char* ref = std::getenv("IG_OS_IMAGE");
  const char* expect = std::getenv("IG_OS_EXPECT");
  if (ref == nullptr || expect == nullptr) GTEST_SKIP() << "IG_OS_IMAGE not set";
  std::istringstream in(testing::run(std::string("cat ") + expect));
  std::string os_id, os_version;
  in >> os_id >> os_version;
  std::vector<std::string> want;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) want.push_back(l);
  }
  ASSERT_FALSE(want.empty());
  auto img = image::resolve(ref, image::ResolveOptions{});
  ASSERT_TRUE(img) << img.error().message;
  ASSERT_EQ(img->layers.size(), 2u);
  auto inv = catalog(*img, image::WalkOptions{});
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->os.id, os_id);
  EXPECT_EQ(inv->os.version_id, os_version);
  std::vector<std::string> got;
  for (const auto& p : inv->packages) {
    got.push_back(p.purl);
    EXPECT_EQ(p.layer_diff_id, img->layers[1].diff_id) << p.name;
    EXPECT_FALSE(p.files.empty()) << p.name;
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace ig::inventory
