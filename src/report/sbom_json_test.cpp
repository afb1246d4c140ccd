#include "report/sbom_json.h"

#include <gtest/gtest.h>

#include "report/sbom.h"
#include "report/sbom_test_support.h"

namespace ig::report {
namespace {

void expect_same(const SbomInput& a, const SbomInput& b) {
  EXPECT_EQ(write_sbom_json(a), write_sbom_json(b));
  EXPECT_EQ(a.image.name, b.image.name);
  EXPECT_EQ(a.image.digest, b.image.digest);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.tool_version, b.tool_version);
  ASSERT_EQ(a.inventory.packages.size(), b.inventory.packages.size());
  for (size_t i = 0; i < a.inventory.packages.size(); ++i) {
    EXPECT_EQ(nlohmann::json(a.inventory.packages[i]), nlohmann::json(b.inventory.packages[i]));
  }
}

TEST(SbomJson, RoundTrips) {
  auto in = testing::example_input();
  in.timestamp = "2026-02-03T04:05:06Z";
  in.inventory.packages[0].files = {"usr/lib/x86_64-linux-gnu/libz.so.1"};
  in.inventory.packages[0].installed_size = 168;
  in.inventory.packages[3].os_owned = true;
  in.inventory.packages[3].is_private = true;
  in.inventory.packages[3].extra = {{"main", true}};
  in.inventory.os.distroless = true;
  auto text = write_sbom_json(in);
  auto back = read_sbom_json(text);
  ASSERT_TRUE(back) << back.error().message;
  expect_same(in, *back);
  EXPECT_EQ(back->inventory.packages[3].extra["main"], true);
  EXPECT_TRUE(back->inventory.os.distroless);
  EXPECT_EQ(back->image.created, in.image.created);
  EXPECT_EQ(back->image.platform, in.image.platform);
  EXPECT_EQ(back->image.tag, in.image.tag);
  EXPECT_EQ(back->image.repository, in.image.repository);
}

TEST(SbomJson, SchemaShape) {
  auto j = nlohmann::json::parse(write_sbom_json(testing::example_input()));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["tool"]["name"], "imagegate");
  EXPECT_EQ(j["image"]["digest"], testing::example_input().image.digest);
  EXPECT_EQ(j["os"]["id"], "debian");
  EXPECT_EQ(j["packages"].size(), 4u);
  EXPECT_FALSE(j.contains("timestamp"));
}

TEST(SbomJson, RejectsBadDocuments) {
  struct Case {
    std::string text;
    std::string message_part;
  };
  std::vector<Case> cases = {
      {"", "not valid JSON"},
      {"[]", "must be an object"},
      {"{}", "schema_version"},
      {R"({"schema_version":"1"})", "schema_version"},
      {R"({"schema_version":2,"image":{}})", "schema_version 2 is not supported"},
      {R"({"schema_version":1})", "no \"image\""},
      {R"({"schema_version":1,"image":[]})", "\"image\" must be an object"},
      {R"({"schema_version":1,"image":{"name":5}})", "image.name must be a string"},
      {R"({"schema_version":1,"image":{},"packages":{}})", "\"packages\" must be an array"},
      {R"({"schema_version":1,"image":{},"packages":[{"name":5}]})", "packages[0]"},
      {R"({"schema_version":1,"image":{},"packages":[7]})", "packages[0]"},
      {R"({"schema_version":1,"image":{},"os":{"id":[]}})", "\"os\""},
      {R"({"schema_version":1,"image":{},"timestamp":3})", "timestamp"},
      {std::string(100, '[') + std::string(100, ']'), "nests deeper"},
  };
  for (const auto& c : cases) {
    auto r = read_sbom_json(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_image) << c.text;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << c.text << " -> " << r.error().message;
  }
}

TEST(SbomJson, FormatNames) {
  for (auto name : k_sbom_format_names) EXPECT_TRUE(parse_sbom_format(name)) << name;
  EXPECT_EQ(parse_sbom_format("cyclonedx")->cyclonedx_version, CycloneDxVersion::v1_6);
  EXPECT_EQ(parse_sbom_format("cyclonedx@1.4")->cyclonedx_version, CycloneDxVersion::v1_4);
  auto bad = parse_sbom_format("spdx");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_NE(bad.error().message.find("spdx-json"), std::string::npos);
  auto in = testing::example_input();
  EXPECT_EQ(write_sbom(in, *parse_sbom_format("json")), write_sbom_json(in));
  EXPECT_NE(write_sbom(in, *parse_sbom_format("table")).find("NAME"), std::string::npos);
}

}  // namespace
}  // namespace ig::report
