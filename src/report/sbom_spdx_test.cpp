#include "report/sbom_spdx.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "report/sbom_test_support.h"

namespace ig::report {
namespace {

using nlohmann::json;

json spdx(const SbomInput& in) { return json::parse(write_spdx_json(in)); }

const json* package(const json& doc, const std::string& name) {
  for (const auto& p : doc["packages"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

TEST(SbomSpdx, DocumentFields) {
  auto in = testing::example_input();
  auto doc = spdx(in);
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["name"], in.image.name);
  EXPECT_EQ(doc["documentNamespace"],
            "https://imagegate.invalid/spdx/example-" + name_based_uuid("spdx-2.3\n" + in.image.digest));
  EXPECT_EQ(doc["creationInfo"]["creators"], json::parse(R"(["Tool: imagegate-0.1.0"])"));
  EXPECT_EQ(doc["creationInfo"]["created"], "2026-01-01T00:00:00Z");
}

TEST(SbomSpdx, CreatedFallsBackToEpochAndHonoursTimestamp) {
  auto in = testing::example_input();
  in.image.created = "not a time";
  EXPECT_EQ(spdx(in)["creationInfo"]["created"], "1970-01-01T00:00:00Z");
  in.timestamp = "2030-05-06T07:08:09Z";
  EXPECT_EQ(spdx(in)["creationInfo"]["created"], "2030-05-06T07:08:09Z");
}

TEST(SbomSpdx, PackagesAndRelationships) {
  auto in = testing::example_input();
  auto doc = spdx(in);
  ASSERT_EQ(doc["packages"].size(), 6u);
  const auto& img = doc["packages"][0];
  EXPECT_EQ(img["SPDXID"], "SPDXRef-Image");
  EXPECT_EQ(img["primaryPackagePurpose"], "CONTAINER");
  EXPECT_EQ(img["checksums"][0]["checksumValue"], in.image.digest.substr(7));
  EXPECT_EQ(img["externalRefs"][0]["referenceLocator"], image_purl(in.image));
  const auto& os = doc["packages"][1];
  EXPECT_EQ(os["primaryPackagePurpose"], "OPERATING_SYSTEM");
  EXPECT_EQ(os["name"], "debian");
  EXPECT_EQ(os["versionInfo"], "12");

  const json* ssl = package(doc, "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ((*ssl)["versionInfo"], "3.0.11-1~deb12u2");
  EXPECT_EQ((*ssl)["downloadLocation"], "NOASSERTION");
  EXPECT_EQ((*ssl)["licenseConcluded"], "NOASSERTION");
  EXPECT_EQ((*ssl)["licenseDeclared"], "Apache-2.0 OR MIT");
  EXPECT_EQ((*ssl)["supplier"], "Person: Someone (someone@example.org)");
  EXPECT_EQ((*ssl)["primaryPackagePurpose"], "LIBRARY");
  EXPECT_EQ((*ssl)["externalRefs"][0]["referenceType"], "purl");
  EXPECT_EQ((*ssl)["externalRefs"][0]["referenceCategory"], "PACKAGE-MANAGER");
  EXPECT_EQ((*ssl)["sourceInfo"], "built package from: openssl; acquired package info from: var/lib/dpkg/status");
  std::string id = (*ssl)["SPDXID"];
  EXPECT_TRUE(std::regex_match(id, std::regex("SPDXRef-Package-deb-libssl3-[0-9a-f]{16}"))) << id;

  std::set<std::string> ids;
  for (const auto& p : doc["packages"]) ids.insert(p["SPDXID"].get<std::string>());
  EXPECT_EQ(ids.size(), doc["packages"].size());
  ASSERT_EQ(doc["relationships"].size(), 6u);
  EXPECT_EQ(doc["relationships"][0],
            json::parse(R"({"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-Image"})"));
  for (size_t i = 1; i < 6; ++i) {
    EXPECT_EQ(doc["relationships"][i]["spdxElementId"], "SPDXRef-Image");
    EXPECT_EQ(doc["relationships"][i]["relationshipType"], "CONTAINS");
    EXPECT_TRUE(ids.count(doc["relationships"][i]["relatedSpdxElement"].get<std::string>()));
  }
}

TEST(SbomSpdx, NonSpdxLicensesBecomeLicenseRefs) {
  auto in = testing::example_input();
  in.inventory.packages[0].licenses = {"GPL-2+", "MIT OR Zlib", "Custom License!"};
  in.inventory.packages[1].licenses = {"GPL-2+"};
  in.inventory.packages[2].licenses = {};
  auto doc = spdx(in);
  EXPECT_EQ((*package(doc, "zlib1g"))["licenseDeclared"],
            "LicenseRef-GPL-2- AND (MIT OR Zlib) AND LicenseRef-Custom-License-");
  EXPECT_EQ((*package(doc, "bash"))["licenseDeclared"], "LicenseRef-GPL-2-");
  EXPECT_EQ((*package(doc, "libssl3"))["licenseDeclared"], "NOASSERTION");
  ASSERT_EQ(doc["hasExtractedLicensingInfos"].size(), 2u);
  EXPECT_EQ(doc["hasExtractedLicensingInfos"][0]["licenseId"], "LicenseRef-Custom-License-");
  EXPECT_EQ(doc["hasExtractedLicensingInfos"][0]["extractedText"], "Custom License!");
  EXPECT_EQ(doc["hasExtractedLicensingInfos"][1]["licenseId"], "LicenseRef-GPL-2-");
}

TEST(SbomSpdx, CollidingLicenseRefsStayDistinct) {
  auto in = testing::example_input();
  in.inventory.packages[0].licenses = {"a b", "a_b"};
  auto doc = spdx(in);
  ASSERT_EQ(doc["hasExtractedLicensingInfos"].size(), 2u);
  EXPECT_NE(doc["hasExtractedLicensingInfos"][0]["licenseId"], doc["hasExtractedLicensingInfos"][1]["licenseId"]);
}

TEST(SbomSpdx, Deterministic) {
  auto in = testing::example_input();
  auto a = write_spdx_json(in);
  std::reverse(in.inventory.packages.begin(), in.inventory.packages.end());
  EXPECT_EQ(a, write_spdx_json(in));
}

TEST(SbomSpdx, RootfsWithoutDigestOrOs) {
  SbomInput in;
  in.image = {"dir:/", "rootfs", "", "", "", "", ""};
  in.tool_version = "0.1.0";
  auto doc = spdx(in);
  EXPECT_EQ(doc["packages"].size(), 1u);
  EXPECT_FALSE(doc["packages"][0].contains("checksums"));
  EXPECT_EQ(doc["relationships"].size(), 1u);
  EXPECT_TRUE(doc["documentNamespace"].get<std::string>().starts_with("https://imagegate.invalid/spdx/image-"));
}

}  // namespace
}  // namespace ig::report
