#include "aws/credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "aws/credential_providers.h"
#include "aws/test_http_server.h"

namespace ig::aws {
namespace {

using testing::ScriptedServer;

class EnvGuard {
 public:
  EnvGuard() {
    for (const char* v :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
          "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
          "AWS_ENDPOINT_URL_STS", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
          "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_V1_DISABLED"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
      ::unsetenv(v);
    }
    ::setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config", 1);
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", 1);
    ::setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
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

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string future_time(int seconds) {
  std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sts_answer(const std::string& action, const std::string& key, const std::string& expiration) {
  return "<" + action + "Response><" + action + "Result><Credentials><AccessKeyId>" + key +
         "</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>" +
         expiration + "</Expiration></Credentials></" + action + "Result></" + action + "Response>";
}

TEST(SharedFiles, ConfigAndCredentialsNaming) {
  SharedConfig cfg;
  ASSERT_TRUE(parse_shared_file("# comment\n[default]\nregion = us-east-1\n\n[profile dev]\nRegion=eu-west-1\n"
                                "role_arn = arn:aws:iam::1:role/r\n; note\n[sso-session x]\nsso_region = a\n"
                                "[services local]\necr =\n  endpoint_url = http://x\n[dev2]\nregion = ignored\n",
                                false, "config", cfg));
  ASSERT_TRUE(parse_shared_file("[dev]\naws_access_key_id = AKID\naws_secret_access_key = sec=ret\n"
                                "[profile odd]\nregion = z\n",
                                true, "credentials", cfg));
  EXPECT_EQ(cfg.profiles["default"]["region"], "us-east-1");
  EXPECT_EQ(cfg.profiles["dev"]["region"], "eu-west-1");  // names are case-insensitive
  EXPECT_EQ(cfg.profiles["dev"]["aws_secret_access_key"], "sec=ret");
  EXPECT_EQ(cfg.profiles.count("dev2"), 0u);         // config sections need "profile "
  EXPECT_EQ(cfg.profiles.count("profile odd"), 1u);  // the credentials file takes names as they are
  EXPECT_EQ(cfg.services["local"]["ecr.endpoint_url"], "http://x");
  EXPECT_EQ(cfg.profiles.count("x"), 0u);
}

TEST(SharedFiles, MalformedLinesNameTheFileAndLine) {
  SharedConfig cfg;
  auto a = parse_shared_file("[default]\nregion us-east-1\n", false, "/home/u/.aws/config", cfg);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::usage);
  EXPECT_NE(a.error().message.find("/home/u/.aws/config line 2"), std::string::npos) << a.error().message;
  EXPECT_FALSE(parse_shared_file("[default\n", false, "c", cfg));
  EXPECT_FALSE(parse_shared_file("region = x\n", false, "c", cfg));
  EXPECT_FALSE(parse_shared_file("[default]\n = x\n", false, "c", cfg));
}

TEST(ProcessOutput, ParsesVersion1AndExpiration) {
  auto t = parse_process_output(R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"ST",
                                   "Expiration":"2030-01-02T03:04:05Z"})",
                                "helper");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->credentials.access_key_id, "AK");
  EXPECT_EQ(t->credentials.session_token, "ST");
  ASSERT_TRUE(t->expires);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t->expires), 1893553445);
  EXPECT_FALSE(parse_process_output(R"({"Version":2,"AccessKeyId":"AK","SecretAccessKey":"SK"})", "h"));
  EXPECT_FALSE(parse_process_output(R"({"Version":1,"AccessKeyId":"AK"})", "h"));
  EXPECT_FALSE(parse_process_output("AK SK", "h"));
  auto bad = parse_process_output(R"({"Version":1,"AccessKeyId":"AK","SecretAccessKey":"TOPSECRET","Expiration":"x"})",
                                  "h");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("TOPSECRET"), std::string::npos);
}

TEST(ProcessOutput, Iso8601Forms) {
  auto z = parse_iso8601("2026-12-04T17:00:00Z");
  auto frac = parse_iso8601("2026-12-04T17:00:00.524115Z");
  auto off = parse_iso8601("2026-12-04T19:00:00+02:00");
  ASSERT_TRUE(z && frac && off);
  EXPECT_EQ(*z, *frac);
  EXPECT_EQ(*z, *off);
  EXPECT_FALSE(parse_iso8601("yesterday"));
  EXPECT_FALSE(parse_iso8601("2026-13-04T17:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-12-04T17:00:00 junk"));
}

TEST(ProcessOutput, SplitsLikeAShell) {
  auto w = split_command_line(R"(/usr/bin/helper --a 'b c' "d \"e\"" f\ g)");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<std::string>{"/usr/bin/helper", "--a", "b c", "d \"e\"", "f g"}));
  EXPECT_FALSE(split_command_line("x 'open"));
}

TEST(Refreshing, RefetchesOnlyNearExpiry) {
  int calls = 0;
  auto far = refreshing_source(
      [&]() -> Result<TimedCredentials> {
        ++calls;
        return TimedCredentials{{"AK", "SK", "T"}, std::chrono::system_clock::now() + std::chrono::hours(1)};
      },
      "test");
  ASSERT_TRUE(far->get());
  ASSERT_TRUE(far->get());
  EXPECT_EQ(calls, 1);
  int near_calls = 0;
  auto near = refreshing_source(
      [&]() -> Result<TimedCredentials> {
        ++near_calls;
        return TimedCredentials{{"AK", "SK", "T"}, std::chrono::system_clock::now() + std::chrono::minutes(4)};
      },
      "test");
  ASSERT_TRUE(near->get());
  ASSERT_TRUE(near->get());
  EXPECT_EQ(near_calls, 2);  // within 5 minutes of expiry: fetched again
}

TEST(Refreshing, AFailedRefreshKeepsValidCredentials) {
  int calls = 0;
  auto s = refreshing_source(
      [&]() -> Result<TimedCredentials> {
        if (calls++ == 0) {
          return TimedCredentials{{"AK", "SK", "T"}, std::chrono::system_clock::now() + std::chrono::minutes(2)};
        }
        return fail(ErrorCode::network, "down");
      },
      "test");
  ASSERT_TRUE(s->get());
  auto again = s->get();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->access_key_id, "AK");
  EXPECT_EQ(calls, 2);
}

TEST(Chain, EnvironmentFirst) {
  EnvGuard g;
  ::setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SKENV", 1);
  ::setenv("AWS_SESSION_TOKEN", "TOKENV", 1);
  auto c = default_credentials();
  auto r = c->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->session_token, "TOKENV");
  EXPECT_EQ(c->describe(), "environment variables");
}

TEST(Chain, NothingConfiguredNamesTheVariables) {
  EnvGuard g;
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(r.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
}

TEST(Chain, MissingNamedProfileIsAnError) {
  EnvGuard g;
  ::setenv("AWS_PROFILE", "nope", 1);
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("AWS profile nope"), std::string::npos) << r.error().message;
}

TEST(Chain, ProfileStaticKeysAndCredentialProcess) {
  EnvGuard g;
  std::string out = write_temp("proc-out.json", R"({"Version":1,"AccessKeyId":"AKPROC","SecretAccessKey":"SK"})");
  ::setenv("AWS_CONFIG_FILE",
           write_temp("cfg-proc", "[profile proc]\ncredential_process = cat '" + out + "'\n[profile keys]\n").c_str(),
           1);
  ::setenv("AWS_SHARED_CREDENTIALS_FILE",
           write_temp("cred-keys", "[keys]\naws_access_key_id = AKFILE\naws_secret_access_key = SKFILE\n").c_str(), 1);
  ::setenv("AWS_PROFILE", "proc", 1);
  auto p = default_credentials();
  auto r = p->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->access_key_id, "AKPROC");
  EXPECT_EQ(p->describe(), "profile proc (credential_process)");
  ::setenv("AWS_PROFILE", "keys", 1);
  auto k = default_credentials()->get();
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->access_key_id, "AKFILE");
}

TEST(Chain, FailingCredentialProcessSaysWhy) {
  EnvGuard g;
  ::setenv("AWS_CONFIG_FILE", write_temp("cfg-false", "[default]\ncredential_process = false\n").c_str(), 1);
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("credential_process false exited with status 1"), std::string::npos)
      << r.error().message;
}

TEST(Chain, ChainedAssumeRoleThroughSts) {
  EnvGuard g;
  // base (keys) -> mid (assume role A) -> top (assume role B with mid's credentials).
  ScriptedServer sts({{200, sts_answer("AssumeRole", "ASIAMID", future_time(3600)), {}},
                      {200, sts_answer("AssumeRole", "ASIATOP", future_time(3600)), {}}});
  ::setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  ::setenv("AWS_CONFIG_FILE",
           write_temp("cfg-chain", "[profile top]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = mid\n"
                                   "role_session_name = sess\nregion = eu-west-1\n"
                                   "[profile mid]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = base\n"
                                   "external_id = ext-1\n[profile base]\naws_access_key_id = AKBASE\n"
                                   "aws_secret_access_key = SKBASE\n")
               .c_str(),
           1);
  ::setenv("AWS_PROFILE", "top", 1);
  auto c = default_credentials();
  auto r = c->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIATOP");
  EXPECT_EQ(r->session_token, "tok");
  EXPECT_NE(c->describe().find("assume role arn:aws:iam::1:role/B with profile mid"), std::string::npos);
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_NE(reqs[0].find("Credential=AKBASE/"), std::string::npos);
  EXPECT_NE(reqs[0].find("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA"), std::string::npos);
  EXPECT_NE(reqs[0].find("ExternalId=ext-1"), std::string::npos);
  EXPECT_NE(reqs[1].find("Credential=ASIAMID/"), std::string::npos);
  EXPECT_NE(reqs[1].find("/eu-west-1/sts/aws4_request"), std::string::npos);
  EXPECT_NE(reqs[1].find("RoleSessionName=sess"), std::string::npos);
  EXPECT_NE(reqs[1].find("X-Amz-Security-Token: tok"), std::string::npos);
}

TEST(Chain, SourceProfileLoopIsAnError) {
  EnvGuard g;
  ::setenv("AWS_CONFIG_FILE",
           write_temp("cfg-loop", "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
                                  "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n")
               .c_str(),
           1);
  ::setenv("AWS_PROFILE", "a", 1);
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("loops back"), std::string::npos) << r.error().message;
}

TEST(Chain, WebIdentityFromEnvironmentIsUnsigned) {
  EnvGuard g;
  ScriptedServer sts({{200, sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB", future_time(3600)), {}}});
  ::setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  ::setenv("AWS_WEB_IDENTITY_TOKEN_FILE", write_temp("web-token", "eyJhbGciOi.jwt.sig\n").c_str(), 1);
  ::setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/ci", 1);
  auto r = default_credentials()->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIAWEB");
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].find("Authorization:"), std::string::npos);
  EXPECT_NE(reqs[0].find("WebIdentityToken=eyJhbGciOi.jwt.sig"), std::string::npos) << reqs[0];
}

TEST(Chain, ContainerCredentialsWithAuthorizationTokenFile) {
  EnvGuard g;
  ScriptedServer agent({{200, R"({"AccessKeyId":"ASIACTR","SecretAccessKey":"SK","Token":"T","Expiration":")" +
                                  future_time(3600) + "\"}",
                         {}}});
  ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (agent.url() + "/v2/credentials").c_str(), 1);
  ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", write_temp("ctr-token", "Bearer abc\n").c_str(), 1);
  ::setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored", 1);
  auto c = default_credentials();
  auto r = c->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIACTR");
  EXPECT_EQ(c->describe(), "container credentials");
  auto reqs = agent.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].rfind("GET /v2/credentials HTTP/1.1", 0), 0u);
  EXPECT_NE(reqs[0].find("Authorization: Bearer abc"), std::string::npos);
}

TEST(Chain, ContainerFullUriMustBeLocalOrHttps) {
  EnvGuard g;
  ::setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("must be https"), std::string::npos) << r.error().message;
}

TEST(Chain, InstanceMetadataV2TokenFirst) {
  EnvGuard g;
  ScriptedServer imds({{200, "TOKEN123", {}},
                       {200, "my-role\n", {}},
                       {200, R"({"Code":"Success","AccessKeyId":"ASIAEC2","SecretAccessKey":"SK","Token":"T",
                                 "Expiration":")" + future_time(3600) + "\"}",
                        {}}});
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url().c_str(), 1);
  auto c = default_credentials();
  auto r = c->get();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIAEC2");
  EXPECT_EQ(c->describe(), "EC2 instance metadata");
  auto reqs = imds.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].rfind("PUT /latest/api/token HTTP/1.1", 0), 0u);
  EXPECT_NE(reqs[0].find("X-aws-ec2-metadata-token-ttl-seconds: 21600"), std::string::npos);
  EXPECT_EQ(reqs[1].rfind("GET /latest/meta-data/iam/security-credentials/ HTTP/1.1", 0), 0u);
  EXPECT_NE(reqs[1].find("X-aws-ec2-metadata-token: TOKEN123"), std::string::npos);
  EXPECT_EQ(reqs[2].rfind("GET /latest/meta-data/iam/security-credentials/my-role HTTP/1.1", 0), 0u);
}

TEST(Chain, UnreachableInstanceMetadataEndsInTheMissingCredentialsMessage) {
  EnvGuard g;
  std::string url;
  {
    ScriptedServer closed({});
    url = closed.url();
  }
  ::unsetenv("AWS_EC2_METADATA_DISABLED");
  ::setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.c_str(), 1);
  auto r = default_credentials()->get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(r.error().message.find("EC2 instance metadata"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ig::aws
