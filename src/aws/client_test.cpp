#include "aws/client.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "aws/aws_error.h"
#include "aws/retry.h"
#include "aws/test_http_server.h"

namespace ig::aws {
namespace {

using testing::CannedResponse;
using testing::ScriptedServer;

// Sets environment variables for one test and restores them after.
class EnvGuard {
 public:
  EnvGuard() {
    for (const char* v : {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_KMS", "AWS_REGION",
                          "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
      ::unsetenv(v);
    }
    ::setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config", 1);
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", 1);
  }
  ~EnvGuard() {
    for (const auto& [k, v] : saved_) {
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
      else ::unsetenv(k.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::shared_ptr<CredentialSource> test_creds() { return static_credentials({"AKIDEXAMPLE", "secret-value", ""}); }

TEST(ClientEndpoint, DefaultAndChinaAndOverrides) {
  EnvGuard g;
  auto c = Client::make(k_ecr, "eu-west-1", test_creds());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->endpoint(), "https://api.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(Client::make(k_logs, "cn-north-1", test_creds())->endpoint(), "https://logs.cn-north-1.amazonaws.com.cn");
  ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
  EXPECT_EQ(Client::make(k_ecr, "us-east-1", test_creds())->endpoint(), "http://127.0.0.1:4566");
  ::setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5000", 1);
  EXPECT_EQ(Client::make(k_ecr, "us-east-1", test_creds())->endpoint(), "http://127.0.0.1:5000");
  EXPECT_EQ(Client::make(k_kms, "us-east-1", test_creds())->endpoint(), "http://127.0.0.1:4566");
  ::setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
  EXPECT_EQ(Client::make(k_ecr, "us-east-1", test_creds())->endpoint(), "https://api.ecr.us-east-1.amazonaws.com");
}

TEST(ClientEndpoint, RegionIsRequiredUnlessTheOverrideNamesOne) {
  EnvGuard g;
  auto none = Client::make(k_sns, "", test_creds());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::usage);
  EXPECT_NE(none.error().message.find("AWS_REGION"), std::string::npos);
  EXPECT_NE(none.error().message.find("Amazon SNS"), std::string::npos);
  ::setenv("AWS_ENDPOINT_URL_ECR", "https://api.ecr.ap-south-1.amazonaws.com", 1);
  auto named = Client::make(k_ecr, "", test_creds());
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->region(), "ap-south-1");
}

TEST(ClientEndpoint, ProfileRegionAndServiceEndpoint) {
  EnvGuard g;
  std::string dir = ::testing::TempDir();
  std::string cfg = dir + "/aws-config-endpoints";
  FILE* f = std::fopen(cfg.c_str(), "w");
  std::fputs("[profile dev]\nregion = eu-central-1\nservices = local\nendpoint_url = http://127.0.0.1:1111\n"
             "[services local]\necr =\n  endpoint_url = http://127.0.0.1:2222\n",
             f);
  std::fclose(f);
  ::setenv("AWS_CONFIG_FILE", cfg.c_str(), 1);
  ::setenv("AWS_PROFILE", "dev", 1);
  EXPECT_EQ(default_region(), "eu-central-1");
  EXPECT_EQ(Client::make(k_ecr, default_region(), test_creds())->endpoint(), "http://127.0.0.1:2222");
  EXPECT_EQ(Client::make(k_sns, default_region(), test_creds())->endpoint(), "http://127.0.0.1:1111");
  ::setenv("AWS_REGION", "us-west-2", 1);
  EXPECT_EQ(default_region(), "us-west-2");
}

TEST(ClientSend, SignsJson11AndReturnsTheBody) {
  EnvGuard g;
  ScriptedServer server({{200, R"({"repositories":[]})", {"Content-Type: application/x-amz-json-1.1"}}});
  auto c = Client::make_at(k_ecr, server.url(), "us-east-1", test_creds());
  ASSERT_TRUE(c) << c.error().message;
  auto j = c->json_call("DescribeRepositories", {{"maxResults", 5}});
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_TRUE((*j)["repositories"].is_array());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].find("X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"),
            std::string::npos);
  EXPECT_NE(reqs[0].find("Content-Type: application/x-amz-json-1.1"), std::string::npos);
  EXPECT_NE(reqs[0].find("Credential=AKIDEXAMPLE/"), std::string::npos);
  EXPECT_NE(reqs[0].find("/us-east-1/ecr/aws4_request"), std::string::npos);
  EXPECT_NE(reqs[0].find(R"({"maxResults":5})"), std::string::npos);
}

TEST(ClientSend, RetriesServerErrorsAndThrottlingWithJitteredBackoff) {
  EnvGuard g;
  ScriptedServer server({{500, "oops", {}},
                         {400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})", {}},
                         {200, "{}", {}}});
  std::vector<std::chrono::milliseconds> slept;
  RetryPolicy retry;
  retry.sleep = [&](std::chrono::milliseconds d) { slept.push_back(d); };
  auto c = Client::make_at(k_logs, server.url(), "us-east-1", test_creds(), retry);
  auto j = c->json_call("PutLogEvents", nlohmann::json::object());
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(server.requests().size(), 3u);
  ASSERT_EQ(slept.size(), 2u);
  EXPECT_LE(slept[0].count(), 100);
  EXPECT_LE(slept[1].count(), 200);
}

TEST(ClientSend, GivesUpAfterMaxAttemptsAndReturnsTheLastAnswer) {
  EnvGuard g;
  ScriptedServer server({{503, "", {}}, {503, "", {}}});
  RetryPolicy retry;
  retry.max_attempts = 2;
  retry.sleep = [](std::chrono::milliseconds) {};
  auto c = Client::make_at(k_sns, server.url(), "us-east-1", test_creds(), retry);
  auto r = c->send({});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(ClientSend, ClientErrorsAreNotRetriedAndNameTheFix) {
  EnvGuard g;
  ScriptedServer server({{400, R"({"__type":"com.amazonaws#AccessDeniedException","message":"not allowed"})", {}}});
  RetryPolicy retry;
  retry.sleep = [](std::chrono::milliseconds) { FAIL() << "must not retry"; };
  auto c = Client::make_at(k_ecr, server.url(), "us-east-1", test_creds(), retry);
  auto j = c->json_call("GetAuthorizationToken", nlohmann::json::object());
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, ErrorCode::not_found);
  const std::string& m = j.error().message;
  EXPECT_NE(m.find("Amazon ECR GetAuthorizationToken failed: AccessDeniedException (HTTP 400): not allowed"),
            std::string::npos) << m;
  EXPECT_NE(m.find("ecr:GetAuthorizationToken"), std::string::npos) << m;
  EXPECT_EQ(m.find("secret-value"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(ClientSend, QueryProtocolFormAndXmlErrors) {
  EnvGuard g;
  ScriptedServer server({{403,
                          "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The "
                          "security token included in the request is invalid.</Message></Error></ErrorResponse>",
                          {}}});
  auto c = Client::make_at(k_sts, server.url(), "us-east-1", test_creds());
  auto x = c->query_call("GetCallerIdentity", "2011-06-15", {{"A b", "c&d"}});
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().code, ErrorCode::usage);
  EXPECT_NE(x.error().message.find("InvalidClientTokenId"), std::string::npos) << x.error().message;
  EXPECT_NE(x.error().message.find("static credentials"), std::string::npos) << x.error().message;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].find("Action=GetCallerIdentity&Version=2011-06-15&A%20b=c%26d"), std::string::npos) << reqs[0];
}

TEST(ClientSend, RestJsonSendsMethodAndPath) {
  EnvGuard g;
  ScriptedServer server({{200, R"({"findings":[]})", {}}});
  auto c = Client::make_at(k_inspector2, server.url() + "/base/", "us-east-1", test_creds());
  auto j = c->rest_json("POST", "/findings/list", {{"maxResults", 1}}, "ListFindings");
  ASSERT_TRUE(j) << j.error().message;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].rfind("POST /base/findings/list HTTP/1.1", 0), 0u) << reqs[0];
}

TEST(ClientSend, EmptyCredentialsSendUnsigned) {
  EnvGuard g;
  ScriptedServer server({{200, "<ok/>", {}}});
  auto c = Client::make_at(k_sts, server.url(), "us-east-1", static_credentials({}));
  ASSERT_TRUE(c->query_call("AssumeRoleWithWebIdentity", "2011-06-15", {}));
  EXPECT_EQ(server.requests()[0].find("Authorization"), std::string::npos);
}

TEST(ClientSend, UnreachableEndpointIsANetworkError) {
  EnvGuard g;
  RetryPolicy retry;
  int sleeps = 0;
  retry.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  std::string url;
  {
    ScriptedServer closed({});
    url = closed.url();
  }
  auto c = Client::make_at(k_kms, url, "us-east-1", test_creds(), retry);
  auto r = c->json_call("GetPublicKey", nlohmann::json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::network);
  EXPECT_NE(r.error().message.find("AWS_ENDPOINT_URL_KMS"), std::string::npos) << r.error().message;
  EXPECT_EQ(sleeps, 2);
}

TEST(RetryPolicy, WhatIsRetried) {
  EXPECT_TRUE(is_retryable(true, 0, ""));
  EXPECT_TRUE(is_retryable(false, 500, ""));
  EXPECT_TRUE(is_retryable(false, 503, ""));
  EXPECT_TRUE(is_retryable(false, 429, ""));
  EXPECT_TRUE(is_retryable(false, 400, "ThrottlingException"));
  EXPECT_TRUE(is_retryable(false, 400, "TooManyRequestsException"));
  EXPECT_FALSE(is_retryable(false, 400, "LimitExceededException"));  // ECR: one scan per day, not throttling
  EXPECT_FALSE(is_retryable(false, 400, "ValidationException"));
  EXPECT_FALSE(is_retryable(false, 403, "AccessDeniedException"));
  EXPECT_FALSE(is_retryable(false, 501, ""));
}

TEST(RetryPolicy, FullJitterIsBoundedAndCapped) {
  using std::chrono::milliseconds;
  EXPECT_EQ(backoff_delay(1, milliseconds(100), 0.0), milliseconds(0));
  EXPECT_EQ(backoff_delay(1, milliseconds(100), 0.999999).count(), 99);
  EXPECT_EQ(backoff_delay(3, milliseconds(100), 0.5), milliseconds(200));
  EXPECT_EQ(backoff_delay(40, milliseconds(100), 0.999999).count(), 19999);
  EXPECT_EQ(backoff_delay(0, milliseconds(100), 2.0), milliseconds(100));
}

TEST(AwsError, ReadsEveryProtocolShape) {
  auto a = parse_aws_error("", R"({"__type":"com.amazon.coral.service#ExpiredTokenException","message":"m"})");
  EXPECT_EQ(a.code, "ExpiredTokenException");
  EXPECT_EQ(a.message, "m");
  auto b = parse_aws_error("ResourceNotFoundException:http://internal.amazon.com/coral/", R"({"Message":"gone"})");
  EXPECT_EQ(b.code, "ResourceNotFoundException");
  EXPECT_EQ(b.message, "gone");
  auto c = parse_aws_error("", "<Error><Code>NoSuchBucket</Code><Message>a &amp; b</Message></Error>");
  EXPECT_EQ(c.code, "NoSuchBucket");
  EXPECT_EQ(c.message, "a & b");
  auto d = parse_aws_error("", "not json, not xml");
  EXPECT_EQ(d.code, "");
  EXPECT_EQ(error_code_for("RepositoryNotFoundException", 400), ErrorCode::not_found);
  EXPECT_EQ(error_code_for("AccessDenied", 403), ErrorCode::not_found);
  EXPECT_EQ(error_code_for("ThrottlingException", 400), ErrorCode::network);
  EXPECT_EQ(error_code_for("", 502), ErrorCode::network);
  EXPECT_EQ(error_code_for("ValidationException", 400), ErrorCode::usage);
  EXPECT_NE(fix_for("AccessDeniedException", "inspector2", "ListFindings", "profile dev").find(
                "inspector2:ListFindings"),
            std::string::npos);
  EXPECT_NE(fix_for("SignatureDoesNotMatch", "s3", "PutObject", "environment variables").find("environment variables"),
            std::string::npos);
}

}  // namespace
}  // namespace ig::aws
