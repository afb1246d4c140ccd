// Trust policy parsing and validation, DN matching, and trust store loading.
#include "sign/notation_policy.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "util/fs.h"

namespace ig::sign::notation {

using nlohmann::json;

const char* level_name(Level l) {
  switch (l) {
    case Level::strict: return "strict";
    case Level::permissive: return "permissive";
    case Level::audit: return "audit";
    case Level::skip: return "skip";
  }
  return "?";
}

const char* action_name(Action a) {
  switch (a) {
    case Action::enforce: return "enforced";
    case Action::log: return "logged";
    case Action::skip: return "skipped";
  }
  return "?";
}

const char* check_name(Check c) {
  switch (c) {
    case Check::integrity: return "integrity";
    case Check::authenticity: return "authenticity";
    case Check::authentic_timestamp: return "authenticTimestamp";
    case Check::expiry: return "expiry";
    case Check::revocation: return "revocation";
  }
  return "?";
}

Action default_action(Level level, Check check) {
  switch (level) {
    case Level::strict: return Action::enforce;
    case Level::permissive:
      return check == Check::integrity || check == Check::authenticity ? Action::enforce : Action::log;
    case Level::audit: return check == Check::integrity ? Action::enforce : Action::log;
    case Level::skip: return Action::skip;
  }
  return Action::enforce;
}

namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Splits on unescaped `sep`, keeping escapes for the next stage.
std::vector<std::string> split_unescaped(std::string_view s, char sep) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out.back() += s[i];
      out.back() += s[++i];
    } else if (s[i] == sep) {
      out.emplace_back();
    } else {
      out.back() += s[i];
    }
  }
  return out;
}

// Trims unescaped outer spaces, then resolves escapes.
std::string unescape_value(std::string_view raw) {
  size_t b = 0, e = raw.size();
  while (b < e && raw[b] == ' ') ++b;
  while (e > b && raw[e - 1] == ' ' && !(e >= 2 && raw[e - 2] == '\\')) --e;
  std::string out;
  for (size_t i = b; i < e; ++i) {
    if (raw[i] == '\\' && i + 1 < e) ++i;
    out += raw[i];
  }
  return out;
}

}  // namespace

Result<DistinguishedName> parse_dn(std::string_view text) {
  DistinguishedName dn;
  for (const auto& rdn : split_unescaped(text, ',')) {
    size_t eq = rdn.find('=');
    if (eq == std::string::npos) {
      return fail(ErrorCode::usage, "distinguished name '{}': '{}' is not TYPE=value", text, trim(rdn));
    }
    std::string type = trim(std::string_view(rdn).substr(0, eq));
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    if (type.empty() || type.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.") != std::string::npos) {
      return fail(ErrorCode::usage, "distinguished name '{}': attribute type '{}' is not valid", text, type);
    }
    std::string value = unescape_value(std::string_view(rdn).substr(eq + 1));
    if (value.empty()) return fail(ErrorCode::usage, "distinguished name '{}': {} has an empty value", text, type);
    for (const auto& [t, v] : dn) {
      if (t == type) {
        return fail(ErrorCode::usage, "distinguished name '{}': {} appears twice (multi-valued attributes are not supported)",
                    text, type);
      }
    }
    dn.emplace_back(std::move(type), std::move(value));
  }
  return dn;
}

bool dn_matches(const DistinguishedName& identity, const DistinguishedName& subject) {
  return std::all_of(identity.begin(), identity.end(), [&](const auto& attr) {
    return std::find(subject.begin(), subject.end(), attr) != subject.end();
  });
}

namespace {

// Two identities overlap when one certificate could match both: they agree on
// every attribute type they share.
bool overlapping(const DistinguishedName& a, const DistinguishedName& b) {
  for (const auto& [type, value] : a) {
    for (const auto& [t2, v2] : b) {
      if (type == t2 && value != v2) return false;
    }
  }
  return true;
}

Result<std::vector<std::string>> string_array(const json& p, const char* key, const std::string& where,
                                              bool required) {
  std::vector<std::string> out;
  if (!p.contains(key)) {
    if (required) return fail(ErrorCode::usage, "trust policy {}: '{}' is required", where, key);
    return out;
  }
  if (!p[key].is_array()) return fail(ErrorCode::usage, "trust policy {}: '{}' must be an array of strings", where, key);
  for (const auto& v : p[key]) {
    if (!v.is_string()) return fail(ErrorCode::usage, "trust policy {}: '{}' must be an array of strings", where, key);
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<void> parse_verification(const json& p, const std::string& where, TrustPolicy& tp) {
  if (!p.contains("signatureVerification") || !p["signatureVerification"].is_object()) {
    return fail(ErrorCode::usage, "trust policy {}: 'signatureVerification' object is required", where);
  }
  const json& sv = p["signatureVerification"];
  std::string level = sv.contains("level") && sv["level"].is_string() ? sv["level"].get<std::string>() : "";
  static const std::pair<const char*, Level> k_levels[] = {
      {"strict", Level::strict}, {"permissive", Level::permissive}, {"audit", Level::audit}, {"skip", Level::skip}};
  auto it = std::find_if(std::begin(k_levels), std::end(k_levels), [&](const auto& l) { return level == l.first; });
  if (it == std::end(k_levels)) {
    return fail(ErrorCode::usage, "trust policy {}: signatureVerification.level '{}' is not strict, permissive, audit or skip",
                where, level);
  }
  tp.level = it->second;
  for (size_t c = 0; c < k_check_count; ++c) tp.actions[c] = default_action(tp.level, static_cast<Check>(c));
  if (!sv.contains("override")) return {};
  if (tp.level == Level::skip) return fail(ErrorCode::usage, "trust policy {}: level 'skip' cannot have overrides", where);
  if (!sv["override"].is_object()) return fail(ErrorCode::usage, "trust policy {}: 'override' must be an object", where);
  for (const auto& [key, v] : sv["override"].items()) {
    if (key == "integrity") return fail(ErrorCode::usage, "trust policy {}: integrity cannot be overridden", where);
    std::optional<Check> check;
    for (Check c : {Check::authenticity, Check::authentic_timestamp, Check::expiry, Check::revocation}) {
      if (key == check_name(c)) check = c;
    }
    if (!check) {
      return fail(ErrorCode::usage,
                  "trust policy {}: unknown override '{}' (authenticity, authenticTimestamp, expiry, revocation)", where, key);
    }
    std::string value = v.is_string() ? v.get<std::string>() : "";
    Action a;
    if (value == "enforce") a = Action::enforce;
    else if (value == "log") a = Action::log;
    else if (value == "skip" && *check == Check::revocation) a = Action::skip;
    else {
      return fail(ErrorCode::usage, "trust policy {}: override {} = '{}' is not allowed (enforce or log{})", where, key,
                  value, *check == Check::revocation ? ", or skip" : "");
    }
    tp.actions[static_cast<size_t>(*check)] = a;
  }
  return {};
}

Result<void> parse_stores(const json& p, const std::string& where, TrustPolicy& tp) {
  bool required = tp.level != Level::skip;
  IG_ASSIGN(auto stores, string_array(p, "trustStores", where, required));
  for (const auto& s : stores) {
    size_t colon = s.find(':');
    TrustStoreRef ref{s.substr(0, colon == std::string::npos ? 0 : colon),
                      colon == std::string::npos ? "" : s.substr(colon + 1)};
    if ((ref.type != "ca" && ref.type != "signingAuthority" && ref.type != "tsa") || ref.name.empty() ||
        ref.name.find_first_of("/\\") != std::string::npos || ref.name == "." || ref.name == "..") {
      return fail(ErrorCode::usage, "trust policy {}: trust store '{}' is not ca:NAME, signingAuthority:NAME or tsa:NAME",
                  where, s);
    }
    tp.trust_stores.push_back(std::move(ref));
  }
  IG_ASSIGN(auto ids, string_array(p, "trustedIdentities", where, required));
  if (tp.level == Level::skip && (!tp.trust_stores.empty() || !ids.empty())) {
    return fail(ErrorCode::usage, "trust policy {}: level 'skip' must not list trustStores or trustedIdentities", where);
  }
  if (required && (tp.trust_stores.empty() || ids.empty())) {
    return fail(ErrorCode::usage, "trust policy {}: trustStores and trustedIdentities must not be empty", where);
  }
  for (const auto& id : ids) {
    if (id == "*") {
      if (ids.size() != 1) return fail(ErrorCode::usage, "trust policy {}: '*' must be the only trusted identity", where);
      tp.any_identity = true;
      continue;
    }
    if (id.rfind("arn:", 0) == 0) {
      // arn:PARTITION:signer:REGION:ACCOUNT:/signing-profiles/NAME[/VERSION]
      size_t colons = static_cast<size_t>(std::count(id.begin(), id.end(), ':'));
      auto res = id.find(":/signing-profiles/");
      size_t slashes = res == std::string::npos ? 0 : static_cast<size_t>(std::count(id.begin() + res, id.end(), '/'));
      if (id.find(":signer:") == std::string::npos || colons != 5 || res == std::string::npos || slashes < 2 ||
          slashes > 3 || id.back() == '/') {
        return fail(ErrorCode::usage,
                    "trust policy {}: trusted identity '{}' is not an AWS Signer signing-profile ARN "
                    "(arn:aws:signer:REGION:ACCOUNT:/signing-profiles/NAME[/VERSION])",
                    where, id);
      }
      tp.aws_signer_profiles.push_back(id);
      tp.trusted_identity_text.push_back(id);
      continue;
    }
    constexpr std::string_view prefix = "x509.subject:";
    if (id.rfind(prefix, 0) != 0) {
      return fail(ErrorCode::usage, "trust policy {}: trusted identity '{}' must start with 'x509.subject:', be an AWS Signer profile ARN, or be '*'",
                  where, id);
    }
    IG_ASSIGN(auto dn, parse_dn(std::string_view(id).substr(prefix.size())));
    for (const char* required_attr : {"C", "ST", "O"}) {
      if (std::none_of(dn.begin(), dn.end(), [&](const auto& a) { return a.first == required_attr; })) {
        return fail(ErrorCode::usage, "trust policy {}: trusted identity '{}' lacks {} (C, ST and O are required)", where,
                    id, required_attr);
      }
    }
    for (size_t k = 0; k < tp.trusted_identities.size(); ++k) {
      if (overlapping(dn, tp.trusted_identities[k])) {
        return fail(ErrorCode::usage, "trust policy {}: trusted identities '{}' and '{}' overlap", where,
                    tp.trusted_identity_text[k], id);
      }
    }
    tp.trusted_identities.push_back(std::move(dn));
    tp.trusted_identity_text.push_back(id);
  }
  return {};
}

Result<TrustPolicy> parse_one_policy(const json& p, size_t index) {
  std::string where = fmt::format("trustPolicies[{}]", index);
  if (!p.is_object()) return fail(ErrorCode::usage, "trust policy {} is not an object", where);
  TrustPolicy tp;
  if (!p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty()) {
    return fail(ErrorCode::usage, "trust policy {}: 'name' is required", where);
  }
  tp.name = p["name"].get<std::string>();
  where = fmt::format("'{}'", tp.name);
  IG_ASSIGN(tp.registry_scopes, string_array(p, "registryScopes", where, true));
  if (tp.registry_scopes.empty()) return fail(ErrorCode::usage, "trust policy {}: registryScopes is empty", where);
  for (const auto& s : tp.registry_scopes) {
    if (s.find('*') != std::string::npos && (s != "*" || tp.registry_scopes.size() != 1)) {
      return fail(ErrorCode::usage, "trust policy {}: '*' must be the only registry scope, and scopes cannot use wildcards",
                  where);
    }
    if (s != "*" && (s.find('/') == std::string::npos || s.find_first_of(":@", s.find('/')) != std::string::npos)) {
      return fail(ErrorCode::usage, "trust policy {}: registry scope '{}' must be a fully qualified repository like "
                  "registry.example/team/app (no tag or digest)", where, s);
    }
  }
  IG_TRY(parse_verification(p, where, tp));
  if (tp.level == Level::skip && tp.is_global()) {
    return fail(ErrorCode::usage, "trust policy {}: level 'skip' cannot use the global scope '*'", where);
  }
  IG_TRY(parse_stores(p, where, tp));
  return tp;
}

}  // namespace

Result<TrustPolicyDocument> parse_trust_policy(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(ErrorCode::usage, "trust policy is not a JSON object");
  if (!doc.contains("version") || doc["version"] != "1.0") {
    return fail(ErrorCode::usage, "trust policy: 'version' must be \"1.0\"");
  }
  if (!doc.contains("trustPolicies") || !doc["trustPolicies"].is_array() || doc["trustPolicies"].empty()) {
    return fail(ErrorCode::usage, "trust policy: 'trustPolicies' must be a non-empty array");
  }
  TrustPolicyDocument out;
  std::set<std::string> names, scopes;
  bool have_global = false;
  for (size_t i = 0; i < doc["trustPolicies"].size(); ++i) {
    IG_ASSIGN(TrustPolicy tp, parse_one_policy(doc["trustPolicies"][i], i));
    if (!names.insert(tp.name).second) return fail(ErrorCode::usage, "trust policy: name '{}' is used twice", tp.name);
    if (tp.is_global()) {
      if (have_global) return fail(ErrorCode::usage, "trust policy: more than one policy has the global scope '*'");
      have_global = true;
    } else {
      for (const auto& s : tp.registry_scopes) {
        if (!scopes.insert(s).second) {
          return fail(ErrorCode::usage, "trust policy: registry scope '{}' appears in more than one policy", s);
        }
      }
    }
    out.policies.push_back(std::move(tp));
  }
  return out;
}

Result<TrustPolicyDocument> load_trust_policy(const std::filesystem::path& file) {
  auto text = read_file(file, 1u << 20);
  if (!text) {
    return fail(ErrorCode::usage, "cannot read trust policy '{}': {}", file.string(), text.error().message);
  }
  auto doc = parse_trust_policy(*text);
  if (!doc) return fail(doc.error().with_context(file.string()));
  return doc;
}

Result<const TrustPolicy*> select_policy(const TrustPolicyDocument& doc, std::string_view repository) {
  const TrustPolicy* global = nullptr;
  for (const auto& p : doc.policies) {
    if (p.is_global()) {
      global = &p;
      continue;
    }
    if (std::find(p.registry_scopes.begin(), p.registry_scopes.end(), repository) != p.registry_scopes.end()) return &p;
  }
  if (global) return global;
  return fail(ErrorCode::untrusted_signer,
              "no Notation trust policy applies to '{}': add it to a policy's registryScopes, or add a policy with scope '*'",
              repository);
}

namespace {

Result<void> read_certificates(const std::filesystem::path& file, std::vector<std::shared_ptr<X509>>& out) {
  IG_ASSIGN(std::string data, read_file(file, 1u << 20));
  size_t before = out.size();
  if (data.find("-----BEGIN") != std::string::npos) {
    BIO* bio = BIO_new_mem_buf(data.data(), static_cast<int>(data.size()));
    while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) out.emplace_back(x, X509_free);
    BIO_free(bio);
  } else {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
    if (X509* x = d2i_X509(nullptr, &p, static_cast<long>(data.size()))) out.emplace_back(x, X509_free);
  }
  ERR_clear_error();
  if (out.size() == before) {
    return fail(ErrorCode::usage, "trust store file '{}' holds no X.509 certificate (PEM or DER)", file.string());
  }
  return {};
}

}  // namespace

Result<std::vector<std::shared_ptr<X509>>> TrustStore::certificates(const TrustStoreRef& ref) const {
  auto dir = root_ / "x509" / ref.type / ref.name;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return fail(ErrorCode::usage, "Notation trust store '{}:{}' not found: create {} with the CA certificates in PEM",
                ref.type, ref.name, dir.string());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".pem" || ext == ".crt" || ext == ".cer")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::shared_ptr<X509>> out;
  for (const auto& f : files) IG_TRY(read_certificates(f, out));
  if (out.empty()) {
    return fail(ErrorCode::usage, "Notation trust store '{}:{}' ({}) holds no .pem, .crt or .cer certificate", ref.type,
                ref.name, dir.string());
  }
  return out;
}

}  // namespace ig::sign::notation
