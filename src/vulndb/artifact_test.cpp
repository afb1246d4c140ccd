#include "vulndb/artifact.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vulndb/schema.h"

namespace ig::vulndb {
namespace {

const std::string k_digest_a = "sha256:" + std::string(64, 'a');
const std::string k_digest_b = "sha256:" + std::string(64, 'b');

ArtifactMetadata sample() {
  DatabaseStatus s;
  s.schema_version = k_schema_version;
  s.built_at = "2026-11-22T10:00:00Z";
  s.sources = {{"osv:/data/all.zip", "osv", "/data/all.zip", 1200, "2026-11-22T09:00:00Z"},
               {"debian:/tracker.json", "debian", "/tracker.json", 300, "2026-11-22T09:30:00Z"}};
  s.vulnerabilities = 1500;
  s.affected = 4000;
  s.kev = 7;
  return metadata_for(s, "imagegate test", k_digest_a, 123456);
}

std::string manifest_json() {
  auto m = sample();
  std::string meta = metadata_to_json(m);
  return build_manifest(m, {std::string(k_metadata_media_type), k_digest_b, static_cast<int64_t>(meta.size())},
                        {std::string(k_layer_media_type), k_digest_a, 4242});
}

TEST(Artifact, MetadataRoundTrips) {
  auto m = sample();
  auto back = parse_metadata(metadata_to_json(m), "r");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->schema_version, k_schema_version);
  EXPECT_EQ(back->built_at, "2026-11-22T10:00:00Z");
  EXPECT_EQ(back->builder, "imagegate test");
  EXPECT_EQ(back->database_digest, k_digest_a);
  EXPECT_EQ(back->database_size, 123456);
  ASSERT_EQ(back->sources.size(), 2u);
  EXPECT_EQ(back->sources[1].kind, "debian");
  EXPECT_EQ(back->sources[1].records, 300);
  EXPECT_EQ(back->affected, 4000);
  EXPECT_EQ(back->kev, 7);
}

TEST(Artifact, ManifestCarriesTypeBlobsAndAnnotations) {
  auto j = nlohmann::json::parse(manifest_json());
  EXPECT_EQ(j["artifactType"], std::string(k_artifact_type));
  EXPECT_EQ(j["mediaType"], std::string(k_manifest_media_type));
  EXPECT_EQ(j["config"]["mediaType"], std::string(k_metadata_media_type));
  ASSERT_EQ(j["layers"].size(), 1u);
  EXPECT_EQ(j["layers"][0]["size"], 4242);
  EXPECT_EQ(j["annotations"]["org.opencontainers.image.created"], "2026-11-22T10:00:00Z");
  EXPECT_EQ(j["annotations"][std::string(k_annotation_schema)], std::to_string(k_schema_version));
  auto srcs = nlohmann::json::parse(j["annotations"][std::string(k_annotation_sources)].get<std::string>());
  EXPECT_EQ(srcs[0]["records"], 1200);

  auto parsed = parse_manifest(manifest_json(), "r");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->layer.digest, k_digest_a);
  EXPECT_EQ(parsed->layer.size, 4242);
  EXPECT_EQ(parsed->metadata.digest, k_digest_b);
  EXPECT_EQ(parsed->schema_version, k_schema_version);
}

TEST(Artifact, RefusesOtherSchemaVersionsWithTheFix) {
  auto j = nlohmann::json::parse(manifest_json());
  j["annotations"][std::string(k_annotation_schema)] = "99";
  auto r = parse_manifest(j.dump(), "reg/db:v9");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("reg/db:v9 holds a database of schema version 99"), std::string::npos);
  EXPECT_NE(r.error().message.find("upgrade imagegate"), std::string::npos);

  auto meta = nlohmann::json::parse(metadata_to_json(sample()));
  meta["schema_version"] = 1;
  auto m = parse_metadata(meta.dump(), "reg/db:v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::usage);
  EXPECT_NE(m.error().message.find("pull a newer database"), std::string::npos);
}

TEST(Artifact, RefusesOtherArtifactsAndMalformedManifests) {
  nlohmann::json image = {{"schemaVersion", 2},
                          {"mediaType", k_manifest_media_type},
                          {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                      {"digest", k_digest_a}, {"size", 10}}},
                          {"layers", nlohmann::json::array()}};
  auto r = parse_manifest(image.dump(), "reg/app:1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find("is not an imagegate vulnerability database (it is a "
                                   "application/vnd.oci.image.config.v1+json)"),
            std::string::npos);

  auto base = nlohmann::json::parse(manifest_json());
  auto expect_invalid = [](const nlohmann::json& j, const char* fragment) {
    auto res = parse_manifest(j.dump(), "m");
    ASSERT_FALSE(res) << fragment;
    EXPECT_EQ(res.error().code, ErrorCode::invalid_image);
    EXPECT_NE(res.error().message.find(fragment), std::string::npos) << res.error().message;
  };
  auto two = base;
  two["layers"].push_back(two["layers"][0]);
  expect_invalid(two, "exactly one layer");
  auto bad_digest = base;
  bad_digest["layers"][0]["digest"] = "sha256:xyz";
  expect_invalid(bad_digest, "not a valid digest");
  auto huge_meta = base;
  huge_meta["config"]["size"] = k_max_metadata_size + 1;
  expect_invalid(huge_meta, "metadata blob is too large");
  auto no_size = base;
  no_size["layers"][0].erase("size");
  expect_invalid(no_size, "no valid size");
  auto bad_schema = base;
  bad_schema["annotations"][std::string(k_annotation_schema)] = "3x";
  expect_invalid(bad_schema, "not a number");
  EXPECT_FALSE(parse_manifest("[]", "m"));
  EXPECT_FALSE(parse_manifest("{", "m"));
}

TEST(Artifact, RefusesMalformedMetadata) {
  auto base = nlohmann::json::parse(metadata_to_json(sample()));
  auto expect_invalid = [](const nlohmann::json& j) {
    auto r = parse_metadata(j.dump(), "m");
    ASSERT_FALSE(r) << j.dump();
    EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  };
  auto j = base;
  j["database"]["size"] = k_max_database_size + 1;
  expect_invalid(j);
  j = base;
  j["database"]["size"] = 0;
  expect_invalid(j);
  j = base;
  j["database"]["digest"] = "md5:abc";
  expect_invalid(j);
  j = base;
  j["sources"] = "osv";
  expect_invalid(j);
  j = base;
  j["counts"]["affected"] = -1;
  expect_invalid(j);
  j = base;
  j.erase("schema_version");
  expect_invalid(j);
  EXPECT_FALSE(parse_metadata(std::string(k_max_metadata_size + 1, ' '), "m"));
}

}  // namespace
}  // namespace ig::vulndb
