#include "aws/ecr_auth.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "util/base64.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::aws {

namespace {

constexpr std::chrono::minutes k_expiry_margin{1};
constexpr uint64_t k_max_cache_file = 64u << 10;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_region(std::string_view r) {
  if (r.empty() || r.size() > 32 || r.find('-') == std::string_view::npos) return false;
  return std::all_of(r.begin(), r.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

std::optional<EcrRegistry> parse_ecr_host(std::string_view host) {
  std::string h = lower(host);
  if (auto colon = h.find(':'); colon != std::string::npos) h.resize(colon);
  EcrRegistry r;
  r.host = h;
  std::string_view v = h;
  auto dot = v.find('.');
  if (dot != 12 || !all_digits(v.substr(0, 12))) return std::nullopt;
  r.account = std::string(v.substr(0, 12));
  v.remove_prefix(13);
  if (v.starts_with("dkr.ecr-fips.")) {
    r.fips = true;
    v.remove_prefix(13);
  } else if (v.starts_with("dkr.ecr.")) {
    v.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  auto rdot = v.find('.');
  if (rdot == std::string_view::npos) return std::nullopt;
  r.region = std::string(v.substr(0, rdot));
  std::string_view suffix = v.substr(rdot);
  if (!valid_region(r.region)) return std::nullopt;
  if (suffix != ".amazonaws.com" && suffix != ".amazonaws.com.cn") return std::nullopt;
  return r;
}

Result<EcrToken> decode_ecr_token(std::string_view authorization_token, double expires_at_epoch_seconds) {
  auto raw = base64_decode(authorization_token, "ECR authorization token");
  if (!raw) return fail(ErrorCode::network, "Amazon ECR GetAuthorizationToken returned a token that is not base64");
  auto colon = raw->find(':');
  if (colon == std::string::npos || colon == 0) {
    return fail(ErrorCode::network, "Amazon ECR GetAuthorizationToken returned a token that is not 'user:password'");
  }
  EcrToken t;
  t.username = raw->substr(0, colon);
  t.password = raw->substr(colon + 1);
  if (!std::isfinite(expires_at_epoch_seconds)) expires_at_epoch_seconds = 0;
  t.expires = std::chrono::system_clock::time_point(
      std::chrono::seconds(static_cast<long long>(std::clamp(expires_at_epoch_seconds, 0.0, 4.0e10))));
  return t;
}

Result<EcrToken> ecr_get_authorization_token(const EcrRegistry& registry, std::shared_ptr<CredentialSource> creds) {
  const char* override_url = std::getenv("AWS_ENDPOINT_URL_ECR");
  bool overridden = (override_url != nullptr && *override_url != '\0') || std::getenv("AWS_ENDPOINT_URL") != nullptr;
  Result<Client> client = registry.fips && !overridden
                              ? Client::make_at(k_ecr, fmt::format("https://ecr-fips.{}.amazonaws.com", registry.region),
                                                registry.region, std::move(creds))
                              : Client::make(k_ecr, registry.region, std::move(creds));
  if (!client) return fail(client.error());
  auto j = client->json_call("GetAuthorizationToken", {{"registryIds", {registry.account}}});
  if (!j) return fail(j.error().with_context(fmt::format("authenticating to {}", registry.host)));
  const auto& data = (*j)["authorizationData"];
  if (!data.is_array() || data.empty() || !data[0].is_object() || !data[0]["authorizationToken"].is_string()) {
    return fail(ErrorCode::network, "Amazon ECR GetAuthorizationToken for {} returned no authorizationData",
                registry.host);
  }
  double expires = data[0].value("expiresAt", 0.0);
  return decode_ecr_token(data[0]["authorizationToken"].get<std::string>(), expires);
}

std::filesystem::path EcrTokenCache::path_for(const EcrRegistry& registry, std::string_view identity) const {
  // The identity (which credentials asked) is part of the key, so switching
  // profiles never reuses another principal's token.
  std::string key = sha256_digest(registry.host + "\n" + std::string(identity));
  return dir_ / (registry.host + "-" + key.substr(key.find(':') + 1, 16) + ".json");
}

std::optional<EcrToken> EcrTokenCache::get(const EcrRegistry& registry, std::string_view identity) const {
  auto text = read_file(path_for(registry, identity), k_max_cache_file);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j["username"].is_string() || !j["password"].is_string() || !j["expires"].is_number()) {
    return std::nullopt;
  }
  EcrToken t{j["username"], j["password"],
             std::chrono::system_clock::time_point(std::chrono::seconds(j["expires"].get<long long>()))};
  if (std::chrono::system_clock::now() + k_expiry_margin >= t.expires) return std::nullopt;
  return t;
}

Result<void> EcrTokenCache::put(const EcrRegistry& registry, std::string_view identity, const EcrToken& token) const {
  IG_TRY(make_dirs(dir_));
  ::chmod(dir_.c_str(), 0700);
  nlohmann::json j{{"registry", registry.host},
                   {"username", token.username},
                   {"password", token.password},
                   {"expires", std::chrono::duration_cast<std::chrono::seconds>(token.expires.time_since_epoch()).count()}};
  return atomic_write_file(path_for(registry, identity), j.dump(), 0600, Durability::cache);
}

Result<EcrCredentials> ecr_registry_credentials(const EcrRegistry& registry, std::shared_ptr<CredentialSource> creds,
                                                const EcrTokenCache& cache, bool refresh) {
  // Resolve the credentials first: describe() names the identity the cache is keyed by.
  auto c = creds->get();
  if (!c) return fail(c.error().with_context(fmt::format("authenticating to {}", registry.host)));
  // Role sources name their role in describe(), which outlives each session's
  // temporary key; other sources are told apart by their access key id.
  std::string identity = creds->describe();
  if (identity.find("role ") == std::string::npos) identity += "\n" + c->access_key_id;
  if (!refresh) {
    if (auto t = cache.get(registry, identity)) return EcrCredentials{*t, "Amazon ECR token (cached)"};
  }
  IG_ASSIGN(EcrToken t, ecr_get_authorization_token(registry, creds));
  if (auto stored = cache.put(registry, identity, t); !stored) {
    log::debug("not caching the ECR token: {}", stored.error().message);
  }
  return EcrCredentials{t, fmt::format("Amazon ECR GetAuthorizationToken ({})", creds->describe())};
}

}  // namespace ig::aws
