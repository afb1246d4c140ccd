#include "inventory/package.h"

#include <gtest/gtest.h>

namespace ig::inventory {
namespace {

TEST(PackageJson, RoundTripsEveryField) {
  Inventory inv;
  inv.os = OsInfo{"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "", false};
  Package p;
  p.ecosystem = "deb";
  p.name = "libssl3";
  p.version = "3.0.11-1~deb12u2";
  p.purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2";
  p.source_name = "openssl";
  p.source_version = "3.0.11-1~deb12u2";
  p.arch = "amd64";
  p.licenses = {"Apache-2.0"};
  p.maintainer = "Debian OpenSSL Team";
  p.installed_size = 6160384;
  p.locations = {"var/lib/dpkg/status"};
  p.files = {"usr/lib/x86_64-linux-gnu/libssl.so.3"};
  p.layer_diff_id = "sha256:abc";
  p.os_owned = true;
  p.is_private = true;
  p.modularity_label = "m:s:1:c";
  p.extra = {{"k", 1}};
  inv.packages.push_back(p);
  inv.packages.push_back(Package{});
  nlohmann::json j = inv;
  auto back = nlohmann::json::parse(j.dump()).get<Inventory>();
  ASSERT_EQ(back.packages.size(), 2u);
  EXPECT_EQ(nlohmann::json(back), j);
  const Package& q = back.packages[0];
  EXPECT_EQ(q.installed_size, 6160384u);
  EXPECT_TRUE(q.os_owned);
  EXPECT_TRUE(q.is_private);
  EXPECT_EQ(q.extra["k"], 1);
  EXPECT_EQ(back.os.codename, "bookworm");
}

TEST(PackageJson, OmitsEmptyFieldsAndToleratesMissingOnes) {
  Package p;
  p.ecosystem = "npm";
  p.name = "x";
  p.version = "1";
  nlohmann::json j = p;
  EXPECT_EQ(j, nlohmann::json({{"ecosystem", "npm"}, {"name", "x"}, {"version", "1"}}));
  auto q = nlohmann::json::parse(R"({"name":"y"})").get<Package>();
  EXPECT_EQ(q.name, "y");
  EXPECT_TRUE(q.version.empty());
}

TEST(PackageJson, WrongTypesThrowJsonErrors) {
  EXPECT_THROW((void)nlohmann::json::parse(R"({"name":5})").get<Package>(), nlohmann::json::exception);
  EXPECT_THROW((void)nlohmann::json::parse(R"([1])").get<Package>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace ig::inventory
