// JWS envelopes, the rules shared with COSE, and the signature check itself.
#include "sign/notation_envelope.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "sign/notation_internal.h"
#include "util/base64.h"

namespace ig::sign::notation {

using nlohmann::json;

const char* signing_scheme_name(SigningScheme s) {
  return s == SigningScheme::x509 ? "notary.x509" : "notary.x509.signingAuthority";
}

const char* algorithm_name(Algorithm a) {
  switch (a) {
    case Algorithm::es256: return "ES256";
    case Algorithm::es384: return "ES384";
    case Algorithm::es512: return "ES512";
    case Algorithm::ps256: return "PS256";
    case Algorithm::ps384: return "PS384";
    case Algorithm::ps512: return "PS512";
  }
  return "?";
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto y = s.substr(0, 4), mo = s.substr(5, 2), d = s.substr(8, 2), h = s.substr(11, 2), mi = s.substr(14, 2),
       se = s.substr(17, 2);
  for (auto part : {y, mo, d, h, mi, se}) {
    if (!all_digits(part)) return std::nullopt;
  }
  int month = to_int(mo), day = to_int(d), hour = to_int(h), minute = to_int(mi), second = to_int(se);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int64_t offset = 0;
  auto zone = s.substr(i);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2))) {
    offset = (to_int(zone.substr(1, 2)) * 60 + to_int(zone.substr(4, 2))) * 60;
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  int64_t days = days_from_civil(to_int(y), static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::string format_rfc3339(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace detail {

Result<void> finish_envelope(Envelope& e, const SignedHeaders& h) {
  if (h.content_type != k_payload_content_type) {
    return fail(ErrorCode::invalid_signature, "{} envelope: content type is '{}', want '{}'", e.format,
                h.content_type, k_payload_content_type);
  }
  if (h.signing_scheme == "notary.x509") {
    e.scheme = SigningScheme::x509;
  } else if (h.signing_scheme == "notary.x509.signingAuthority") {
    e.scheme = SigningScheme::x509_signing_authority;
  } else {
    return fail(ErrorCode::invalid_signature,
                "{} envelope: signing scheme '{}' is not notary.x509 or notary.x509.signingAuthority", e.format,
                h.signing_scheme);
  }
  auto in_crit = [&](std::string_view label) { return std::find(h.crit.begin(), h.crit.end(), label) != h.crit.end(); };
  std::vector<std::string_view> must_be_critical{k_hdr_signing_scheme};
  if (e.expiry) must_be_critical.push_back(k_hdr_expiry);
  if (e.authentic_signing_time) must_be_critical.push_back(k_hdr_authentic_signing_time);
  for (auto label : must_be_critical) {
    if (!in_crit(label)) {
      return fail(ErrorCode::invalid_signature, "{} envelope: '{}' is not listed in the critical headers (crit)",
                  e.format, label);
    }
  }
  for (const auto& label : h.crit) {
    if (!h.present.count(label)) {
      return fail(ErrorCode::invalid_signature, "{} envelope: critical header '{}' is missing from the protected header",
                  e.format, label);
    }
    auto it = e.extended_attributes.find(label);
    if (it != e.extended_attributes.end()) it->second.critical = true;
  }
  if (e.scheme == SigningScheme::x509 && !e.signing_time) {
    return fail(ErrorCode::invalid_signature, "{} envelope: scheme notary.x509 needs a signing time ({})", e.format,
                k_hdr_signing_time);
  }
  if (e.certificate_chain.empty()) {
    return fail(ErrorCode::invalid_signature, "{} envelope: no certificate chain (x5c/x5chain) in the unprotected header",
                e.format);
  }
  json payload = json::parse(e.payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object() || !payload.contains("targetArtifact") ||
      !payload["targetArtifact"].is_object()) {
    return fail(ErrorCode::invalid_signature, "{} envelope: payload is not {{\"targetArtifact\": descriptor}}", e.format);
  }
  auto target = image::parse_descriptor(payload["targetArtifact"]);
  if (!target) {
    return fail(ErrorCode::invalid_signature, "{} envelope: payload targetArtifact: {}", e.format,
                target.error().message);
  }
  e.target = std::move(*target);
  return {};
}

Algorithm algorithm_for_cose(int64_t label, bool& ok) {
  ok = true;
  switch (label) {
    case -7: return Algorithm::es256;
    case -35: return Algorithm::es384;
    case -36: return Algorithm::es512;
    case -37: return Algorithm::ps256;
    case -38: return Algorithm::ps384;
    case -39: return Algorithm::ps512;
    default: ok = false; return Algorithm::es256;
  }
}

}  // namespace detail

namespace {

Result<std::string> b64url_field(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) {
    return fail(ErrorCode::invalid_signature, "JWS envelope: '{}' is missing or not a string", key);
  }
  auto decoded = base64_decode(j[key].get<std::string>(), std::string("JWS ") + key, Base64Alphabet::url);
  if (!decoded) return fail(ErrorCode::invalid_signature, "JWS envelope: {}", decoded.error().message);
  return *decoded;
}

Result<int64_t> jws_time(const json& v, std::string_view label) {
  if (v.is_string()) {
    if (auto t = parse_rfc3339(v.get<std::string>())) return *t;
  }
  return fail(ErrorCode::invalid_signature, "JWS envelope: '{}' is not an RFC 3339 time", label);
}

Result<Algorithm> jws_algorithm(const json& hdr) {
  static const std::pair<const char*, Algorithm> k_names[] = {
      {"ES256", Algorithm::es256}, {"ES384", Algorithm::es384}, {"ES512", Algorithm::es512},
      {"PS256", Algorithm::ps256}, {"PS384", Algorithm::ps384}, {"PS512", Algorithm::ps512}};
  if (hdr.contains("alg") && hdr["alg"].is_string()) {
    for (const auto& [name, a] : k_names) {
      if (hdr["alg"].get<std::string>() == name) return a;
    }
  }
  return fail(ErrorCode::invalid_signature, "JWS envelope: 'alg' must be one of ES256/384/512, PS256/384/512");
}

// Reads the protected header's fields into `e` and `h`.
Result<void> read_jws_protected(const json& hdr, Envelope& e, detail::SignedHeaders& h) {
  using namespace detail;
  IG_ASSIGN(e.algorithm, jws_algorithm(hdr));
  for (const auto& [key, v] : hdr.items()) {
    h.present.insert(key);
    if (key == "alg") continue;
    if (key == "cty" || key == k_hdr_signing_scheme || key == k_hdr_plugin || key == k_hdr_plugin_min_version) {
      if (!v.is_string()) return fail(ErrorCode::invalid_signature, "JWS envelope: '{}' is not a string", key);
      auto s = v.get<std::string>();
      if (key == "cty") h.content_type = s;
      else if (key == k_hdr_signing_scheme) h.signing_scheme = s;
      else if (key == k_hdr_plugin) e.verification_plugin = s;
      else e.verification_plugin_min_version = s;
    } else if (key == "crit") {
      if (!v.is_array()) return fail(ErrorCode::invalid_signature, "JWS envelope: 'crit' is not an array");
      for (const auto& c : v) {
        if (!c.is_string()) return fail(ErrorCode::invalid_signature, "JWS envelope: 'crit' holds a non-string");
        h.crit.push_back(c.get<std::string>());
      }
    } else if (key == k_hdr_signing_time) {
      IG_ASSIGN(e.signing_time, jws_time(v, key));
    } else if (key == k_hdr_authentic_signing_time) {
      IG_ASSIGN(e.authentic_signing_time, jws_time(v, key));
    } else if (key == k_hdr_expiry) {
      IG_ASSIGN(e.expiry, jws_time(v, key));
    } else {
      e.extended_attributes[key] = ExtendedAttribute{v.is_string() ? v.get<std::string>() : v.dump(), false};
    }
  }
  return {};
}

Result<void> read_jws_unprotected(const json& hdr, Envelope& e) {
  if (!hdr.is_object()) return fail(ErrorCode::invalid_signature, "JWS envelope: 'header' is not an object");
  if (hdr.contains("x5c")) {
    if (!hdr["x5c"].is_array()) return fail(ErrorCode::invalid_signature, "JWS envelope: 'x5c' is not an array");
    for (const auto& c : hdr["x5c"]) {
      if (!c.is_string()) return fail(ErrorCode::invalid_signature, "JWS envelope: 'x5c' holds a non-string");
      auto der = base64_decode(c.get<std::string>(), "JWS x5c certificate");
      if (!der) return fail(ErrorCode::invalid_signature, "JWS envelope: {}", der.error().message);
      e.certificate_chain.push_back(std::move(*der));
    }
  }
  if (hdr.contains(detail::k_hdr_timestamp)) {
    const auto& ts = hdr[detail::k_hdr_timestamp];
    if (!ts.is_string()) return fail(ErrorCode::invalid_signature, "JWS envelope: timestamp signature is not a string");
    auto der = base64_decode(ts.get<std::string>(), "JWS timestamp signature");
    if (!der) return fail(ErrorCode::invalid_signature, "JWS envelope: {}", der.error().message);
    e.timestamp_token = std::move(*der);
  }
  if (hdr.contains(detail::k_hdr_signing_agent) && hdr[detail::k_hdr_signing_agent].is_string()) {
    e.signing_agent = hdr[detail::k_hdr_signing_agent].get<std::string>();
  }
  return {};
}

}  // namespace

Result<Envelope> parse_jws(std::string_view bytes) {
  if (bytes.size() > k_max_envelope_size) {
    return fail(ErrorCode::invalid_signature, "JWS envelope is {} bytes, over the {} byte limit", bytes.size(),
                k_max_envelope_size);
  }
  json doc = json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_signature, "JWS envelope is not a JSON object (flattened JWS JSON serialization)");
  }
  if (!doc.contains("protected") || !doc["protected"].is_string() || !doc.contains("payload") ||
      !doc["payload"].is_string()) {
    return fail(ErrorCode::invalid_signature, "JWS envelope: 'protected' and 'payload' must be strings");
  }
  Envelope e;
  e.format = "jws";
  IG_ASSIGN(std::string protected_json, b64url_field(doc, "protected"));
  IG_ASSIGN(e.payload, b64url_field(doc, "payload"));
  IG_ASSIGN(e.signature, b64url_field(doc, "signature"));
  e.signed_bytes = doc["protected"].get<std::string>() + "." + doc["payload"].get<std::string>();
  json hdr = json::parse(protected_json, nullptr, false);
  if (hdr.is_discarded() || !hdr.is_object()) {
    return fail(ErrorCode::invalid_signature, "JWS envelope: the protected header is not a JSON object");
  }
  detail::SignedHeaders h;
  IG_TRY(read_jws_protected(hdr, e, h));
  if (!doc.contains("header")) return fail(ErrorCode::invalid_signature, "JWS envelope: no unprotected 'header'");
  IG_TRY(read_jws_unprotected(doc["header"], e));
  IG_TRY(detail::finish_envelope(e, h));
  return e;
}

Result<Envelope> parse_envelope(std::string_view media_type, std::string_view bytes) {
  if (media_type == k_media_type_jws) return parse_jws(bytes);
  if (media_type == k_media_type_cose) return parse_cose(bytes);
  return fail(ErrorCode::invalid_signature, "Notation signature envelope has media type '{}', want {} or {}",
              media_type, k_media_type_jws, k_media_type_cose);
}

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Raw r||s (JWS and COSE) to the DER ECDSA-Sig-Value OpenSSL verifies.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, size_t field_bytes) {
  if (raw.size() != 2 * field_bytes) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (!sig) return std::nullopt;
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(field_bytes), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + field_bytes),
                        static_cast<int>(field_bytes), nullptr);
  if (!r || !s || !ECDSA_SIG_set0(sig, r, s)) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

struct AlgorithmInfo {
  const EVP_MD* md;
  bool ec;
  const char* curve;    // group name for ES*
  size_t field_bytes;   // per half of r||s
};

AlgorithmInfo algorithm_info(Algorithm a) {
  switch (a) {
    case Algorithm::es256: return {EVP_sha256(), true, "prime256v1", 32};
    case Algorithm::es384: return {EVP_sha384(), true, "secp384r1", 48};
    case Algorithm::es512: return {EVP_sha512(), true, "secp521r1", 66};
    case Algorithm::ps256: return {EVP_sha256(), false, "", 0};
    case Algorithm::ps384: return {EVP_sha384(), false, "", 0};
    case Algorithm::ps512: return {EVP_sha512(), false, "", 0};
  }
  return {EVP_sha256(), true, "prime256v1", 32};
}

Result<void> check_key_fits(EVP_PKEY* key, Algorithm alg, const AlgorithmInfo& info) {
  if (info.ec) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        !EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len) || std::string(group) != info.curve) {
      return fail(ErrorCode::invalid_signature, "signature algorithm {} needs an ECDSA {} signing certificate",
                  algorithm_name(alg), info.curve);
    }
  } else if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_get_bits(key) < 2048) {
    return fail(ErrorCode::invalid_signature, "signature algorithm {} needs an RSA signing certificate of 2048 bits or more",
                algorithm_name(alg));
  }
  return {};
}

}  // namespace

Result<void> verify_envelope_signature(const Envelope& e) {
  if (e.certificate_chain.empty()) return fail(ErrorCode::invalid_signature, "no signing certificate in the envelope");
  const auto& der = e.certificate_chain.front();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return fail(ErrorCode::invalid_signature, "the signing certificate is not DER X.509");
  std::unique_ptr<EVP_PKEY, PkeyFree> key(X509_get_pubkey(cert.get()));
  if (!key) return fail(ErrorCode::invalid_signature, "the signing certificate's public key is unreadable");
  AlgorithmInfo info = algorithm_info(e.algorithm);
  IG_TRY(check_key_fits(key.get(), e.algorithm, info));
  std::string sig = e.signature;
  if (info.ec) {
    auto converted = ecdsa_raw_to_der(e.signature, info.field_bytes);
    if (!converted) {
      return fail(ErrorCode::invalid_signature, "{} signature is {} bytes, want {} (raw r||s)", algorithm_name(e.algorithm),
                  e.signature.size(), 2 * info.field_bytes);
    }
    sig = std::move(*converted);
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, info.md, nullptr, key.get()) != 1) {
    return fail(ErrorCode::internal, "OpenSSL could not set up {} verification", algorithm_name(e.algorithm));
  }
  if (!info.ec && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return fail(ErrorCode::internal, "OpenSSL could not set up RSASSA-PSS");
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                            reinterpret_cast<const unsigned char*>(e.signed_bytes.data()), e.signed_bytes.size());
  if (ok != 1) {
    return fail(ErrorCode::invalid_signature,
                "{} envelope: the {} signature does not match the signed content (payload or headers changed, or a "
                "different key signed it)",
                e.format, algorithm_name(e.algorithm));
  }
  return {};
}

}  // namespace ig::sign::notation
