// Registry authentication: WWW-Authenticate challenges, the Bearer token flow,
// and finding credentials (explicit options, docker config.json "auths",
// credHelpers and credsStore helpers).
//
// Secrets live only in Credentials and in Authorization header values; nothing
// here logs them or puts them into an Error message.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/http.h"
#include "image/resolve.h"
#include "util/error.h"

namespace ig::image {

// One challenge of a WWW-Authenticate header: scheme lowercased ("bearer",
// "basic"), parameter names lowercased, values unquoted and unescaped.
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

// Parses a WWW-Authenticate header value (RFC 7235: comma-separated challenges
// of name=token or name="quoted \"string\"" parameters). Bounded: headers over
// 16 KiB or with more than 64 parameters are rejected. Returns a network error
// (the server misbehaved) describing what is malformed.
Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header);

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth2 refresh token ("<token>" user in docker config)
  std::string origin;          // where they came from, for messages: "--username", "docker config"...
  bool provided = false;       // from RegistryOptions::credential_provider (may be refreshed once on a 401)

  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// What a docker config.json says about one registry.
struct DockerConfigEntry {
  std::string helper;       // credential helper program to run ("docker-credential-..."), or empty
  Credentials credentials;  // from "auths" (user:pass or identitytoken), possibly empty
};

// Looks `registry` ("docker.io", "host:port") up in the text of a config.json.
// Keys match with or without scheme and path ("https://index.docker.io/v1/"
// for docker.io). Returns invalid-input errors as usage errors naming the file.
Result<DockerConfigEntry> match_docker_config(std::string_view json, std::string_view registry,
                                              std::string_view file_name);

// Parses a credential helper's `get` output: {"Username": ..., "Secret": ...}.
Result<Credentials> parse_helper_output(std::string_view out, std::string_view helper);

// The server URL a credential helper is asked about for `registry`.
std::string helper_server_url(std::string_view registry);

// Finds credentials for `registry`: options.username/password, else a
// credential helper the docker config (options.docker_config,
// $DOCKER_CONFIG/config.json or ~/.docker/config.json) names for it, else
// options.credential_provider (asked with `refresh_provided`), else the
// config's "auths" entry. Empty credentials (anonymous) when nothing applies;
// a missing config file is not an error.
Result<Credentials> find_credentials(std::string_view registry, const RegistryOptions& options,
                                     bool refresh_provided = false);

// Sends a request the way the registry client does (TLS settings, retries).
using HttpSender = std::function<Result<HttpResponse>(HttpRequest&)>;

// Holds credentials and tokens for one registry, shared by all requests of a
// client. Thread-safe.
class Authenticator {
 public:
  // `registry` as in Reference::registry; `send` performs token requests.
  Authenticator(std::string registry, RegistryOptions options, HttpSender send);

  // The Authorization header value to send for `scope`
  // ("repository:library/nginx:pull"), or empty when none is known yet.
  std::string authorization(const std::string& scope);

  // Answers a 401 for `repository`: picks a challenge, obtains a token or uses
  // Basic credentials, and returns the new Authorization value (also cached for
  // `scope`). not_found "access denied..." when the credentials are refused or
  // the registry wants credentials we do not have.
  Result<std::string> respond(const std::vector<std::string>& www_authenticate, const std::string& scope,
                              const std::string& repository);

  // The error every refusal maps to.
  Error access_denied(const std::string& repository) const;

  // After the registry refused credentials that came from the credential
  // provider: forgets them and every token, so that the next challenge asks
  // the provider again with refresh. True once per Authenticator; false when
  // the credentials came from elsewhere (nothing to refresh).
  bool refresh_provided_credentials();

 private:
  struct Token {
    std::string value;  // the whole Authorization header value
    std::chrono::steady_clock::time_point expires;
  };

  Result<Credentials> credentials();
  Result<Token> fetch_token(const AuthChallenge& c, const std::string& scope, const std::string& repository);

  std::string registry_;
  RegistryOptions options_;
  HttpSender send_;
  mutable std::mutex mutex_;
  std::optional<Credentials> credentials_;  // looked up on the first challenge
  bool refreshed_ = false;     // refresh_provided_credentials() already used
  bool refresh_next_ = false;  // the next lookup asks the provider to refresh
  std::string provided_origin_;  // where provided credentials came from, for access_denied()
  std::map<std::string, Token> by_scope_;  // scope -> Authorization value and its expiry
};

}  // namespace ig::image
