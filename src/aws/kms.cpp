// AWS KMS over its JSON 1.1 protocol, through the shared client.
#include "aws/kms.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "util/base64.h"
#include "util/digest.h"

namespace ig::aws {

using nlohmann::json;

namespace {

Result<Client> client_for(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds) {
  return Client::make_at(k_kms, key.endpoint, key.region, std::move(creds));
}

Result<json> call(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds, std::string_view action,
                  const json& request) {
  IG_ASSIGN(Client client, client_for(key, std::move(creds)));
  auto r = client.json_call(action, request);
  if (!r) return fail(r.error().with_context(fmt::format("KMS key {}", key.key_id)));
  return r;
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
  if (k.region.empty()) k.region = default_region();
  if (k.region.empty()) {
    return fail(ErrorCode::usage, "no AWS region for KMS key '{}': use a key ARN or set AWS_REGION", k.key_id);
  }
  if (!host.empty()) {
    bool loopback = host.rfind("localhost", 0) == 0 || host.rfind("127.", 0) == 0 || host.rfind("[::1]", 0) == 0;
    k.endpoint = (loopback ? "http://" : "https://") + host;
  } else {
    IG_ASSIGN(Client c, Client::make(k_kms, k.region, nullptr));
    k.endpoint = c.endpoint();
  }
  return k;
}

Result<KmsPublicKey> kms_get_public_key(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds) {
  IG_ASSIGN(json j, call(key, std::move(creds), "GetPublicKey", json{{"KeyId", key.key_id}}));
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

Result<std::string> kms_sign(const KmsKeyRef& key, std::shared_ptr<CredentialSource> creds, std::string_view message,
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
  IG_ASSIGN(json j, call(key, std::move(creds), "Sign", req));
  return b64_field(j, "Signature", "Sign");
}

Result<std::string> signing_algorithm_for(std::string_view key_spec) {
  if (key_spec == "ECC_NIST_P256") return std::string("ECDSA_SHA_256");
  if (key_spec.rfind("RSA_", 0) == 0) return std::string("RSASSA_PKCS1_V1_5_SHA_256");
  return fail(ErrorCode::usage, "KMS key spec {} is not supported for signing: use ECC_NIST_P256 or RSA_2048+",
              key_spec);
}

}  // namespace ig::aws
