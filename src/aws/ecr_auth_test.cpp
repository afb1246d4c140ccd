#include "aws/ecr_auth.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "aws/test_http_server.h"
#include "util/base64.h"

namespace ig::aws {
namespace {

using testing::ScriptedServer;

TEST(EcrHost, RecognisesRegistryHosts) {
  auto a = parse_ecr_host("123456789012.dkr.ecr.us-east-1.amazonaws.com");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->account, "123456789012");
  EXPECT_EQ(a->region, "us-east-1");
  EXPECT_FALSE(a->fips);
  auto cn = parse_ecr_host("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn:443");
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->region, "cn-north-1");
  EXPECT_EQ(cn->host, "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn");
  auto fips = parse_ecr_host("123456789012.DKR.ECR-FIPS.us-gov-west-1.amazonaws.com");
  ASSERT_TRUE(fips);
  EXPECT_TRUE(fips->fips);
  EXPECT_EQ(fips->region, "us-gov-west-1");
  for (const char* not_ecr : {"docker.io", "public.ecr.aws", "12345678901.dkr.ecr.us-east-1.amazonaws.com",
                              "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
                              "123456789012.dkr.ecr.amazonaws.com", "123456789012.dkr.ecs.us-east-1.amazonaws.com",
                              "abcdefghijkl.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.US_EAST.amazonaws.com"}) {
    EXPECT_FALSE(parse_ecr_host(not_ecr)) << not_ecr;
  }
}

TEST(EcrToken, DecodesUserAndPassword) {
  auto t = decode_ecr_token(base64_encode("AWS:123456789012-auth-token"), 1.7e9);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->username, "AWS");
  EXPECT_EQ(t->password, "123456789012-auth-token");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(t->expires), 1700000000);
  EXPECT_FALSE(decode_ecr_token("!!!", 0));
  EXPECT_FALSE(decode_ecr_token(base64_encode("no-colon"), 0));
}

class EcrFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("ecr-cache-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    for (const char* v : {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
    }
    ::unsetenv("AWS_ENDPOINT_URL");
  }
  void TearDown() override {
    for (const auto& [k, v] : saved_) {
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
      else ::unsetenv(k.c_str());
    }
  }
  static std::string answer(const std::string& password, long expires) {
    return R"({"authorizationData":[{"authorizationToken":")" + base64_encode("AWS:" + password) +
           R"(","expiresAt":)" + std::to_string(expires) + R"(,"proxyEndpoint":"https://x"}]})";
  }
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(EcrFixture, FetchesCachesWith0600AndRefreshes) {
  long later = static_cast<long>(std::time(nullptr)) + 3600;
  ScriptedServer ecr({{200, answer("first", later), {}}, {200, answer("second", later), {}}});
  ::setenv("AWS_ENDPOINT_URL_ECR", ecr.url().c_str(), 1);
  auto reg = *parse_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  auto creds = static_credentials({"AKID", "SECRET", ""});
  EcrTokenCache cache(dir_);

  auto a = ecr_registry_credentials(reg, creds, cache, false);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->token.password, "first");
  auto reqs = ecr.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].find(R"({"registryIds":["123456789012"]})"), std::string::npos);
  EXPECT_NE(reqs[0].find("/eu-west-1/ecr/aws4_request"), std::string::npos);
  EXPECT_NE(reqs[0].find("X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"),
            std::string::npos);

  auto file = cache.path_for(reg, "static credentials\nAKID");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto b = ecr_registry_credentials(reg, creds, cache, false);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->token.password, "first");
  EXPECT_NE(b->origin.find("cached"), std::string::npos);
  EXPECT_EQ(ecr.requests().size(), 1u);

  auto c = ecr_registry_credentials(reg, creds, cache, true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token.password, "second");
  EXPECT_EQ(ecr.requests().size(), 2u);

  // Another identity never sees this token.
  auto other = cache.get(reg, "static credentials\nOTHERKEY");
  EXPECT_FALSE(other);
}

TEST_F(EcrFixture, ExpiredTokensAreNotServedFromTheCache) {
  long past = static_cast<long>(std::time(nullptr)) - 10;
  ScriptedServer ecr({{200, answer("old", past), {}}, {200, answer("new", past), {}}});
  ::setenv("AWS_ENDPOINT_URL_ECR", ecr.url().c_str(), 1);
  auto reg = *parse_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  auto creds = static_credentials({"AKID", "SECRET", ""});
  EcrTokenCache cache(dir_);
  ASSERT_EQ(ecr_registry_credentials(reg, creds, cache, false)->token.password, "old");
  ASSERT_EQ(ecr_registry_credentials(reg, creds, cache, false)->token.password, "new");
}

TEST_F(EcrFixture, AccessDeniedNamesTheIamAction) {
  ScriptedServer ecr({{400, R"({"__type":"AccessDeniedException","message":"User is not authorized"})", {}}});
  ::setenv("AWS_ENDPOINT_URL_ECR", ecr.url().c_str(), 1);
  auto reg = *parse_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  auto r = ecr_registry_credentials(reg, static_credentials({"AKID", "SECRET", ""}), EcrTokenCache(dir_), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("authenticating to 123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
            std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ecr:GetAuthorizationToken"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ig::aws
