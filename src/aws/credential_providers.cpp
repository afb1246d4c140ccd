// Credential providers: STS role assumption, credential_process, container
// credentials and EC2 instance metadata.
#include "aws/credential_providers.h"

#include <mutex>

#include "aws/aws_error.h"
#include "image/http.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"

namespace ig::aws {

namespace {

constexpr std::chrono::seconds k_metadata_timeout{1};  // the SDKs' IMDS timeout: fail fast off EC2
constexpr std::chrono::seconds k_container_timeout{5};
constexpr std::chrono::seconds k_process_timeout{60};
constexpr size_t k_max_metadata_body = 64u << 10;
constexpr uint64_t k_max_token_file = 64u << 10;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

class RefreshingSource : public CredentialSource {
 public:
  RefreshingSource(CredentialFetch fetch, std::string description)
      : fetch_(std::move(fetch)), description_(std::move(description)) {}

  Result<Credentials> get() override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto now = std::chrono::system_clock::now();
    if (cached_ && (!cached_->expires || now < *cached_->expires - k_refresh_ahead)) return cached_->credentials;
    auto fresh = fetch_();
    if (!fresh) {
      if (cached_ && cached_->expires && now < *cached_->expires) {
        log::warn("refreshing AWS credentials from {} failed ({}); using the current ones until they expire",
                  description_, fresh.error().message);
        return cached_->credentials;
      }
      return fail(fresh.error());
    }
    cached_ = std::move(*fresh);
    return cached_->credentials;
  }
  std::string describe() const override { return description_; }

 private:
  CredentialFetch fetch_;
  std::string description_;
  std::mutex mutex_;
  std::optional<TimedCredentials> cached_;
};

// The <Credentials> of an STS answer.
Result<TimedCredentials> parse_sts_credentials(const std::string& xml, std::string_view action) {
  TimedCredentials t;
  t.credentials = {xml_text(xml, "AccessKeyId"), xml_text(xml, "SecretAccessKey"), xml_text(xml, "SessionToken")};
  if (t.credentials.access_key_id.empty() || t.credentials.secret_access_key.empty()) {
    return fail(ErrorCode::network, "AWS STS {} returned no credentials", action);
  }
  t.expires = parse_iso8601(xml_text(xml, "Expiration"));
  return t;
}

Result<Client> sts_client(const std::string& region, std::shared_ptr<CredentialSource> creds) {
  std::string r = region.empty() ? default_region() : region;
  if (r.empty()) r = "us-east-1";
  return Client::make(k_sts, r, std::move(creds));
}

std::string session_name(const std::string& given) {
  if (!given.empty()) return given;
  return fmt::format("imagegate-{}", std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
}

// Reads the JSON credentials that the container endpoint and IMDS serve.
Result<TimedCredentials> parse_metadata_credentials(const std::string& body, std::string_view where) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return fail(ErrorCode::network, "{} returned credentials that are not JSON", where);
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (std::string code = str("Code"); !code.empty() && code != "Success") {
    return fail(ErrorCode::usage, "{} refused credentials: {} {}", where, code, str("Message"));
  }
  TimedCredentials t;
  t.credentials = {str("AccessKeyId"), str("SecretAccessKey"), str("Token")};
  if (t.credentials.access_key_id.empty() || t.credentials.secret_access_key.empty()) {
    return fail(ErrorCode::network, "{} returned no AccessKeyId or SecretAccessKey", where);
  }
  if (std::string exp = str("Expiration"); !exp.empty()) t.expires = parse_iso8601(exp);
  return t;
}

bool is_loopback_or_container_host(std::string_view url) {
  auto start = url.find("://");
  std::string_view rest = start == std::string_view::npos ? url : url.substr(start + 3);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.starts_with("[")) {
    host = host.substr(1, host.find(']') == std::string_view::npos ? host.size() : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  return host == "localhost" || host.starts_with("127.") || host == "::1" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

}  // namespace

std::shared_ptr<CredentialSource> refreshing_source(CredentialFetch fetch, std::string description) {
  return std::make_shared<RefreshingSource>(std::move(fetch), std::move(description));
}

Result<TimedCredentials> assume_role(const AssumeRoleParams& p, std::shared_ptr<CredentialSource> base) {
  IG_ASSIGN(Client sts, sts_client(p.sts_region, std::move(base)));
  std::vector<std::pair<std::string, std::string>> params{{"RoleArn", p.role_arn},
                                                          {"RoleSessionName", session_name(p.session_name)}};
  if (!p.external_id.empty()) params.emplace_back("ExternalId", p.external_id);
  if (p.duration_seconds > 0) params.emplace_back("DurationSeconds", std::to_string(p.duration_seconds));
  auto xml = sts.query_call("AssumeRole", "2011-06-15", params);
  if (!xml) return fail(xml.error().with_context(fmt::format("assuming role {}", p.role_arn)));
  return parse_sts_credentials(*xml, "AssumeRole");
}

Result<TimedCredentials> assume_role_with_web_identity(const AssumeRoleParams& p, const std::string& token_file) {
  auto token = read_file(token_file, k_max_token_file);
  if (!token) {
    return fail(ErrorCode::usage, "cannot read the web identity token file {} ({}); check "
                "AWS_WEB_IDENTITY_TOKEN_FILE or the profile's web_identity_token_file", token_file,
                token.error().message);
  }
  // AssumeRoleWithWebIdentity is not signed: the token is the credential.
  IG_ASSIGN(Client sts, sts_client(p.sts_region, static_credentials({})));
  std::vector<std::pair<std::string, std::string>> params{{"RoleArn", p.role_arn},
                                                          {"RoleSessionName", session_name(p.session_name)},
                                                          {"WebIdentityToken", trim(*token)}};
  if (p.duration_seconds > 0) params.emplace_back("DurationSeconds", std::to_string(p.duration_seconds));
  auto xml = sts.query_call("AssumeRoleWithWebIdentity", "2011-06-15", params);
  if (!xml) return fail(xml.error().with_context(fmt::format("assuming role {} with a web identity", p.role_arn)));
  return parse_sts_credentials(*xml, "AssumeRoleWithWebIdentity");
}

Result<std::vector<std::string>> split_command_line(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else word += c;
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < line.size() && std::string_view("\"\\$`").find(line[i + 1]) != std::string_view::npos) {
        word += line[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
    } else {
      word += c;
    }
  }
  if (quote != 0) return fail(ErrorCode::usage, "credential_process has an unterminated {} quote", quote);
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<TimedCredentials> run_credential_process(const std::string& command_line) {
  IG_ASSIGN(std::vector<std::string> argv, split_command_line(command_line));
  if (argv.empty()) return fail(ErrorCode::usage, "credential_process is empty; set it to a command");
  ProcessOptions opts;
  opts.timeout = k_process_timeout;
  opts.max_output = 64u << 10;
  auto r = run_process(argv, "", opts);
  if (!r) {
    return fail(r.error().code == ErrorCode::not_found ? ErrorCode::usage : r.error().code,
                "credential_process {} could not run: {}", argv[0], r.error().message);
  }
  if (r->exit_code != 0) {
    // Its stderr is for people (it should hold no secret); its stdout might.
    std::string err = trim(r->err.substr(0, 300));
    return fail(ErrorCode::usage, "credential_process {} exited with status {}{}{}", argv[0], r->exit_code,
                err.empty() ? "" : ": ", err);
  }
  return parse_process_output(r->out, argv[0]);
}

bool container_credentials_configured() {
  return !env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
         !env("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty();
}

Result<TimedCredentials> fetch_container_credentials() {
  image::HttpRequest req;
  if (std::string rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); !rel.empty()) {
    req.url = "http://169.254.170.2" + (rel.front() == '/' ? rel : "/" + rel);
  } else {
    req.url = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!req.url.starts_with("https://") && !(req.url.starts_with("http://") && is_loopback_or_container_host(req.url))) {
      return fail(ErrorCode::usage, "AWS_CONTAINER_CREDENTIALS_FULL_URI {} must be https, or http to a loopback or "
                  "container-metadata address (169.254.170.2, 169.254.170.23, fd00:ec2::23)",
                  image::redact_url(req.url));
    }
    std::string token;
    if (std::string file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
      auto t = read_file(file, k_max_token_file);
      if (!t) {
        return fail(ErrorCode::usage, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}: {}", file,
                    t.error().message);
      }
      token = trim(*t);
    } else {
      token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      return fail(ErrorCode::usage, "the container authorization token holds a line break; check "
                  "AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)");
    }
    if (!token.empty()) req.headers.push_back("Authorization: " + token);
  }
  req.timeout = k_container_timeout;
  req.connect_timeout = k_container_timeout;
  req.max_body = k_max_metadata_body;
  req.follow_redirects = false;
  std::string where = fmt::format("the container credentials endpoint {}", image::redact_url(req.url));
  image::HttpResponse r;
  // Two attempts, as the SDKs: the local agent may be starting.
  for (int attempt = 0; attempt < 2; ++attempt) {
    r = image::http_perform(req);
    if (r.error == image::TransportError::none && r.status < 500) break;
  }
  if (r.error != image::TransportError::none) {
    return fail(ErrorCode::network, "{} is unreachable: {}", where, r.error_message);
  }
  if (r.status != 200) return fail(ErrorCode::usage, "{} answered HTTP {}", where, r.status);
  return parse_metadata_credentials(r.body, where);
}

bool instance_metadata_disabled() {
  std::string v = env("AWS_EC2_METADATA_DISABLED");
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true";
}

Result<TimedCredentials> fetch_instance_metadata_credentials() {
  std::string base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) {
    base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") == "IPv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string where = fmt::format("EC2 instance metadata at {}", image::redact_url(base));
  auto make = [&](std::string method, std::string path) {
    image::HttpRequest req;
    req.method = std::move(method);
    req.url = base + path;
    req.timeout = k_metadata_timeout;
    req.connect_timeout = k_metadata_timeout;
    req.max_body = k_max_metadata_body;
    req.follow_redirects = false;
    return req;
  };
  auto token_req = make("PUT", "/latest/api/token");
  token_req.headers.push_back("X-aws-ec2-metadata-token-ttl-seconds: 21600");
  token_req.has_body = true;
  image::HttpResponse t = image::http_perform(token_req);
  if (t.error != image::TransportError::none) {
    return fail(ErrorCode::network, "{} is unreachable: {}", where, t.error_message);
  }
  std::string token_header;
  if (t.status == 200) {
    token_header = "X-aws-ec2-metadata-token: " + trim(t.body);
  } else if ((t.status == 403 || t.status == 404 || t.status == 405) && env("AWS_EC2_METADATA_V1_DISABLED") != "true") {
    log::debug("{}: the IMDSv2 token request got HTTP {}; using IMDSv1", where, t.status);
  } else {
    return fail(ErrorCode::network, "{} refused a session token (HTTP {})", where, t.status);
  }
  auto get = [&](const std::string& path) -> Result<std::string> {
    auto req = make("GET", path);
    if (!token_header.empty()) req.headers.push_back(token_header);
    image::HttpResponse r = image::http_perform(req);
    if (r.error != image::TransportError::none) {
      return fail(ErrorCode::network, "{} is unreachable: {}", where, r.error_message);
    }
    if (r.status == 404) {
      return fail(ErrorCode::usage, "{} has no IAM role: attach an instance profile to the instance", where);
    }
    if (r.status != 200) return fail(ErrorCode::network, "{} answered HTTP {} for {}", where, r.status, path);
    return std::move(r.body);
  };
  constexpr std::string_view k_creds_path = "/latest/meta-data/iam/security-credentials/";
  IG_ASSIGN(std::string roles, get(std::string(k_creds_path)));
  std::string role = trim(roles.substr(0, roles.find('\n')));
  if (role.empty() || role.find('/') != std::string::npos) {
    return fail(ErrorCode::usage, "{} has no IAM role: attach an instance profile to the instance", where);
  }
  IG_ASSIGN(std::string body, get(std::string(k_creds_path) + role));
  return parse_metadata_credentials(body, where);
}

}  // namespace ig::aws
