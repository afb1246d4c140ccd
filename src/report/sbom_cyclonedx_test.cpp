#include "report/sbom_cyclonedx.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/sbom_test_support.h"

namespace ig::report {
namespace {

using nlohmann::json;

json cdx(const SbomInput& in, CycloneDxVersion v = CycloneDxVersion::v1_6) {
  return json::parse(write_cyclonedx(in, CycloneDxOptions{v}));
}

const json* component(const json& doc, const std::string& name) {
  for (const auto& c : doc["components"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> props(const json& c, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& p : c.value("properties", json::array())) {
    if (p["name"] == name) out.push_back(p["value"]);
  }
  return out;
}

TEST(SbomCycloneDx, DocumentHeaderAndImage) {
  auto in = testing::example_input();
  auto doc = cdx(in);
  EXPECT_EQ(doc["bomFormat"], "CycloneDX");
  EXPECT_EQ(doc["specVersion"], "1.6");
  EXPECT_EQ(doc["$schema"], "http://cyclonedx.org/schema/bom-1.6.schema.json");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["serialNumber"], "urn:uuid:" + name_based_uuid("cyclonedx-1.6\n" + in.image.digest));
  EXPECT_FALSE(doc["metadata"].contains("timestamp"));
  const auto& img = doc["metadata"]["component"];
  EXPECT_EQ(img["type"], "container");
  EXPECT_EQ(img["name"], in.image.name);
  EXPECT_EQ(img["version"], in.image.digest);
  EXPECT_EQ(img["purl"], image_purl(in.image));
  EXPECT_EQ(img["bom-ref"], image_purl(in.image));
  EXPECT_EQ(doc["metadata"]["tools"]["components"][0]["name"], "imagegate");
  EXPECT_EQ(doc["metadata"]["tools"]["components"][0]["version"], "0.1.0");
}

TEST(SbomCycloneDx, OsAndPackages) {
  auto doc = cdx(testing::example_input());
  ASSERT_EQ(doc["components"].size(), 5u);
  const auto& os = doc["components"][0];
  EXPECT_EQ(os["type"], "operating-system");
  EXPECT_EQ(os["name"], "debian");
  EXPECT_EQ(os["version"], "12");

  const json* ssl = component(doc, "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ((*ssl)["type"], "library");
  EXPECT_EQ((*ssl)["version"], "3.0.11-1~deb12u2");
  EXPECT_EQ((*ssl)["purl"], "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
  EXPECT_EQ((*ssl)["bom-ref"], (*ssl)["purl"]);
  EXPECT_EQ((*ssl)["licenses"], json::parse(R"([{"expression":"Apache-2.0 OR MIT","acknowledgement":"declared"}])"));
  EXPECT_EQ(props(*ssl, "imagegate:source_name"), std::vector<std::string>{"openssl"});
  EXPECT_EQ(props(*ssl, "imagegate:location"), std::vector<std::string>{"var/lib/dpkg/status"});
  EXPECT_EQ(props(*ssl, "imagegate:layer_diff_id").size(), 1u);
  EXPECT_EQ((*ssl)["evidence"]["occurrences"][0]["location"], "var/lib/dpkg/status");

  const json* pad = component(doc, "left-pad");
  ASSERT_NE(pad, nullptr);
  EXPECT_EQ((*pad)["licenses"][0]["license"]["id"], "WTFPL");
  const json* zlib = component(doc, "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ((*zlib)["licenses"][0]["license"]["id"], "Zlib");
}

TEST(SbomCycloneDx, UnknownLicensesAreNamed) {
  auto in = testing::example_input();
  in.inventory.packages[0].licenses = {"GPL-2+", "mit", "GPL-2+"};
  auto doc = cdx(in);
  const json* zlib = component(doc, "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ((*zlib)["licenses"], json::parse(R"([{"license":{"name":"GPL-2+","acknowledgement":"declared"}},
                                                 {"license":{"id":"MIT","acknowledgement":"declared"}}])"));
}

TEST(SbomCycloneDx, OrLaterIsAnExpression) {
  auto in = testing::example_input();
  in.inventory.packages[0].licenses = {"GPL-2.0+"};
  auto doc = cdx(in, CycloneDxVersion::v1_5);
  const json* zlib = component(doc, "zlib1g");
  ASSERT_NE(zlib, nullptr);
  EXPECT_EQ((*zlib)["licenses"], json::parse(R"([{"expression":"GPL-2.0+"}])"));
}

TEST(SbomCycloneDx, Dependencies) {
  auto in = testing::example_input();
  auto doc = cdx(in);
  ASSERT_EQ(doc["dependencies"].size(), 2u);
  const auto& root = doc["dependencies"][0];
  EXPECT_EQ(root["ref"], image_purl(in.image));
  EXPECT_EQ(root["dependsOn"], json::parse(R"(["os:debian@12", "pkg:npm/left-pad@1.3.0"])"));
  const auto& os = doc["dependencies"][1];
  EXPECT_EQ(os["ref"], "os:debian@12");
  EXPECT_EQ(os["dependsOn"].size(), 3u);
}

TEST(SbomCycloneDx, WithoutOsPackagesHangOffTheImage) {
  auto in = testing::example_input();
  in.inventory.os = {};
  auto doc = cdx(in);
  ASSERT_EQ(doc["dependencies"].size(), 1u);
  EXPECT_EQ(doc["dependencies"][0]["dependsOn"].size(), 4u);
  EXPECT_EQ(doc["components"].size(), 4u);
}

TEST(SbomCycloneDx, Version14Differences) {
  auto in = testing::example_input();
  auto doc = cdx(in, CycloneDxVersion::v1_4);
  EXPECT_EQ(doc["specVersion"], "1.4");
  ASSERT_TRUE(doc["metadata"]["tools"].is_array());
  EXPECT_EQ(doc["metadata"]["tools"][0]["name"], "imagegate");
  const json* ssl = component(doc, "libssl3");
  ASSERT_NE(ssl, nullptr);
  EXPECT_FALSE(ssl->contains("evidence"));
  EXPECT_FALSE((*ssl)["licenses"][0].contains("acknowledgement"));
  EXPECT_NE(doc["serialNumber"], cdx(in)["serialNumber"]);
  auto doc15 = cdx(in, CycloneDxVersion::v1_5);
  EXPECT_TRUE(doc15["metadata"]["tools"].is_object());
  EXPECT_FALSE(component(doc15, "left-pad")->at("licenses")[0]["license"].contains("acknowledgement"));
}

TEST(SbomCycloneDx, DeterministicAndOrderIndependent) {
  auto in = testing::example_input();
  auto a = write_cyclonedx(in, {});
  std::reverse(in.inventory.packages.begin(), in.inventory.packages.end());
  EXPECT_EQ(a, write_cyclonedx(in, {}));
  in.timestamp = "2026-02-03T04:05:06Z";
  EXPECT_EQ(cdx(in)["metadata"]["timestamp"], "2026-02-03T04:05:06Z");
}

TEST(SbomCycloneDx, SurvivesHostileMetadata) {
  auto in = testing::example_input();
  in.inventory.packages[0].name = std::string("bad\xff\xfe name\x1b[31m");
  in.inventory.packages[0].licenses = {std::string(10000, '(')};
  auto out = write_cyclonedx(in, {});
  EXPECT_NO_THROW(static_cast<void>(json::parse(out).size()));
}

}  // namespace
}  // namespace ig::report
