#include "image/oci_layout.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "image/archive_source.h"
#include "util/digest.h"

namespace ig::image {
namespace {

namespace fs = std::filesystem;

TEST(LayoutRef, SplitsTagAndDigest) {
  const std::string d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  auto a = split_layout_ref("/no/such/dir:v1.2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->path, "/no/such/dir");
  EXPECT_EQ(a->tag, "v1.2");
  auto b = split_layout_ref("./img@" + d);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "./img");
  EXPECT_EQ(b->digest, d);
  auto c = split_layout_ref("c:/img:latest");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, "c:/img");
  EXPECT_EQ(c->tag, "latest");
  auto plain = split_layout_ref("/no/such/dir");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->path, "/no/such/dir");
  EXPECT_EQ(plain->tag, "");
  EXPECT_FALSE(split_layout_ref(""));
  EXPECT_FALSE(blob_path("sha256:../../etc/passwd"));
  EXPECT_EQ(blob_path(d).value(), "blobs/sha256/" + d.substr(7));
}

class LayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ig_layout_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "blobs/sha256");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Descriptor put(const std::string& content, const std::string& media_type) {
    Descriptor d{media_type, sha256_digest(content), static_cast<int64_t>(content.size()), {}, {}, {}, {}};
    std::ofstream(dir_ / blob_path(d.digest).value(), std::ios::binary) << content;
    return d;
  }
  void write_index(const std::string& manifests) {
    std::ofstream(dir_ / "index.json") << R"({"schemaVersion":2,"manifests":[)" << manifests << "]}";
  }
  static std::string entry(const Descriptor& d, const std::string& tag) {
    return R"({"mediaType":")" + d.media_type + R"(","digest":")" + d.digest + R"(","size":)" +
           std::to_string(d.size) + R"(,"annotations":{"org.opencontainers.image.ref.name":")" + tag + R"("}})";
  }

  fs::path dir_;
};

TEST_F(LayoutTest, PicksByTagAndListsTags) {
  auto a = put(R"({"schemaVersion":2,"layers":[]})", "application/vnd.oci.image.manifest.v1+json");
  auto b = put(R"({"schemaVersion":2,"layers":[] })", "application/vnd.oci.image.manifest.v1+json");
  write_index(entry(a, "one") + "," + entry(b, "two"));
  OciLayoutSource two(directory_files(dir_), "two", "");
  auto root = two.fetch_root();
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->digest, b.digest);

  OciLayoutSource none(directory_files(dir_), "", "");
  auto err = none.fetch_root();
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().code, ErrorCode::not_found);
  EXPECT_NE(err.error().message.find("one, two"), std::string::npos) << err.error().message;

  OciLayoutSource missing(directory_files(dir_), "three", "");
  ASSERT_FALSE(missing.fetch_root());
  EXPECT_EQ(missing.fetch_root().error().code, ErrorCode::not_found);
}

TEST_F(LayoutTest, VerifiesBlobs) {
  auto m = put(R"({"schemaVersion":2})", "application/vnd.oci.image.manifest.v1+json");
  write_index(entry(m, "latest"));
  std::ofstream(dir_ / blob_path(m.digest).value(), std::ios::binary) << R"({"schemaVersion":3})";
  OciLayoutSource src(directory_files(dir_), "", "");
  auto root = src.fetch_root();
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, ErrorCode::integrity);
  EXPECT_NE(root.error().message.find(m.digest), std::string::npos);

  auto layer = put("layer bytes", "application/vnd.oci.image.layer.v1.tar");
  layer.size = 5;
  auto opened = src.open_blob(layer);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::integrity);

  fs::create_symlink("/etc/hostname", dir_ / "blobs/sha256" / std::string(64, 'a'));
  Descriptor link{"x", "sha256:" + std::string(64, 'a'), 1, {}, {}, {}, {}};
  auto refused = src.open_blob(link);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("symbolic link"), std::string::npos) << refused.error().message;
}

TEST(DockerArchiveManifest, ParsesAndRejects) {
  auto ok = parse_docker_archive_manifest(R"([{"Config":"abc.json","RepoTags":["a:1"],"Layers":["l/layer.tar"]}])");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].repo_tags[0], "a:1");
  EXPECT_FALSE(parse_docker_archive_manifest("{}"));
  EXPECT_FALSE(parse_docker_archive_manifest(R"([{"Config":1,"Layers":[]}])"));
  auto escape = parse_docker_archive_manifest(R"([{"Config":"../x.json","Layers":[]}])");
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().code, ErrorCode::invalid_image);
  EXPECT_NE(escape.error().message.find("Config"), std::string::npos);
}

}  // namespace
}  // namespace ig::image
