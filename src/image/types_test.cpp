#include "image/types.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ig::image {
namespace {

const std::string k_d1 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string k_d2 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string manifest_json(const std::string& layer_digest = k_d2, const std::string& size = "10") {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + k_d1 + R"(","size":2},
    "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + layer_digest +
         R"(","size":)" + size + R"(,"annotations":{"a":"b"}}]})";
}

TEST(Types, LayerCompression) {
  EXPECT_EQ(layer_compression(media_type::oci_layer_gzip), Compression::gzip);
  EXPECT_EQ(layer_compression(media_type::docker_layer_gzip), Compression::gzip);
  EXPECT_EQ(layer_compression(media_type::docker_layer_foreign_gzip), Compression::gzip);
  EXPECT_EQ(layer_compression(media_type::oci_layer_nd_gzip), Compression::gzip);
  EXPECT_EQ(layer_compression(media_type::oci_layer_zstd), Compression::zstd);
  EXPECT_EQ(layer_compression(media_type::docker_layer_zstd), Compression::zstd);
  EXPECT_EQ(layer_compression(media_type::oci_layer), Compression::none);
  EXPECT_EQ(layer_compression(media_type::docker_layer_tar), Compression::none);
  EXPECT_EQ(layer_compression("application/vnd.example.unknown"), Compression::unknown);
}

TEST(Types, Platform) {
  auto p = Platform::parse("linux/arm64/v8");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->str(), "linux/arm64/v8");
  Platform image{"linux", "arm64", "", ""};
  EXPECT_TRUE(image.matches(*p));
  EXPECT_TRUE(p->matches(Platform{"linux", "arm64", "", ""}));
  EXPECT_FALSE(image.matches(Platform{"linux", "amd64", "", ""}));
  EXPECT_FALSE((Platform{"linux", "arm", "v6", ""}.matches(Platform{"linux", "arm", "v7", ""})));
  EXPECT_EQ(Platform::parse("linux/x86_64")->architecture, "amd64");
  EXPECT_FALSE(Platform::parse("linux"));
  EXPECT_FALSE(Platform::parse("linux/amd64/v2/x"));
  EXPECT_FALSE(Platform::parse("Linux/AMD64"));
  EXPECT_EQ(Platform::parse("linux").error().code, ErrorCode::usage);
  EXPECT_EQ(Platform::host().os, "linux");
  EXPECT_FALSE(Platform::host().architecture.empty());
}

TEST(Types, ParsesManifest) {
  auto m = parse_manifest(manifest_json());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->config.digest, k_d1);
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].size, 10);
  EXPECT_EQ(m->layers[0].annotations.at("a"), "b");
  EXPECT_EQ(sniff_manifest_kind(manifest_json()).value(), ManifestKind::image);
}

void expect_invalid(const Result<Manifest>& r, const std::string& needle) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(Types, RejectsMalformedManifests) {
  expect_invalid(parse_manifest("{not json"), "not valid JSON");
  expect_invalid(parse_manifest("[]"), "JSON object");
  expect_invalid(parse_manifest(manifest_json("sha256:abc")), "layers[0]");
  expect_invalid(parse_manifest(manifest_json(k_d2, "-1")), "negative");
  expect_invalid(parse_manifest(manifest_json(k_d2, "\"10\"")), "size");
  expect_invalid(parse_manifest(manifest_json(k_d2, "1.5")), "size");
  expect_invalid(parse_manifest(manifest_json(k_d2, "99999999999999999999")), "size");
  expect_invalid(parse_manifest(R"({"schemaVersion":1,"fsLayers":[]})"), "schema 1");
  expect_invalid(parse_manifest(R"({"schemaVersion":2,"layers":[]})"), "config");
  expect_invalid(parse_manifest(R"({"schemaVersion":"2"})"), "schemaVersion");
  expect_invalid(parse_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + k_d1 +
                                R"(","size":1},"layers":{}})"),
                 "layers");
  expect_invalid(parse_manifest(R"({"schemaVersion":2,"config":[],"layers":[]})"), "config");
  expect_invalid(parse_manifest(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})"),
                 "index");
}

TEST(Types, ParsesIndexAndSniffs) {
  std::string text = R"({"schemaVersion":2,"manifests":[
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + k_d1 +
                     R"(","size":5,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]})";
  EXPECT_EQ(sniff_manifest_kind(text).value(), ManifestKind::index);
  auto idx = parse_index(text);
  ASSERT_TRUE(idx) << idx.error().message;
  ASSERT_EQ(idx->manifests.size(), 1u);
  ASSERT_TRUE(idx->manifests[0].platform);
  EXPECT_EQ(idx->manifests[0].platform->str(), "linux/arm64/v8");

  EXPECT_EQ(sniff_manifest_kind("{}", "application/vnd.docker.distribution.manifest.list.v2+json; x=y").value(),
            ManifestKind::index);
  EXPECT_FALSE(sniff_manifest_kind("{}"));
  EXPECT_FALSE(sniff_manifest_kind("nope"));
  EXPECT_FALSE(sniff_manifest_kind(R"({"mediaType":"text/plain"})"));
  auto bad_platform = parse_index(R"({"schemaVersion":2,"manifests":[{"mediaType":"x","digest":")" + k_d1 +
                                  R"(","size":1,"platform":{"os":"linux"}}]})");
  ASSERT_FALSE(bad_platform);
  EXPECT_NE(bad_platform.error().message.find("manifests[0]"), std::string::npos) << bad_platform.error().message;
}

TEST(Types, ParsesConfig) {
  std::string text = R"({"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",
    "config":{"User":"1000","Env":["A=b"],"Entrypoint":null,"Cmd":["sh"],"WorkingDir":"/w",
              "ExposedPorts":{"80/tcp":{}},"Labels":{"k":"v"}},
    "rootfs":{"type":"layers","diff_ids":[")" + k_d1 + R"("]},
    "history":[{"created_by":"RUN x","empty_layer":true}]})";
  auto c = parse_config(text);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->user, "1000");
  EXPECT_TRUE(c->entrypoint.empty());
  EXPECT_EQ(c->cmd, std::vector<std::string>{"sh"});
  EXPECT_EQ(c->exposed_ports, std::vector<std::string>{"80/tcp"});
  EXPECT_EQ(c->labels.at("k"), "v");
  EXPECT_EQ(c->diff_ids.size(), 1u);
  ASSERT_EQ(c->history.size(), 1u);
  EXPECT_TRUE(c->history[0].empty_layer);

  auto j = to_json(*c);
  EXPECT_EQ(j["working_dir"], "/w");
  EXPECT_EQ(j["exposed_ports"][0], "80/tcp");
  EXPECT_EQ(j["history"][0]["created_by"], "RUN x");
  EXPECT_EQ(j["diff_ids"][0], k_d1);
  EXPECT_EQ(j["architecture"], "amd64");
}

TEST(Types, RejectsMalformedConfig) {
  auto cmd = parse_config(R"({"config":{"Cmd":"sh -c x"}})");
  ASSERT_FALSE(cmd);
  EXPECT_EQ(cmd.error().code, ErrorCode::invalid_image);
  EXPECT_NE(cmd.error().message.find("config.Cmd"), std::string::npos) << cmd.error().message;
  auto label = parse_config(R"({"config":{"Labels":{"a":1}}})");
  ASSERT_FALSE(label);
  EXPECT_NE(label.error().message.find("config.Labels.a"), std::string::npos);
  auto diff = parse_config(R"({"rootfs":{"diff_ids":["sha256:zz"]}})");
  ASSERT_FALSE(diff);
  EXPECT_NE(diff.error().message.find("rootfs.diff_ids[0]"), std::string::npos);
  auto hist = parse_config(R"({"history":[{"empty_layer":"yes"}]})");
  ASSERT_FALSE(hist);
  EXPECT_NE(hist.error().message.find("history[0].empty_layer"), std::string::npos);
  EXPECT_FALSE(parse_config("42"));
}

TEST(Types, DescriptorJson) {
  Descriptor d;
  d.media_type = "m";
  d.digest = k_d1;
  d.size = 3;
  d.platform = Platform{"linux", "arm", "v7", ""};
  auto j = to_json(d);
  EXPECT_EQ(j["media_type"], "m");
  EXPECT_EQ(j["size"], 3);
  EXPECT_EQ(j["platform"]["variant"], "v7");
  auto back = parse_descriptor(nlohmann::json{{"mediaType", "m"}, {"digest", k_d1}, {"size", 3}});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->digest, k_d1);
  EXPECT_FALSE(parse_descriptor(nlohmann::json{{"mediaType", "m"}, {"digest", k_d1}}));
  EXPECT_FALSE(parse_descriptor(nlohmann::json::array()));
}

}  // namespace
}  // namespace ig::image
