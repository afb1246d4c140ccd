#include "image/auth.h"
#include "image/registry_endpoints.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "util/base64.h"

namespace ig::image {
namespace {

namespace fs = std::filesystem;

TEST(WwwAuthenticate, ParsesBearerWithQuotedParams) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull")");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].scheme, "bearer");
  EXPECT_EQ((*c)[0].params.at("realm"), "https://auth.docker.io/token");
  EXPECT_EQ((*c)[0].params.at("service"), "registry.docker.io");
  EXPECT_EQ((*c)[0].params.at("scope"), "repository:library/nginx:pull");
}

TEST(WwwAuthenticate, HandlesEscapesTokensSpacesAndCase) {
  auto c = parse_www_authenticate(R"(BASIC Realm = "a \"quoted\" \\ realm" , charset=UTF-8)");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].scheme, "basic");
  EXPECT_EQ((*c)[0].params.at("realm"), R"(a "quoted" \ realm)");
  EXPECT_EQ((*c)[0].params.at("charset"), "UTF-8");
}

TEST(WwwAuthenticate, SplitsSeveralChallenges) {
  auto c = parse_www_authenticate(R"(Basic realm="r1", Bearer realm="https://t/x",scope="a:b:pull", Negotiate)");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[0].scheme, "basic");
  EXPECT_EQ((*c)[1].scheme, "bearer");
  EXPECT_EQ((*c)[1].params.at("scope"), "a:b:pull");
  EXPECT_EQ((*c)[2].scheme, "negotiate");
  EXPECT_TRUE((*c)[2].params.empty());
}

TEST(WwwAuthenticate, RejectsMalformedHeaders) {
  EXPECT_FALSE(parse_www_authenticate(""));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="unterminated)"));
  EXPECT_FALSE(parse_www_authenticate(R"(Bearer realm="x" junk="y")"));
  EXPECT_FALSE(parse_www_authenticate("Bearer =x"));
  std::string many = "Bearer ";
  for (int i = 0; i < 100; ++i) many += "p" + std::to_string(i) + "=v,";
  auto r = parse_www_authenticate(many);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::network);
}

TEST(DockerConfig, MatchesAuthsWithAndWithoutScheme) {
  std::string cfg = R"({"auths": {"https://index.docker.io/v1/": {"auth": ")" + base64_encode("hub:hubpw") +
                    R"("}, "http://localhost:5000": {"auth": ")" + base64_encode("me:p:w") + R"("},
                    "ghcr.io": {"username": "u", "password": "p"}}})";
  auto hub = match_docker_config(cfg, "docker.io", "cfg.json");
  ASSERT_TRUE(hub) << hub.error().message;
  EXPECT_EQ(hub->credentials.username, "hub");
  EXPECT_EQ(hub->credentials.password, "hubpw");
  auto local = match_docker_config(cfg, "localhost:5000", "cfg.json");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->credentials.username, "me");
  EXPECT_EQ(local->credentials.password, "p:w");  // only the first ':' separates
  auto ghcr = match_docker_config(cfg, "ghcr.io", "cfg.json");
  ASSERT_TRUE(ghcr);
  EXPECT_EQ(ghcr->credentials.username, "u");
  auto none = match_docker_config(cfg, "quay.io", "cfg.json");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->credentials.empty());
  EXPECT_TRUE(none->helper.empty());
}

TEST(DockerConfig, HelperPrecedenceAndSafety) {
  auto cfg = R"({"credsStore": "desktop", "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}})";
  auto ecr = match_docker_config(cfg, "123.dkr.ecr.us-east-1.amazonaws.com", "c");
  ASSERT_TRUE(ecr);
  EXPECT_EQ(ecr->helper, "docker-credential-ecr-login");
  auto other = match_docker_config(cfg, "ghcr.io", "c");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->helper, "docker-credential-desktop");
  EXPECT_FALSE(match_docker_config(R"({"credsStore": "../../bin/evil"})", "x", "c"));
}

TEST(DockerConfig, BadInputIsAUsageErrorThatHidesSecrets) {
  auto bad_json = match_docker_config("{nope", "x", "/home/u/.docker/config.json");
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().code, ErrorCode::usage);
  EXPECT_NE(bad_json.error().message.find("/home/u/.docker/config.json"), std::string::npos);
  auto no_colon = match_docker_config(R"({"auths": {"x": {"auth": ")" + base64_encode("secretvalue") + R"("}}})", "x", "c");
  ASSERT_FALSE(no_colon);
  EXPECT_EQ(no_colon.error().message.find("secretvalue"), std::string::npos);
}

TEST(DockerConfig, HelperOutput) {
  auto c = parse_helper_output(R"({"ServerURL":"x","Username":"bob","Secret":"s3"})", "docker-credential-x");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "bob");
  EXPECT_EQ(c->password, "s3");
  auto t = parse_helper_output(R"({"Username":"<token>","Secret":"refresh"})", "h");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->identity_token, "refresh");
  EXPECT_TRUE(t->username.empty());
  EXPECT_FALSE(parse_helper_output("not json", "h"));
  EXPECT_FALSE(parse_helper_output(R"({"Username": 1, "Secret": "x"})", "h"));
  EXPECT_EQ(helper_server_url("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(helper_server_url("localhost:5000"), "localhost:5000");
}

// A real helper program on PATH, run through find_credentials.
class CredentialHelper : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ig-auth-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "bin");
    std::ofstream(dir_ / "bin" / "docker-credential-igtest")
        << "#!/bin/sh\nread server\n"
           "if [ \"$1\" = get ] && [ \"$server\" = reg.example:5000 ]; then\n"
           "  echo '{\"ServerURL\":\"reg.example:5000\",\"Username\":\"helperuser\",\"Secret\":\"helperpw\"}'\n"
           "else echo 'credentials not found in native keychain'; exit 1; fi\n";
    fs::permissions(dir_ / "bin" / "docker-credential-igtest", fs::perms::owner_all);
    old_path_ = std::getenv("PATH");
    ::setenv("PATH", ((dir_ / "bin").string() + ":" + old_path_).c_str(), 1);
    std::ofstream(dir_ / "config.json") << R"({"credHelpers": {"reg.example:5000": "igtest", "other.example": "igtest"},
      "auths": {"other.example": {"auth": ")" + base64_encode("fileuser:filepw") + R"("}}})";
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::string old_path_;
};

TEST_F(CredentialHelper, RunsHelperAndFallsBackToAuthsWhenItHasNothing) {
  RegistryOptions o;
  o.docker_config = (dir_ / "config.json").string();
  auto c = find_credentials("reg.example:5000", o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->username, "helperuser");
  EXPECT_EQ(c->password, "helperpw");
  auto other = find_credentials("other.example", o);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->username, "fileuser");
  o.username = "explicit";
  o.password = "pw";
  auto expl = find_credentials("reg.example:5000", o);
  ASSERT_TRUE(expl);
  EXPECT_EQ(expl->username, "explicit");
}

TEST_F(CredentialHelper, MissingConfigIsAnonymousUnlessNamedExplicitly) {
  RegistryOptions o;
  ::setenv("DOCKER_CONFIG", (dir_ / "nowhere").c_str(), 1);
  auto anon = find_credentials("reg.example:5000", o);
  ::unsetenv("DOCKER_CONFIG");
  ASSERT_TRUE(anon);
  EXPECT_TRUE(anon->empty());
  o.docker_config = (dir_ / "nowhere" / "config.json").string();
  EXPECT_FALSE(find_credentials("reg.example:5000", o));
}

TEST_F(CredentialHelper, ProviderComesAfterHelpersAndBeforeAuths) {
  RegistryOptions o;
  o.docker_config = (dir_ / "config.json").string();
  std::vector<std::pair<std::string, bool>> asked;
  o.credential_provider = [&](std::string_view registry, bool refresh) -> Result<std::optional<ProvidedCredentials>> {
    asked.emplace_back(std::string(registry), refresh);
    if (registry == "plain.example") return std::nullopt;
    return ProvidedCredentials{"AWS", "token", "test provider"};
  };
  // A configured helper wins: the provider is not asked.
  auto helper = find_credentials("reg.example:5000", o);
  ASSERT_TRUE(helper);
  EXPECT_EQ(helper->username, "helperuser");
  EXPECT_TRUE(asked.empty());
  // The helper has nothing for other.example: the provider beats the auths entry.
  auto provided = find_credentials("other.example", o, true);
  ASSERT_TRUE(provided);
  EXPECT_EQ(provided->password, "token");
  EXPECT_TRUE(provided->provided);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_TRUE(asked[0].second);
  // A registry the provider does not serve: anonymous.
  auto none = find_credentials("plain.example", o);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  // Provider errors stop the lookup.
  o.credential_provider = [](std::string_view, bool) -> Result<std::optional<ProvidedCredentials>> {
    return fail(ErrorCode::not_found, "denied by the provider");
  };
  auto err = find_credentials("plain.example", o);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message, "denied by the provider");
}

TEST(RegistryEndpoints, ParsesFileAndEnvironmentForms) {
  auto e = parse_registry_endpoints(
      "# mirrors\ndocker.io  https://mirror.internal:5000  ca=/etc/m.pem\n\n"
      "123456789012.dkr.ecr.us-east-1.amazonaws.com http://127.0.0.1:5000/ # local\n"
      "ghcr.io https://cache insecure;quay.io https://q",
      "test");
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_EQ(e->size(), 4u);
  EXPECT_EQ((*e)[0].registry, "docker.io");
  EXPECT_EQ((*e)[0].host, "mirror.internal:5000");
  EXPECT_EQ((*e)[0].ca_file, "/etc/m.pem");
  EXPECT_EQ((*e)[1].scheme, "http");
  EXPECT_EQ((*e)[1].host, "127.0.0.1:5000");
  EXPECT_TRUE((*e)[2].insecure);
  EXPECT_EQ((*e)[3].registry, "quay.io");
  EXPECT_NE(find_registry_endpoint(*e, "GHCR.io"), nullptr);
  EXPECT_EQ(find_registry_endpoint(*e, "gcr.io"), nullptr);
}

TEST(RegistryEndpoints, BadEntriesNameTheEntryAndTheFix) {
  for (const char* bad : {"docker.io", "docker.io ftp://x", "docker.io https://x/path", "docker.io https://u@x",
                          "docker.io https://x bogus", "docker.io http://x insecure", "bad/host https://x",
                          "docker.io https://"}) {
    auto r = parse_registry_endpoints(bad, "IMAGEGATE_REGISTRY_MIRRORS");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
    EXPECT_NE(r.error().message.find("IMAGEGATE_REGISTRY_MIRRORS entry 1"), std::string::npos) << r.error().message;
  }
  // The last entry for a registry wins.
  auto e = parse_registry_endpoints("a.io https://one; a.io https://two", "t");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 1u);
  EXPECT_EQ((*e)[0].host, "two");
}

}  // namespace
}  // namespace ig::image
