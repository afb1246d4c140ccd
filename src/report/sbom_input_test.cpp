#include "report/sbom_input.h"

#include <gtest/gtest.h>

#include <regex>

#include "report/sbom_test_support.h"

namespace ig::report {
namespace {

TEST(SbomInput, ImagePurl) {
  auto in = testing::example_input();
  EXPECT_EQ(image_purl(in.image),
            "pkg:oci/example@sha256%3Aabababababababababababababababababababababababababababababababab"
            "?arch=amd64&repository_url=docker.io/library/example&tag=1.0");
  ImageIdentity layout{"oci:/tmp/My Layout:latest", "oci_layout", "", "latest", "sha256:00", "linux/arm64/v8", ""};
  EXPECT_EQ(image_purl(layout), "pkg:oci/my%20layout@sha256%3A00?arch=arm64&tag=latest");
  ImageIdentity rootfs{"dir:/", "rootfs", "", "", "", "", ""};
  EXPECT_EQ(image_purl(rootfs), "pkg:oci/image");
}

TEST(SbomInput, ShortName) {
  EXPECT_EQ(image_short_name({"oci:/a/b/layout@sha256:00", "", "", "", "", "", ""}), "layout");
  EXPECT_EQ(image_short_name({"docker-archive:/x/img.tar", "", "", "", "", "", ""}), "img.tar");
  EXPECT_EQ(image_short_name({"x", "", "localhost:5000/team/App", "", "", "", ""}), "app");
}

TEST(SbomInput, UuidIsStableAndWellFormed) {
  auto a = name_based_uuid("sha256:aa");
  EXPECT_EQ(a, name_based_uuid("sha256:aa"));
  EXPECT_NE(a, name_based_uuid("sha256:ab"));
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << a;
}

TEST(SbomInput, PackageRefsAreUnique) {
  inventory::Inventory inv;
  inventory::Package p;
  p.ecosystem = "npm";
  p.name = "left-pad";
  p.version = "1.3.0";
  p.purl = "pkg:npm/left-pad@1.3.0";
  p.locations = {"a/package.json"};
  inv.packages.push_back(p);
  p.locations = {"b/package.json"};
  inv.packages.push_back(p);
  inv.packages.push_back(p);  // an exact duplicate
  inventory::Package nopurl;
  nopurl.ecosystem = "gem";
  nopurl.name = "a b";
  nopurl.version = "1";
  inv.packages.push_back(nopurl);
  auto pkgs = sorted_packages(inv);
  auto refs = package_refs(pkgs);
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0], "pkg:gem/a%20b@1");
  EXPECT_TRUE(refs[1].starts_with("pkg:npm/left-pad@1.3.0?package-id=")) << refs[1];
  std::set<std::string> unique(refs.begin(), refs.end());
  EXPECT_EQ(unique.size(), refs.size());
  EXPECT_EQ(refs, package_refs(sorted_packages(inv)));
}

TEST(SbomInput, NormalizesTimestamps) {
  EXPECT_EQ(normalize_rfc3339("2026-01-01T00:00:00Z"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(normalize_rfc3339("2023-06-13T10:20:30.123456789Z"), "2023-06-13T10:20:30Z");
  EXPECT_EQ(normalize_rfc3339("2023-06-13T01:20:30+02:00"), "2023-06-12T23:20:30Z");
  EXPECT_EQ(normalize_rfc3339("2023-12-31T23:30:00-01:00"), "2024-01-01T00:30:00Z");
  for (const char* bad : {"", "2023-02-30T00:00:00Z", "2023-06-13", "2023-06-13T25:00:00Z", "2023-06-13T10:20:30",
                          "2023-06-13T10:20:30.Z", "2023-06-13T10:20:30+0200", "garbage-that-is-long-enough"}) {
    EXPECT_EQ(normalize_rfc3339(bad), "") << bad;
  }
  EXPECT_TRUE(std::regex_match(rfc3339_utc_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST(SbomInput, IdentitySeedWithoutDigestDependsOnContent) {
  auto in = testing::example_input();
  EXPECT_EQ(identity_seed(in), in.image.digest);
  in.image.digest.clear();
  auto s1 = identity_seed(in);
  in.inventory.packages.pop_back();
  EXPECT_NE(s1, identity_seed(in));
}

}  // namespace
}  // namespace ig::report
