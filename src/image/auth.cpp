#include "image/auth.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"

namespace ig::image {

namespace {

constexpr size_t k_max_header = 16 << 10;
constexpr size_t k_max_params = 64;
constexpr uint64_t k_max_config_size = 4 << 20;
constexpr size_t k_max_token_response = 1 << 20;

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A cursor over a header value.
struct Scanner {
  std::string_view s;
  size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  void skip_space() {
    while (!done() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
  }
  std::string_view token() {
    size_t start = pos;
    while (!done() && is_tchar(s[pos])) ++pos;
    return s.substr(start, pos - start);
  }
  // Reads a quoted-string after its opening quote; backslash escapes any char.
  Result<std::string> quoted() {
    std::string out;
    ++pos;
    while (!done()) {
      char c = s[pos++];
      if (c == '"') return out;
      if (c == '\\') {
        if (done()) break;
        c = s[pos++];
      }
      out.push_back(c);
    }
    return fail(ErrorCode::network, "WWW-Authenticate header has an unterminated quoted string");
  }
};

// Parses the "name=value, ..." list after a scheme. Stops (rewinding) at a token
// that is not followed by '=', which starts the next challenge.
Result<void> parse_params(Scanner& sc, AuthChallenge& c, size_t& total) {
  while (true) {
    sc.skip_space();
    while (sc.peek() == ',') {
      ++sc.pos;
      sc.skip_space();
    }
    if (sc.done()) return {};
    size_t mark = sc.pos;
    std::string_view name = sc.token();
    if (name.empty()) return fail(ErrorCode::network, "WWW-Authenticate header has an unexpected '{}'", sc.peek());
    sc.skip_space();
    if (sc.peek() != '=') {
      sc.pos = mark;  // the next challenge's scheme
      return {};
    }
    ++sc.pos;
    sc.skip_space();
    std::string value;
    if (sc.peek() == '"') {
      IG_ASSIGN(value, sc.quoted());
    } else {
      value = std::string(sc.token());
      while (sc.peek() == '=') value.push_back(sc.s[sc.pos++]);  // token68-style padding
    }
    if (++total > k_max_params) return fail(ErrorCode::network, "WWW-Authenticate header has too many parameters");
    c.params.emplace(lower(name), std::move(value));
    sc.skip_space();
    if (!sc.done() && sc.peek() != ',') {
      return fail(ErrorCode::network, "WWW-Authenticate header has an unexpected '{}' after a parameter", sc.peek());
    }
  }
}

// Docker config keys come as "host", "https://host", "https://host/v1/".
std::string normalize_registry_key(std::string_view key) {
  if (auto p = key.find("://"); p != std::string_view::npos) key.remove_prefix(p + 3);
  if (auto p = key.find('/'); p != std::string_view::npos) key = key.substr(0, p);
  return lower(key);
}

bool key_matches(std::string_view key, std::string_view registry) {
  std::string k = normalize_registry_key(key);
  std::string r = lower(registry);
  if (k == r) return true;
  static constexpr std::string_view k_hub[] = {"docker.io", "index.docker.io", "registry-1.docker.io"};
  auto is_hub = [](std::string_view h) { return std::find(std::begin(k_hub), std::end(k_hub), h) != std::end(k_hub); };
  return is_hub(k) && is_hub(r);
}

// Finds the member of object `obj` whose key names `registry`: an exact key
// first, then any key that normalises to it.
const nlohmann::json* find_registry_entry(const nlohmann::json& obj, std::string_view registry) {
  if (!obj.is_object()) return nullptr;
  if (auto it = obj.find(std::string(registry)); it != obj.end()) return &*it;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (key_matches(it.key(), registry)) return &*it;
  }
  return nullptr;
}

Result<Credentials> credentials_from_auths(const nlohmann::json& entry, std::string_view registry,
                                           std::string_view file_name) {
  Credentials c;
  c.origin = fmt::format("{} (auths)", file_name);
  if (!entry.is_object()) return c;
  if (auto it = entry.find("identitytoken"); it != entry.end() && it->is_string()) {
    c.identity_token = it->get<std::string>();
  }
  auto it = entry.find("auth");
  if (it != entry.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    IG_ASSIGN(std::string decoded, base64_decode(it->get<std::string>(), fmt::format("the auth entry for {} in {}", registry, file_name)));
    auto colon = decoded.find(':');
    if (colon == std::string::npos) {
      return fail(ErrorCode::usage, "the auth entry for {} in {} is not base64 of \"user:password\": run docker login again",
                  registry, file_name);
    }
    c.username = decoded.substr(0, colon);
    c.password = decoded.substr(colon + 1);
  } else {
    auto u = entry.find("username");
    auto p = entry.find("password");
    if (u != entry.end() && u->is_string() && p != entry.end() && p->is_string()) {
      c.username = u->get<std::string>();
      c.password = p->get<std::string>();
    }
  }
  return c;
}

std::filesystem::path docker_config_path(const RegistryOptions& options) {
  if (!options.docker_config.empty()) return options.docker_config;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d != nullptr && *d != '\0') return std::filesystem::path(d) / "config.json";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    return std::filesystem::path(h) / ".docker" / "config.json";
  }
  return {};
}

Result<Credentials> run_helper(const std::string& helper, std::string_view registry) {
  ProcessOptions po;
  po.timeout = std::chrono::seconds(60);
  auto r = run_process({helper, "get"}, helper_server_url(registry), po);
  if (!r && r.error().code == ErrorCode::not_found) {
    // Docker configs often name a helper of another machine (e.g. "desktop");
    // public images must still pull, so carry on anonymously.
    log::warn("credential helper {} for {} is not on PATH; continuing without credentials", helper, registry);
    return Credentials{};
  }
  if (!r) return fail(r.error().code, "credential helper for {}: {}", registry, r.error().message);
  if (r->exit_code != 0) {
    std::string msg = r->out.empty() ? r->err : r->out;
    if (msg.find("credentials not found") != std::string::npos) {
      log::debug("{} has no credentials for {}", helper, registry);
      return Credentials{};
    }
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    if (msg.size() > 200) msg.resize(200);
    return fail(ErrorCode::usage, "credential helper {} failed for {} (exit {}): {}", helper, registry, r->exit_code, msg);
  }
  return parse_helper_output(r->out, helper);
}

}  // namespace

Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header) {
  if (header.size() > k_max_header) return fail(ErrorCode::network, "WWW-Authenticate header is over {} bytes", k_max_header);
  Scanner sc{header};
  std::vector<AuthChallenge> out;
  size_t total = 0;
  while (true) {
    sc.skip_space();
    while (sc.peek() == ',') {
      ++sc.pos;
      sc.skip_space();
    }
    if (sc.done()) break;
    std::string_view scheme = sc.token();
    if (scheme.empty()) return fail(ErrorCode::network, "WWW-Authenticate header has an unexpected '{}'", sc.peek());
    if (++total > k_max_params) return fail(ErrorCode::network, "WWW-Authenticate header has too many challenges");
    AuthChallenge c;
    c.scheme = lower(scheme);
    IG_TRY(parse_params(sc, c, total));
    out.push_back(std::move(c));
  }
  if (out.empty()) return fail(ErrorCode::network, "WWW-Authenticate header is empty");
  return out;
}

Result<DockerConfigEntry> match_docker_config(std::string_view json, std::string_view registry,
                                              std::string_view file_name) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::usage, "{} is not a JSON object: fix or remove it (docker login rewrites it)", file_name);
  }
  DockerConfigEntry entry;
  if (auto it = doc.find("credHelpers"); it != doc.end()) {
    if (const auto* h = find_registry_entry(*it, registry); h != nullptr && h->is_string() && !h->get_ref<const std::string&>().empty()) {
      entry.helper = "docker-credential-" + h->get<std::string>();
    }
  }
  if (entry.helper.empty()) {
    if (auto it = doc.find("credsStore"); it != doc.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      entry.helper = "docker-credential-" + it->get<std::string>();
    }
  }
  if (auto it = doc.find("auths"); it != doc.end()) {
    if (const auto* a = find_registry_entry(*it, registry); a != nullptr) {
      IG_ASSIGN(entry.credentials, credentials_from_auths(*a, registry, file_name));
    }
  }
  // A helper name with a path separator could run anything; docker refuses it too.
  if (entry.helper.find('/') != std::string::npos) {
    return fail(ErrorCode::usage, "{} names credential helper '{}', which contains '/': use a bare helper name", file_name,
                entry.helper);
  }
  return entry;
}

Result<Credentials> parse_helper_output(std::string_view out, std::string_view helper) {
  auto doc = nlohmann::json::parse(out, nullptr, false);
  auto user = doc.is_object() ? doc.find("Username") : doc.end();
  auto secret = doc.is_object() ? doc.find("Secret") : doc.end();
  if (!doc.is_object() || user == doc.end() || !user->is_string() || secret == doc.end() || !secret->is_string()) {
    return fail(ErrorCode::usage, "credential helper {} printed something other than {{\"Username\":…,\"Secret\":…}}",
                helper);
  }
  Credentials c;
  c.origin = std::string(helper);
  if (user->get_ref<const std::string&>() == "<token>") {
    c.identity_token = secret->get<std::string>();
  } else {
    c.username = user->get<std::string>();
    c.password = secret->get<std::string>();
  }
  return c;
}

std::string helper_server_url(std::string_view registry) {
  if (key_matches(registry, "docker.io")) return "https://index.docker.io/v1/";
  return std::string(registry);
}

namespace {

// The docker config's entry for `registry`; empty when there is no config.
Result<DockerConfigEntry> docker_config_entry(std::string_view registry, const RegistryOptions& options) {
  auto path = docker_config_path(options);
  if (path.empty()) return DockerConfigEntry{};
  auto text = read_file(path, k_max_config_size);
  if (!text) {
    if (text.error().code == ErrorCode::not_found && options.docker_config.empty()) return DockerConfigEntry{};
    return fail(text.error().code == ErrorCode::not_found ? ErrorCode::usage : text.error().code,
                "reading docker config: {}", text.error().message);
  }
  return match_docker_config(*text, registry, path.string());
}

}  // namespace

Result<Credentials> find_credentials(std::string_view registry, const RegistryOptions& options, bool refresh_provided) {
  if (!options.username.empty()) {
    return Credentials{options.username, options.password, {}, "--username"};
  }
  IG_ASSIGN(DockerConfigEntry entry, docker_config_entry(registry, options));
  // A helper the user configured wins over built-in providers (as with docker).
  if (!entry.helper.empty()) {
    IG_ASSIGN(Credentials c, run_helper(entry.helper, registry));
    if (!c.empty()) return c;
  }
  if (options.credential_provider) {
    IG_ASSIGN(auto provided, options.credential_provider(registry, refresh_provided));
    if (provided) {
      Credentials c{std::move(provided->username), std::move(provided->password), {}, std::move(provided->origin)};
      c.provided = true;
      return c;
    }
  }
  return entry.credentials;
}

Authenticator::Authenticator(std::string registry, RegistryOptions options, HttpSender send)
    : registry_(std::move(registry)), options_(std::move(options)), send_(std::move(send)) {}

Error Authenticator::access_denied(const std::string& repository) const {
  std::string origin;
  {
    std::lock_guard lock(mutex_);
    origin = provided_origin_;
  }
  if (!origin.empty()) {
    return Error{ErrorCode::not_found,
                 fmt::format("access denied to {} on {} with credentials from {}: check that the caller may pull "
                             "it (repository policy, IAM permissions), or configure other credentials",
                             repository, registry_, origin)};
  }
  return Error{ErrorCode::not_found,
               fmt::format("access denied to {} on {}: check credentials (docker login / --username)", repository,
                           registry_)};
}

std::string Authenticator::authorization(const std::string& scope) {
  std::lock_guard lock(mutex_);
  auto it = by_scope_.find(scope);
  if (it == by_scope_.end()) return {};
  if (std::chrono::steady_clock::now() >= it->second.expires) {
    by_scope_.erase(it);
    return {};
  }
  return it->second.value;
}

bool Authenticator::refresh_provided_credentials() {
  std::lock_guard lock(mutex_);
  if (!credentials_ || !credentials_->provided || refreshed_) return false;
  credentials_.reset();
  by_scope_.clear();
  refreshed_ = true;
  refresh_next_ = true;
  return true;
}

Result<Credentials> Authenticator::credentials() {
  std::lock_guard lock(mutex_);
  if (!credentials_) {
    bool refresh = refresh_next_;
    refresh_next_ = false;
    IG_ASSIGN(credentials_, find_credentials(registry_, options_, refresh));
    if (!credentials_->empty()) log::debug("using credentials for {} from {}", registry_, credentials_->origin);
    if (credentials_->provided) provided_origin_ = credentials_->origin;
  }
  return *credentials_;
}

Result<std::string> Authenticator::respond(const std::vector<std::string>& www_authenticate, const std::string& scope,
                                           const std::string& repository) {
  std::vector<AuthChallenge> challenges;
  for (const auto& h : www_authenticate) {
    IG_ASSIGN(auto parsed, parse_www_authenticate(h));
    for (auto& c : parsed) challenges.push_back(std::move(c));
  }
  auto pick = [&](std::string_view scheme) -> const AuthChallenge* {
    for (const auto& c : challenges) {
      if (c.scheme == scheme) return &c;
    }
    return nullptr;
  };
  Token token{{}, std::chrono::steady_clock::time_point::max()};
  if (const auto* bearer = pick("bearer")) {
    IG_ASSIGN(token, fetch_token(*bearer, scope, repository));
  } else if (pick("basic") != nullptr) {
    IG_ASSIGN(Credentials c, credentials());
    if (c.username.empty() && c.password.empty()) return fail(access_denied(repository));
    token.value = "Basic " + base64_encode(c.username + ":" + c.password);
  } else {
    return fail(ErrorCode::network, "{} asks for an unsupported authentication scheme: only Bearer and Basic are known",
                registry_);
  }
  std::lock_guard lock(mutex_);
  by_scope_[scope] = token;
  return token.value;
}

Result<Authenticator::Token> Authenticator::fetch_token(const AuthChallenge& c, const std::string& scope,
                                                        const std::string& repository) {
  auto realm = c.params.find("realm");
  if (realm == c.params.end() || realm->second.empty()) {
    return fail(ErrorCode::network, "{} sent a Bearer challenge without a realm", registry_);
  }
  if (!realm->second.starts_with("https://") && !realm->second.starts_with("http://")) {
    return fail(ErrorCode::network, "{} sent a token realm that is not an http(s) URL", registry_);
  }
  // The registry names the scope it wants; ours is the fallback.
  std::string want_scope = scope;
  if (auto s = c.params.find("scope"); s != c.params.end() && !s->second.empty()) want_scope = s->second;
  std::string service;
  if (auto s = c.params.find("service"); s != c.params.end()) service = s->second;
  IG_ASSIGN(Credentials creds, credentials());

  HttpRequest req;
  if (!creds.identity_token.empty()) {
    // OAuth2 refresh-token grant, as docker does for identity tokens.
    req.method = "POST";
    req.url = realm->second;
    req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    req.body = "grant_type=refresh_token&client_id=imagegate&service=" + url_encode(service) +
               "&scope=" + url_encode(want_scope) + "&refresh_token=" + url_encode(creds.identity_token);
    req.has_body = true;
  } else {
    req.url = realm->second + (realm->second.find('?') == std::string::npos ? "?" : "&");
    if (!service.empty()) req.url += "service=" + url_encode(service) + "&";
    req.url += "scope=" + url_encode(want_scope);
    if (!creds.username.empty() || !creds.password.empty()) {
      req.headers.push_back("Authorization: Basic " + base64_encode(creds.username + ":" + creds.password));
    }
  }
  req.max_body = k_max_token_response;
  IG_ASSIGN(HttpResponse resp, send_(req));
  if (resp.status == 401 || resp.status == 403) return fail(access_denied(repository));
  if (resp.status != 200) {
    return fail(ErrorCode::network, "the token service of {} answered HTTP {}", registry_, resp.status);
  }
  auto doc = nlohmann::json::parse(resp.body, nullptr, false);
  std::string value;
  if (doc.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      auto it = doc.find(key);
      if (it != doc.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        value = it->get<std::string>();
        break;
      }
    }
  }
  if (value.empty()) return fail(ErrorCode::network, "the token service of {} sent no token", registry_);
  int64_t lifetime = 60;  // the distribution spec's default
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer()) {
    lifetime = std::clamp<int64_t>(it->get<int64_t>(), 1, 24 * 3600);
  }
  // Renew a little early so a token does not expire in flight.
  auto expires = std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(1, lifetime - 10));
  return Token{"Bearer " + value, expires};
}

}  // namespace ig::image
