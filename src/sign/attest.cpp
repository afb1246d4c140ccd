// Signing, attaching and finding in-toto attestations (attest.h).
#include "sign/attest.h"

#include "sign/referrers.h"
#include "util/digest.h"
#include "util/log.h"

namespace ig::sign {

using nlohmann::json;

namespace {

constexpr std::string_view k_predicate_annotation = "dev.sigstore.bundle.predicateType";
// Bounds the work a registry can make us do with one image.
constexpr size_t k_max_attestations = 100;

FoundAttestation rejected(FoundAttestation a, ErrorCode code, std::string why) {
  a.verified = false;
  a.failure = code;
  a.message = std::move(why);
  return a;
}

// The hint only tells "another key signed this" from tampering; the
// signature decides.
bool hint_names_other_key(const std::string& hint, const PublicKey& key) {
  if (hint.empty()) return false;
  std::string fp = key.fingerprint();
  return hint != fp && hint != fp.substr(fp.find(':') + 1) && hint != sha256_digest(key.to_der());
}

}  // namespace

std::string make_statement(const std::string& name, const std::string& digest, std::string_view predicate_type,
                           const json& predicate) {
  std::string hex = digest.substr(digest.find(':') + 1);
  json j{{"_type", k_in_toto_statement_v1},
         {"subject", json::array({json{{"name", name}, {"digest", json{{"sha256", hex}}}}})},
         {"predicateType", predicate_type},
         {"predicate", predicate}};
  return j.dump();
}

Result<std::string> make_statement_bundle(const std::string& statement, const Signer& signer) {
  DsseEnvelope env;
  env.payload_type = std::string(k_in_toto_payload_type);
  env.payload = statement;
  IG_ASSIGN(std::string sig, signer.sign(dsse_pae(env.payload_type, env.payload)));
  env.signatures.push_back(DsseSignature{"", std::move(sig)});
  json bundle{{"mediaType", k_bundle_media_type_v03},
              {"verificationMaterial",
               {{"publicKey", {{"hint", signer.public_key.fingerprint()}}}, {"tlogEntries", json::array()}}},
              {"dsseEnvelope", dsse_to_json(env)}};
  return bundle.dump();
}

Result<std::string> attach_attestation(const SignedImage& t, const std::string& bundle,
                                       std::string_view predicate_type,
                                       const std::map<std::string, std::string>& annotations) {
  if (t.client == nullptr) return fail(ErrorCode::internal, "attach_attestation: no registry client");
  image::Descriptor layer;
  layer.media_type = std::string(k_bundle_media_type_v03);
  layer.digest = sha256_digest(bundle);
  layer.size = static_cast<int64_t>(bundle.size());
  std::map<std::string, std::string> manifest_annotations = annotations;
  manifest_annotations["dev.sigstore.bundle.content"] = "dsse-envelope";
  manifest_annotations[std::string(k_predicate_annotation)] = std::string(predicate_type);
  std::string manifest =
      make_artifact_manifest(std::string(k_bundle_media_type_v03), {layer}, t.image, manifest_annotations);
  IG_TRY(t.client->upload_blob(t.repo, empty_config_descriptor().digest, k_empty_config_bytes));
  IG_TRY(t.client->upload_blob(t.repo, layer.digest, bundle));
  return push_referrer(*t.client, t.repo, t.image.digest, manifest, image::media_type::oci_manifest,
                       std::string(k_bundle_media_type_v03));
}

FoundAttestation check_attestation_bundle(std::string_view bundle_json, const std::string& image_digest,
                                          const PublicKey& key, std::string_view predicate_type) {
  FoundAttestation a;
  a.signer = key.fingerprint();
  json b = json::parse(bundle_json, nullptr, false);
  if (b.is_discarded() || !b.is_object()) {
    return rejected(std::move(a), ErrorCode::invalid_signature, "the Sigstore bundle is not a JSON object");
  }
  std::string hint;
  if (auto vm = b.find("verificationMaterial"); vm != b.end() && vm->is_object()) {
    if (auto pk = vm->find("publicKey"); pk != vm->end() && pk->is_object()) {
      if (auto h = pk->find("hint"); h != pk->end() && h->is_string()) hint = h->get<std::string>();
    }
  }
  auto env_json = b.find("dsseEnvelope");
  if (env_json == b.end()) {
    return rejected(std::move(a), ErrorCode::invalid_signature, "the bundle holds no DSSE envelope");
  }
  auto env = parse_dsse(*env_json);
  if (!env) return rejected(std::move(a), ErrorCode::invalid_signature, env.error().message);
  if (env->payload_type != k_in_toto_payload_type) {
    return rejected(std::move(a), ErrorCode::invalid_signature,
                    fmt::format("the DSSE payload type is '{}', not '{}'", env->payload_type, k_in_toto_payload_type));
  }
  std::string pae = dsse_pae(env->payload_type, env->payload);
  bool ok = false;
  for (const auto& s : env->signatures) ok = ok || key.verify(pae, s.sig);
  if (!ok) {
    if (hint_names_other_key(hint, key)) {
      a.signer = hint;
      return rejected(std::move(a), ErrorCode::untrusted_signer,
                      fmt::format("signed by key {}, not by the given key {}", hint, key.fingerprint()));
    }
    return rejected(std::move(a), ErrorCode::invalid_signature,
                    fmt::format("the DSSE signature does not verify with key {} (the payload was changed)", a.signer));
  }
  auto st = parse_statement(env->payload);
  if (!st) return rejected(std::move(a), ErrorCode::invalid_signature, st.error().message);
  if (st->predicate_type != predicate_type) {
    return rejected(std::move(a), ErrorCode::invalid_signature,
                    fmt::format("the statement's predicate type is '{}', not '{}'", st->predicate_type, predicate_type));
  }
  std::string hex = image_digest.substr(image_digest.find(':') + 1);
  bool names_image = false;
  for (const auto& s : st->subjects) names_image = names_image || s.sha256 == hex;
  if (!names_image) {
    return rejected(std::move(a), ErrorCode::invalid_signature,
                    fmt::format("the statement is about sha256:{}, not about this image ({})",
                                st->subjects.front().sha256, image_digest));
  }
  a.statement = std::move(*st);
  a.verified = true;
  return a;
}

Result<std::vector<FoundAttestation>> find_attestations(const SignedImage& t, const PublicKey& key,
                                                        std::string_view predicate_type) {
  if (t.client == nullptr) return fail(ErrorCode::internal, "find_attestations: no registry client");
  std::vector<FoundAttestation> out;
  IG_ASSIGN(auto refs, list_referrers(*t.client, t.repo, t.image.digest, std::string(k_bundle_media_type_v03)));
  for (const auto& ref : refs) {
    if (out.size() >= k_max_attestations) break;
    // Cosign signatures and other attestations announce their own type: skip
    // them without a download.
    if (auto p = ref.annotations.find(std::string(k_predicate_annotation));
        p != ref.annotations.end() && p->second != predicate_type) {
      continue;
    }
    auto m = fetch_referrer_manifest(*t.client, t.repo, ref);
    if (!m) {
      FoundAttestation a;
      a.location = "referrer " + ref.digest;
      out.push_back(rejected(std::move(a), ErrorCode::invalid_signature, m.error().message));
      continue;
    }
    if (auto p = m->annotations.find(std::string(k_predicate_annotation));
        p != m->annotations.end() && p->second != predicate_type) {
      continue;
    }
    for (const auto& layer : m->layers) {
      if (layer.media_type != k_bundle_media_type_v03) continue;
      IG_ASSIGN(std::string bundle, fetch_small_blob(*t.client, t.repo, layer, k_max_bundle_size));
      FoundAttestation a = check_attestation_bundle(bundle, t.image.digest, key, predicate_type);
      a.location = "referrer " + ref.digest;
      log::debug("attestation at {}: {}", a.location, a.verified ? "verified" : a.message);
      out.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace ig::sign
