// Pulling from Amazon ECR: recognising ECR registry hosts and turning the
// caller's AWS credentials into registry credentials with ECR
// GetAuthorizationToken, cached on disk until the token expires.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/client.h"
#include "util/error.h"

namespace ig::aws {

// The parts of an ECR registry host:
//   <account>.dkr.ecr.<region>.amazonaws.com[.cn]
//   <account>.dkr.ecr-fips.<region>.amazonaws.com
struct EcrRegistry {
  std::string host;     // lower-cased, without a port
  std::string account;  // 12 digits: the registry id
  std::string region;
  bool fips = false;
};

// std::nullopt for hosts that are not ECR registries (a port is ignored).
std::optional<EcrRegistry> parse_ecr_host(std::string_view host);

struct EcrToken {
  std::string username;  // "AWS"
  std::string password;
  std::chrono::system_clock::time_point expires;
};

// Decodes GetAuthorizationToken's authorizationData[].authorizationToken
// (base64 "user:password"). network error when it is malformed.
Result<EcrToken> decode_ecr_token(std::string_view authorization_token, double expires_at_epoch_seconds);

// Calls ECR GetAuthorizationToken for `registry.account` in its region (its
// FIPS endpoint for ecr-fips hosts; AWS_ENDPOINT_URL_ECR overrides both).
Result<EcrToken> ecr_get_authorization_token(const EcrRegistry& registry, std::shared_ptr<CredentialSource> creds);

// An on-disk cache of ECR tokens: one 0600 JSON file per registry and
// credential identity under `dir` (created 0700). Entries are used until
// their expiry (minus a minute).
class EcrTokenCache {
 public:
  explicit EcrTokenCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // The cached token, or std::nullopt (absent, unreadable, or expired).
  std::optional<EcrToken> get(const EcrRegistry& registry, std::string_view identity) const;
  // Stores `token`; io errors are returned (callers may ignore them).
  Result<void> put(const EcrRegistry& registry, std::string_view identity, const EcrToken& token) const;
  std::filesystem::path path_for(const EcrRegistry& registry, std::string_view identity) const;

 private:
  std::filesystem::path dir_;
};

// Registry credentials for `registry`: from the cache unless `refresh`, else
// GetAuthorizationToken (then cached). `origin` says which, for messages.
struct EcrCredentials {
  EcrToken token;
  std::string origin;
};
Result<EcrCredentials> ecr_registry_credentials(const EcrRegistry& registry, std::shared_ptr<CredentialSource> creds,
                                                const EcrTokenCache& cache, bool refresh);

}  // namespace ig::aws
