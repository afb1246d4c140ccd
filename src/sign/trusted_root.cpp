#include "sign/trusted_root.h"

#include <openssl/evp.h>

#include "sign/sigstore_json.h"
#include "util/log.h"

namespace ig::sign {

namespace {

using pbjson::json;

constexpr size_t k_max_trusted_root_size = 16u << 20;
constexpr size_t k_max_items = 256;

std::string sha256_raw(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

Result<ValidityPeriod> parse_validity(const json& holder, const std::string& path) {
  ValidityPeriod v;
  const json* vf = pbjson::member(holder, "validFor");
  if (vf == nullptr) return v;
  // TimeRange.start is required: an interval without it is a malformed root,
  // not an unbounded one (a hand-edited root must not widen what it trusts).
  const json* start = pbjson::member(*vf, "start");
  if (start == nullptr || !start->is_string()) {
    return fail(ErrorCode::invalid_signature,
                "trusted root: {}.validFor has no start time; every validity interval needs one, fix the trusted "
                "root (or drop validFor to trust the key at all times)", path);
  }
  IG_ASSIGN(v.start, pbjson::parse_rfc3339(start->get<std::string>(), path + ".validFor.start"));
  if (const json* end = pbjson::member(*vf, "end"); end != nullptr && end->is_string()) {
    IG_ASSIGN(v.end, pbjson::parse_rfc3339(end->get<std::string>(), path + ".validFor.end"));
  }
  return v;
}

Result<const json*> items(const json& root, std::string_view key) {
  const json* m = pbjson::member(root, key);
  if (m == nullptr) return nullptr;
  if (!m->is_array() || m->size() > k_max_items) {
    return fail(ErrorCode::invalid_signature, "trusted root: {} is not an array of at most {} items", key, k_max_items);
  }
  return m;
}

// Appends the log at `j` to `out`, or skips it when its key is unusable.
Result<void> parse_log(const json& j, const std::string& path, std::vector<LogKey>& out) {
  LogKey log;
  log.base_url = pbjson::string_or(j, "baseUrl", "");
  IG_ASSIGN(const json* pk, pbjson::object(j, "publicKey", path));
  const json* raw = pbjson::member(*pk, "rawBytes");
  if (raw == nullptr) {
    log::debug("{}: no public key bytes, skipped", path);
    return {};
  }
  IG_ASSIGN(std::string der, pbjson::bytes(*pk, "rawBytes", path + ".publicKey"));
  auto key = PublicKey::from_der(der);
  if (!key) {
    log::debug("{} ({}): key not usable ({}), skipped", path, log.base_url, key.error().message);
    return {};
  }
  log.key = std::move(*key);
  IG_ASSIGN(log.valid, parse_validity(*pk, path + ".publicKey"));
  if (const json* id = pbjson::member(j, "logId"); id != nullptr) {
    IG_ASSIGN(log.log_id, pbjson::bytes(*id, "keyId", path + ".logId"));
  } else {
    log.log_id = sha256_raw(der);
  }
  out.push_back(std::move(log));
  return {};
}

Result<void> parse_authority(const json& j, const std::string& path, std::vector<Authority>& out) {
  Authority a;
  a.uri = pbjson::string_or(j, "uri", "");
  IG_ASSIGN(const json* chain, pbjson::object(j, "certChain", path));
  const json* certs = pbjson::member(*chain, "certificates");
  if (certs == nullptr || !certs->is_array() || certs->empty() || certs->size() > k_max_items) {
    return fail(ErrorCode::invalid_signature, "{}.certChain.certificates must be a non-empty array", path);
  }
  for (size_t i = 0; i < certs->size(); ++i) {
    std::string p = fmt::format("{}.certChain.certificates[{}]", path, i);
    IG_ASSIGN(std::string der, pbjson::bytes((*certs)[i], "rawBytes", p));
    auto cert = parse_der_certificate(der);
    if (!cert) return fail(cert.error().with_context(p));
    a.chain.push_back(std::move(*cert));
  }
  IG_ASSIGN(a.valid, parse_validity(j, path));
  out.push_back(std::move(a));
  return {};
}

const LogKey* find(const std::vector<LogKey>& logs, std::string_view id) {
  for (const auto& l : logs) {
    if (l.log_id == id) return &l;
  }
  return nullptr;
}

}  // namespace

const LogKey* TrustedRoot::find_tlog(std::string_view log_id) const { return find(tlogs, log_id); }
const LogKey* TrustedRoot::find_ctlog(std::string_view log_id) const { return find(ctlogs, log_id); }

Result<TrustedRoot> parse_trusted_root(std::string_view text) {
  if (text.size() > k_max_trusted_root_size) {
    return fail(ErrorCode::usage, "trusted root of {} bytes is larger than the {} byte limit", text.size(),
                k_max_trusted_root_size);
  }
  IG_ASSIGN(json j, pbjson::parse(text, "trusted root"));
  std::string media_type = pbjson::string_or(j, "mediaType", "");
  if (!media_type.starts_with("application/vnd.dev.sigstore.trustedroot")) {
    return fail(ErrorCode::invalid_signature,
                "trusted root media type '{}' is not application/vnd.dev.sigstore.trustedroot+json", media_type);
  }
  TrustedRoot root;
  struct LogList {
    const char* key;
    std::vector<LogKey>* out;
  };
  for (const auto& [key, out] : {LogList{"tlogs", &root.tlogs}, LogList{"ctlogs", &root.ctlogs}}) {
    IG_ASSIGN(const json* list, items(j, key));
    for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
      IG_TRY(parse_log((*list)[i], fmt::format("{}[{}]", key, i), *out));
    }
  }
  struct AuthorityList {
    const char* key;
    std::vector<Authority>* out;
  };
  for (const auto& [key, out] : {AuthorityList{"certificateAuthorities", &root.certificate_authorities},
                                 AuthorityList{"timestampAuthorities", &root.timestamp_authorities}}) {
    IG_ASSIGN(const json* list, items(j, key));
    for (size_t i = 0; list != nullptr && i < list->size(); ++i) {
      IG_TRY(parse_authority((*list)[i], fmt::format("{}[{}]", key, i), *out));
    }
  }
  return root;
}

}  // namespace ig::sign
