#include "image/reference.h"

#include <gtest/gtest.h>

namespace ig::image {
namespace {

const std::string k_digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Reference must_parse(const std::string& s) {
  auto r = Reference::parse(s);
  EXPECT_TRUE(r) << s << ": " << (r ? "" : r.error().message);
  return r ? *r : Reference{};
}

TEST(Reference, DockerHubDefaults) {
  auto r = must_parse("nginx");
  EXPECT_EQ(r.registry, "docker.io");
  EXPECT_EQ(r.repository, "library/nginx");
  EXPECT_EQ(r.tag, "latest");
  EXPECT_EQ(r.manifest_ref(), "latest");
  EXPECT_EQ(r.str(), "docker.io/library/nginx:latest");
  EXPECT_EQ(r.api_host(), "registry-1.docker.io");
  EXPECT_FALSE(r.is_loopback());

  EXPECT_EQ(must_parse("docker.io/nginx").repository, "library/nginx");
  EXPECT_EQ(must_parse("index.docker.io/library/nginx:1.27").str(), "docker.io/library/nginx:1.27");
  EXPECT_EQ(must_parse("bitnami/redis:7").str(), "docker.io/bitnami/redis:7");
}

TEST(Reference, RegistryWithPortAndTag) {
  auto r = must_parse("localhost:5000/a/b:tag");
  EXPECT_EQ(r.registry, "localhost:5000");
  EXPECT_EQ(r.repository, "a/b");
  EXPECT_EQ(r.tag, "tag");
  EXPECT_TRUE(r.is_loopback());
  EXPECT_EQ(r.api_host(), "localhost:5000");

  auto plain = must_parse("localhost/app");
  EXPECT_EQ(plain.registry, "localhost");
  EXPECT_EQ(plain.repository, "app");

  auto ghcr = must_parse("ghcr.io/org/app:v1.2.3-rc.1");
  EXPECT_EQ(ghcr.registry, "ghcr.io");
  EXPECT_EQ(ghcr.tag, "v1.2.3-rc.1");
  EXPECT_FALSE(ghcr.is_loopback());
}

TEST(Reference, Ipv6AndDigest) {
  auto r = must_parse("[::1]:5000/x@" + k_digest);
  EXPECT_EQ(r.registry, "[::1]:5000");
  EXPECT_EQ(r.repository, "x");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, k_digest);
  EXPECT_EQ(r.manifest_ref(), k_digest);
  EXPECT_TRUE(r.is_loopback());
  EXPECT_EQ(r.str(), "[::1]:5000/x@" + k_digest);

  auto both = must_parse("registry.example.com/app:1@" + k_digest);
  EXPECT_EQ(both.tag, "1");
  EXPECT_EQ(both.manifest_ref(), k_digest);
  EXPECT_EQ(both.str(), "registry.example.com/app:1@" + k_digest);
}

TEST(Reference, Loopback) {
  EXPECT_TRUE(must_parse("127.0.0.1:5000/a").is_loopback());
  EXPECT_TRUE(must_parse("127.1.2.3/a").is_loopback());
  EXPECT_FALSE(must_parse("127.example.com/a").is_loopback());
  EXPECT_FALSE(must_parse("10.0.0.1:5000/a").is_loopback());
}

TEST(Reference, SeparatorsInComponents) {
  EXPECT_EQ(must_parse("x/a.b_c__d---e/f-g").repository, "x/a.b_c__d---e/f-g");
  EXPECT_EQ(must_parse("x:_tag.1-").tag, "_tag.1-");
}

void expect_bad(const std::string& s, const std::string& needle) {
  auto r = Reference::parse(s);
  ASSERT_FALSE(r) << s << " parsed as " << r->str();
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("invalid reference"), std::string::npos) << r.error().message;
}

TEST(Reference, RejectsInvalid) {
  expect_bad("Foo/bar", "repository component 'Foo' must be lowercase");
  expect_bad("docker.io/Library/nginx", "'Library' must be lowercase");
  expect_bad("", "empty");
  expect_bad("nginx:", "tag");
  expect_bad("nginx:-bad", "tag '-bad'");
  expect_bad("nginx:" + std::string(129, 'a'), "129 characters");
  expect_bad("nginx@sha256:abc", "digest");
  expect_bad("nginx@md5:d41d8cd98f00b204e9800998ecf8427e", "md5");
  expect_bad("a//b", "empty path component");
  expect_bad("a/b/", "empty path component");
  expect_bad("a/-b", "'-b'");
  expect_bad("a/b-", "must end with a letter or digit");
  expect_bad("a/b.-c", "'.-'");
  expect_bad("a/b___c", "'___'");
  expect_bad("host:abc/x", "invalid port");
  expect_bad("[::1/x", "unclosed");
  expect_bad("-bad.example.com/x", "not a valid host name");
  expect_bad("a b", "a b");
  expect_bad("example.com/" + std::string(300, 'a'), "longer than");
}

}  // namespace
}  // namespace ig::image
