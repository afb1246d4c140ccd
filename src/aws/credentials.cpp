// The shared config/credentials files and the default credential chain.
#include "aws/credentials.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include <fmt/ranges.h>

#include "aws/credential_providers.h"
#include "util/fs.h"
#include "util/log.h"

namespace ig::aws {

namespace {

constexpr uint64_t k_max_shared_file = 1u << 20;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::filesystem::path home_file(const char* var, const char* rel) {
  std::string p = env(var);
  if (!p.empty()) return p;
  std::string home = env("HOME");
  if (home.empty()) return {};
  return std::filesystem::path(home) / rel;
}

class StaticSource : public CredentialSource {
 public:
  StaticSource(Credentials c, std::string what) : c_(std::move(c)), what_(std::move(what)) {}
  Result<Credentials> get() override { return c_; }
  std::string describe() const override { return what_; }

 private:
  Credentials c_;
  std::string what_;
};

}  // namespace

Result<void> parse_shared_file(std::string_view text, bool credentials_file, std::string_view file_name,
                               SharedConfig& into) {
  ProfileSection* section = nullptr;  // null: before any section, or in one we skip
  bool skipping = false;
  std::string parent;  // a "key =" with an empty value opens nested "  sub = value" lines
  size_t line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      if (close == std::string_view::npos) {
        return fail(ErrorCode::usage, "{} line {}: section header '{}' has no closing ']'; fix the file", file_name,
                    line_no, line);
      }
      std::string_view name = trim(line.substr(1, close - 1));
      parent.clear();
      skipping = false;
      section = nullptr;
      if (credentials_file) {
        section = &into.profiles[std::string(name)];
      } else if (name == "default") {
        section = &into.profiles["default"];
      } else if (name.rfind("profile ", 0) == 0 || name.rfind("profile\t", 0) == 0) {
        section = &into.profiles[std::string(trim(name.substr(8)))];
      } else if (name.rfind("services ", 0) == 0) {
        section = &into.services[std::string(trim(name.substr(9)))];
      } else {
        skipping = true;  // [sso-session x] and sections the SDKs ignore
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return fail(ErrorCode::usage, "{} line {}: expected 'name = value' or '[section]'; fix the file", file_name,
                  line_no);
    }
    if (skipping) continue;
    if (section == nullptr) {
      return fail(ErrorCode::usage, "{} line {}: a setting before any [section]; put it under [default] or a profile",
                  file_name, line_no);
    }
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    if (key.empty()) {
      return fail(ErrorCode::usage, "{} line {}: a setting with no name; fix the file", file_name, line_no);
    }
    if (indented && !parent.empty()) {
      (*section)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : std::string();
    (*section)[key] = value;
  }
  return {};
}

Result<SharedConfig> load_shared_config() {
  SharedConfig cfg;
  for (bool creds_file : {false, true}) {
    std::filesystem::path p = creds_file ? home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")
                                         : home_file("AWS_CONFIG_FILE", ".aws/config");
    std::error_code ec;
    if (p.empty() || !std::filesystem::is_regular_file(p, ec)) continue;
    IG_ASSIGN(std::string text, read_file(p, k_max_shared_file));
    IG_TRY(parse_shared_file(text, creds_file, p.string(), cfg));
  }
  return cfg;
}

std::string profile_name() {
  std::string p = env("AWS_PROFILE");
  if (p.empty()) p = env("AWS_DEFAULT_PROFILE");
  return p.empty() ? "default" : p;
}

namespace {

// The selected profile's section, or null; file errors are logged and read as "no profile".
std::optional<ProfileSection> selected_profile(SharedConfig* out = nullptr) {
  auto cfg = load_shared_config();
  if (!cfg) {
    log::warn("{}", cfg.error().message);
    return std::nullopt;
  }
  auto it = cfg->profiles.find(profile_name());
  if (out != nullptr) *out = *cfg;
  if (it == cfg->profiles.end()) return std::nullopt;
  return it->second;
}

std::string value_of(const ProfileSection& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

}  // namespace

std::string profile_region() {
  auto p = selected_profile();
  return p ? value_of(*p, "region") : std::string();
}

std::string profile_endpoint_url(std::string_view endpoint_env) {
  SharedConfig cfg;
  auto p = selected_profile(&cfg);
  if (!p) return "";
  if (std::string services = value_of(*p, "services"); !services.empty()) {
    auto s = cfg.services.find(services);
    if (s != cfg.services.end()) {
      // The services section names services by their endpoint variable, lower-cased.
      std::string id = lower(endpoint_env);
      std::string url = value_of(s->second, id + ".endpoint_url");
      if (!url.empty()) return url;
    }
  }
  return value_of(*p, "endpoint_url");
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s) {
  std::tm tm{};
  int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0;
  char tail[32] = {0};
  std::string str(s.substr(0, 64));
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%31s", &year, &mon, &day, &hour, &min, &sec, tail);
  if (n < 6 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  std::string_view rest = n == 7 ? std::string_view(tail) : std::string_view();
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  }
  if (!rest.empty() && rest != "Z" && rest != "z") {
    int oh = 0, om = 0;
    char sign = rest.front();
    if ((sign != '+' && sign != '-') || std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
      return std::nullopt;
    }
    long offset = (oh * 60L + om) * 60L;
    t -= sign == '+' ? offset : -offset;
  }
  return std::chrono::system_clock::from_time_t(t);
}

Result<TimedCredentials> parse_process_output(std::string_view out, std::string_view command_name) {
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (!j.is_object()) {
    return fail(ErrorCode::usage, "credential_process '{}' did not print a JSON object; it must print "
                "{{\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}}", command_name);
  }
  auto version = j.find("Version");
  if (version == j.end() || !version->is_number_integer() || version->get<long>() != 1) {
    return fail(ErrorCode::usage, "credential_process '{}' printed no \"Version\": 1; only version 1 is defined",
                command_name);
  }
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  TimedCredentials t;
  t.credentials = {str("AccessKeyId"), str("SecretAccessKey"), str("SessionToken")};
  if (t.credentials.access_key_id.empty() || t.credentials.secret_access_key.empty()) {
    return fail(ErrorCode::usage, "credential_process '{}' printed no AccessKeyId or SecretAccessKey", command_name);
  }
  if (std::string exp = str("Expiration"); !exp.empty()) {
    t.expires = parse_iso8601(exp);
    if (!t.expires) {
      return fail(ErrorCode::usage, "credential_process '{}' printed an Expiration that is not an ISO 8601 time",
                  command_name);
    }
  }
  return t;
}

std::shared_ptr<CredentialSource> static_credentials(Credentials c) {
  return std::make_shared<StaticSource>(std::move(c), "static credentials");
}

namespace {

using SourcePtr = std::shared_ptr<CredentialSource>;

Credentials static_keys(const ProfileSection& p) {
  return {value_of(p, "aws_access_key_id"), value_of(p, "aws_secret_access_key"), value_of(p, "aws_session_token")};
}

Result<int> duration_of(const ProfileSection& p, const std::string& name) {
  std::string d = value_of(p, "duration_seconds");
  if (d.empty()) return 0;
  int v = 0;
  auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
  if (ec != std::errc() || ptr != d.data() + d.size() || v < 900 || v > 43200) {
    return fail(ErrorCode::usage, "profile {}: duration_seconds '{}' must be a number of seconds from 900 to 43200",
                name, d);
  }
  return v;
}

// The source a profile configures; null when it configures none.
Result<SourcePtr> profile_source(const SharedConfig& cfg, const std::string& name, std::vector<std::string>& chain) {
  auto it = cfg.profiles.find(name);
  if (it == cfg.profiles.end()) return SourcePtr();
  if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
    return fail(ErrorCode::usage, "profile {}: source_profile loops back to it ({}); fix ~/.aws/config", name,
                fmt::join(chain, " -> "));
  }
  chain.push_back(name);
  const ProfileSection& p = it->second;
  std::string role_arn = value_of(p, "role_arn");
  if (!role_arn.empty()) {
    if (!value_of(p, "mfa_serial").empty()) {
      return fail(ErrorCode::usage, "profile {} needs an MFA code (mfa_serial), which imagegate cannot prompt for; "
                  "export temporary credentials first (aws sts assume-role ... or aws configure export-credentials)",
                  name);
    }
    AssumeRoleParams params;
    params.role_arn = role_arn;
    params.session_name = value_of(p, "role_session_name");
    params.external_id = value_of(p, "external_id");
    IG_ASSIGN(params.duration_seconds, duration_of(p, name));
    params.sts_region = value_of(p, "region");
    if (std::string token_file = value_of(p, "web_identity_token_file"); !token_file.empty()) {
      return refreshing_source([params, token_file] { return assume_role_with_web_identity(params, token_file); },
                               fmt::format("profile {} (web identity, role {})", name, role_arn));
    }
    SourcePtr base;
    std::string base_name;
    if (std::string src = value_of(p, "source_profile"); !src.empty()) {
      if (src == name) {
        // A profile may name itself: its own static keys assume its role.
        Credentials own = static_keys(p);
        if (own.access_key_id.empty()) {
          return fail(ErrorCode::usage, "profile {} is its own source_profile but has no aws_access_key_id", name);
        }
        base = static_credentials(own);
      } else {
        if (cfg.profiles.find(src) == cfg.profiles.end()) {
          return fail(ErrorCode::usage, "profile {}: source_profile {} does not exist in the AWS config or "
                      "credentials file", name, src);
        }
        IG_ASSIGN(base, profile_source(cfg, src, chain));
        if (!base) {
          return fail(ErrorCode::usage, "profile {}: source_profile {} has no credentials (no keys, role or "
                      "credential_process)", name, src);
        }
      }
      base_name = "profile " + src;
    } else if (std::string cs = value_of(p, "credential_source"); !cs.empty()) {
      if (cs == "Environment") {
        Credentials e{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
        if (e.access_key_id.empty() || e.secret_access_key.empty()) {
          return fail(ErrorCode::usage, "profile {}: credential_source Environment needs AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY", name);
        }
        base = static_credentials(e);
      } else if (cs == "Ec2InstanceMetadata") {
        base = refreshing_source(fetch_instance_metadata_credentials, "EC2 instance metadata");
      } else if (cs == "EcsContainer") {
        base = refreshing_source(fetch_container_credentials, "container credentials");
      } else {
        return fail(ErrorCode::usage, "profile {}: credential_source '{}' is not one of Environment, "
                    "Ec2InstanceMetadata, EcsContainer", name, cs);
      }
      base_name = cs;
    } else {
      return fail(ErrorCode::usage, "profile {} has role_arn but no source_profile, credential_source or "
                  "web_identity_token_file to assume it with; add one", name);
    }
    return refreshing_source([params, base] { return assume_role(params, base); },
                             fmt::format("profile {} (assume role {} with {})", name, role_arn, base_name));
  }
  if (std::string process = value_of(p, "credential_process"); !process.empty()) {
    return refreshing_source([process] { return run_credential_process(process); },
                             fmt::format("profile {} (credential_process)", name));
  }
  if (Credentials c = static_keys(p); !c.access_key_id.empty()) {
    if (c.secret_access_key.empty()) {
      return fail(ErrorCode::usage, "profile {} has aws_access_key_id but no aws_secret_access_key", name);
    }
    return SourcePtr(std::make_shared<StaticSource>(c, fmt::format("profile {}", name)));
  }
  if (!value_of(p, "sso_session").empty() || !value_of(p, "sso_start_url").empty()) {
    return fail(ErrorCode::usage, "profile {} uses AWS IAM Identity Center (SSO), which imagegate does not read; "
                "set credential_process = aws configure export-credentials --profile {} --format process "
                "in another profile and use that", name, name);
  }
  return SourcePtr();
}

// The chain, resolved on first use and then kept: the SDKs pick one provider
// per client and stay with it.
class ChainSource : public CredentialSource {
 public:
  Result<Credentials> get() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!resolved_) {
      auto r = resolve();
      if (!r) return fail(r.error());
      resolved_ = *r;
      log::debug("AWS credentials from {}", resolved_->describe());
    }
    return resolved_->get();
  }
  std::string describe() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return resolved_ ? resolved_->describe() : "the default credential chain";
  }

 private:
  Result<SourcePtr> resolve() {
    Credentials e{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
    if (!e.access_key_id.empty() && !e.secret_access_key.empty()) {
      return SourcePtr(std::make_shared<StaticSource>(e, "environment variables"));
    }
    if (std::string token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE"); !token_file.empty()) {
      AssumeRoleParams params;
      params.role_arn = env("AWS_ROLE_ARN");
      params.session_name = env("AWS_ROLE_SESSION_NAME");
      if (params.role_arn.empty()) {
        return fail(ErrorCode::usage, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to "
                    "assume");
      }
      return refreshing_source([params, token_file] { return assume_role_with_web_identity(params, token_file); },
                               fmt::format("web identity (AWS_ROLE_ARN {})", params.role_arn));
    }
    auto cfg = load_shared_config();
    if (!cfg) return fail(cfg.error());
    std::string name = profile_name();
    std::vector<std::string> chain;
    IG_ASSIGN(SourcePtr from_profile, profile_source(*cfg, name, chain));
    if (from_profile) return from_profile;
    bool named = !env("AWS_PROFILE").empty() || !env("AWS_DEFAULT_PROFILE").empty();
    if (named && cfg->profiles.find(name) == cfg->profiles.end()) {
      return fail(ErrorCode::usage, "AWS profile {} (from AWS_PROFILE) is not in the AWS config or credentials "
                  "file; check the name, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", name);
    }
    if (container_credentials_configured()) {
      return refreshing_source(fetch_container_credentials, "container credentials");
    }
    std::string imds_note = "instance metadata: disabled by AWS_EC2_METADATA_DISABLED";
    if (!instance_metadata_disabled()) {
      auto imds = refreshing_source(fetch_instance_metadata_credentials, "EC2 instance metadata");
      auto first = imds->get();
      if (first) return imds;
      if (first.error().code != ErrorCode::network) return fail(first.error());
      imds_note = first.error().message;
    }
    return fail(ErrorCode::usage,
                "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                "for temporary credentials), or AWS_PROFILE naming a profile in ~/.aws/config (no profile {}; {})",
                name, imds_note);
  }

  mutable std::mutex mutex_;
  SourcePtr resolved_;
};

}  // namespace

std::shared_ptr<CredentialSource> default_credentials() { return std::make_shared<ChainSource>(); }

}  // namespace ig::aws
