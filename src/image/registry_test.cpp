// Unit tests of the registry client that need no server; the full protocol is
// exercised against a real docker-registry in tests/integration/registry_*.sh.
#include "image/registry.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ig::image {
namespace {

// A loopback port with nothing listening on it.
int closed_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

TEST(Registry, AcceptHeaderListsAllManifestTypes) {
  std::string accept = manifest_accept_header();
  for (auto t : {media_type::oci_manifest, media_type::oci_index, media_type::docker_manifest,
                 media_type::docker_manifest_list}) {
    EXPECT_NE(accept.find(t), std::string::npos) << t;
  }
}

TEST(Registry, UnreachableRegistryIsANetworkErrorAfterRetries) {
  RegistryOptions o;
  o.max_retries = 2;
  std::string host = "127.0.0.1:" + std::to_string(closed_port());
  RegistryClient client(host, o);
  std::vector<std::chrono::milliseconds> delays;
  client.set_sleep([&](std::chrono::milliseconds d) { delays.push_back(d); });
  auto m = client.get_manifest("library/x", "latest");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::network);
  EXPECT_NE(m.error().message.find("cannot reach " + host), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("after 3 attempts"), std::string::npos) << m.error().message;
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_LE(delays[0], delays[1] * 2);  // jittered, but growing on average
}

TEST(Registry, BadDescriptorsAreRejectedBeforeAnyRequest) {
  RegistryOptions o;
  o.max_retries = 0;
  RegistryClient client("127.0.0.1:" + std::to_string(closed_port()), o);
  Descriptor d;
  d.digest = "sha256:nothex";
  d.size = 5;
  auto r = client.download_blob("x", d, -1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_image);
}

TEST(Http, RedactsQueryAndUserInfo) {
  EXPECT_EQ(redact_url("https://user:pw@s3.example/bucket/key?X-Amz-Signature=abc"), "https://s3.example/bucket/key");
  EXPECT_EQ(redact_url("http://127.0.0.1:5000/v2/"), "http://127.0.0.1:5000/v2/");
  EXPECT_EQ(url_encode("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
}

}  // namespace
}  // namespace ig::image
