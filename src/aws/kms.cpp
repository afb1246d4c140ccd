// AWS KMS over its JSON 1.1 protocol, signed with SigV4.
#include "aws/kms.h"

#include <curl/curl.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/digest.h"

namespace ig::aws {

using nlohmann::json;

namespace {

constexpr size_t k_max_response = 1u << 20;
constexpr long k_timeout_seconds = 60;

struct HttpResult {
  long status = 0;
  std::string body;
};

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > k_max_response) return 0;  // aborts the transfer
  out->append(data, size * n);
  return size * n;
}

// The host[:port] part of an endpoint URL, for the signed Host header.
std::string host_of(const std::string& endpoint) {
  auto start = endpoint.find("://");
  std::string rest = start == std::string::npos ? endpoint : endpoint.substr(start + 3);
  return rest.substr(0, rest.find('/'));
}

Result<HttpResult> post(const std::string& url, const std::vector<std::string>& headers, const std::string& body) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return fail(ErrorCode::internal, "curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> guard(list, &curl_slist_free_all);
  HttpResult r;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, k_timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return fail(ErrorCode::network, "AWS KMS at {} is unreachable: {}; check AWS_REGION / AWS_ENDPOINT_URL_KMS and the "
                "network", url, curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

Result<json> call(const KmsKeyRef& key, const Credentials& creds, std::string_view action, const json& request) {
  SignableRequest req;
  req.host = host_of(key.endpoint);
  req.body = request.dump();
  std::string target = "TrentService." + std::string(action);
  req.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}};
  Signature sig = sign_v4(req, creds, key.region, "kms", amz_date(std::chrono::system_clock::now()));
  std::vector<std::string> headers{"Content-Type: application/x-amz-json-1.1", "X-Amz-Target: " + target};
  for (const auto& [k, v] : sig.headers_to_add) headers.push_back(k + ": " + v);
  IG_ASSIGN(HttpResult r, post(key.endpoint + "/", headers, req.body));
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200) {
    std::string type = body.is_object() ? body.value("__type", "") : "";
    type = type.substr(type.find('#') + 1);
    std::string msg = body.is_object() ? body.value("message", body.value("Message", "")) : "";
    ErrorCode code = r.status >= 500 ? ErrorCode::network : ErrorCode::usage;
    if (type == "NotFoundException") code = ErrorCode::not_found;
    return fail(code, "AWS KMS {} for key {} failed (HTTP {} {}): {}", action, key.key_id, r.status,
                type.empty() ? "error" : type, msg.empty() ? r.body.substr(0, 200) : msg);
  }
  if (!body.is_object()) return fail(ErrorCode::network, "AWS KMS {} returned a body that is not JSON", action);
  return body;
}

Result<std::string> b64_field(const json& j, const char* key, std::string_view action) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return fail(ErrorCode::network, "AWS KMS {} response has no '{}'", action, key);
  }
  return base64_decode(it->get<std::string>(), fmt::format("KMS {} {}", action, key));
}

}  // namespace

bool is_kms_ref(std::string_view ref) { return ref.substr(0, k_kms_scheme.size()) == k_kms_scheme; }

Result<KmsKeyRef> parse_kms_ref(std::string_view ref) {
  if (!is_kms_ref(ref)) return fail(ErrorCode::usage, "'{}' is not an awskms:// key reference", ref);
  std::string_view rest = ref.substr(k_kms_scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) {
    return fail(ErrorCode::usage, "'{}' names no key: use awskms:///ARN, awskms:///alias/NAME or awskms://HOST/KEYID", ref);
  }
  KmsKeyRef k;
  std::string host(rest.substr(0, slash));
  k.key_id = std::string(rest.substr(slash + 1));
  if (k.key_id.rfind("arn:", 0) == 0) {
    // arn:aws:kms:REGION:ACCOUNT:key/ID
    size_t pos = 0;
    for (int i = 0; i < 3 && pos != std::string::npos; ++i) pos = k.key_id.find(':', pos + 1);
    if (pos != std::string::npos) k.region = k.key_id.substr(pos + 1, k.key_id.find(':', pos + 1) - pos - 1);
  }
  if (k.region.empty()) k.region = region_from_env();
  if (k.region.empty()) {
    return fail(ErrorCode::usage, "no AWS region for KMS key '{}': use a key ARN or set AWS_REGION", k.key_id);
  }
  if (!host.empty()) {
    bool loopback = host.rfind("localhost", 0) == 0 || host.rfind("127.", 0) == 0 || host.rfind("[::1]", 0) == 0;
    k.endpoint = (loopback ? "http://" : "https://") + host;
  } else {
    k.endpoint = endpoint_for("kms", k.region);
  }
  return k;
}

Result<KmsPublicKey> kms_get_public_key(const KmsKeyRef& key, const Credentials& creds) {
  IG_ASSIGN(json j, call(key, creds, "GetPublicKey", json{{"KeyId", key.key_id}}));
  KmsPublicKey out;
  IG_ASSIGN(out.der, b64_field(j, "PublicKey", "GetPublicKey"));
  out.key_spec = j.value("KeySpec", j.value("CustomerMasterKeySpec", ""));
  if (auto a = j.find("SigningAlgorithms"); a != j.end() && a->is_array()) {
    for (const auto& s : *a) {
      if (s.is_string()) out.signing_algorithms.push_back(s.get<std::string>());
    }
  }
  if (auto u = j.find("KeyUsage"); u != j.end() && u->is_string() && u->get<std::string>() != "SIGN_VERIFY") {
    return fail(ErrorCode::usage, "KMS key {} has key usage {}; signing needs an asymmetric SIGN_VERIFY key",
                key.key_id, u->get<std::string>());
  }
  return out;
}

Result<std::string> kms_sign(const KmsKeyRef& key, const Credentials& creds, std::string_view message,
                             std::string_view algorithm) {
  // KMS takes at most 4096 bytes of RAW message; larger ones go as a digest.
  constexpr size_t k_max_raw = 4096;
  json req{{"KeyId", key.key_id}, {"SigningAlgorithm", algorithm}};
  if (message.size() <= k_max_raw) {
    req["MessageType"] = "RAW";
    req["Message"] = base64_encode(message);
  } else {
    std::string d = sha256_digest(message);
    std::string hex = d.substr(d.find(':') + 1);
    std::string raw;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    req["MessageType"] = "DIGEST";
    req["Message"] = base64_encode(raw);
  }
  IG_ASSIGN(json j, call(key, creds, "Sign", req));
  return b64_field(j, "Signature", "Sign");
}

Result<std::string> signing_algorithm_for(std::string_view key_spec) {
  if (key_spec == "ECC_NIST_P256") return std::string("ECDSA_SHA_256");
  if (key_spec.rfind("RSA_", 0) == 0) return std::string("RSASSA_PKCS1_V1_5_SHA_256");
  return fail(ErrorCode::usage, "KMS key spec {} is not supported for signing: use ECC_NIST_P256 or RSA_2048+",
              key_spec);
}

}  // namespace ig::aws
