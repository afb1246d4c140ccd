// Verifying cosign signatures with a key: both storage formats, each check
// recorded so the report can say what passed and what was skipped.
#include <nlohmann/json.hpp>

#include "sign/cosign.h"
#include "sign/dsse.h"
#include "sign/referrers.h"
#include "sign/simple_signing.h"
#include "util/base64.h"
#include "util/digest.h"
#include "util/log.h"

namespace ig::sign {

using nlohmann::json;

namespace {

constexpr size_t k_max_payload_size = 1u << 20;
// Bounds the work a registry can make us do with one image.
constexpr size_t k_max_signatures = 100;

void add(SignatureReport& r, std::string name, Check::Status s, std::string detail = {}) {
  r.checks.push_back(Check{std::move(name), s, std::move(detail)});
}

// Marks `r` failed with `code` and records the failed check.
SignatureReport& reject(SignatureReport& r, ErrorCode code, std::string check, std::string why) {
  add(r, std::move(check), Check::Status::failed, why);
  r.verified = false;
  r.failure = code;
  r.message = std::move(why);
  return r;
}

// The checks shared by both formats once the signature bytes verified.
void check_claims(SignatureReport& r, const std::string& image_digest, const KeyVerifyOptions& options) {
  if (r.signed_digest != image_digest) {
    reject(r, ErrorCode::invalid_signature, "digest",
           fmt::format("the signature is for {}, not for this image ({})", r.signed_digest.empty() ? "no digest" : r.signed_digest,
                       image_digest));
    return;
  }
  add(r, "digest", Check::Status::passed, image_digest);
  if (options.required_annotations.empty()) {
    add(r, "annotations", Check::Status::skipped, "none required");
  } else {
    for (const auto& [k, v] : options.required_annotations) {
      auto it = r.annotations.find(k);
      if (it == r.annotations.end() || it->second != v) {
        reject(r, ErrorCode::untrusted_signer, "annotations",
               fmt::format("annotation {}={} is required, but the signature has {}", k, v,
                           it == r.annotations.end() ? "no such annotation" : k + "=" + it->second));
        return;
      }
    }
    add(r, "annotations", Check::Status::passed);
  }
  add(r, "transparency log", Check::Status::skipped, "offline key-based verification; no log entry is required");
  r.verified = true;
}

// The hint in a bundle names the key that signed it; it is only a hint (the
// signature decides), but it tells "another key signed this" from tampering.
bool hint_names_other_key(const std::string& hint, const PublicKey& key) {
  if (hint.empty()) return false;
  std::string fp = key.fingerprint();
  std::string raw_hash = sha256_digest(key.to_der());
  return hint != fp && hint != fp.substr(fp.find(':') + 1) && hint != raw_hash;
}

}  // namespace

const char* check_status_name(Check::Status s) {
  switch (s) {
    case Check::Status::passed: return "passed";
    case Check::Status::failed: return "failed";
    case Check::Status::skipped: return "skipped";
  }
  return "skipped";
}

SignatureReport check_legacy_signature(std::string_view payload, std::string_view signature_b64,
                                       const std::string& image_digest, const PublicKey& key,
                                       const KeyVerifyOptions& options) {
  SignatureReport r;
  r.format = "legacy";
  r.signer = key.fingerprint();
  auto sig = base64_decode(signature_b64, "the cosign signature annotation");
  if (!sig) return reject(r, ErrorCode::invalid_signature, "signature", sig.error().message);
  if (!key.verify(payload, *sig)) {
    return reject(r, ErrorCode::invalid_signature, "signature",
                  fmt::format("the signature does not verify with key {} (the payload was changed, or another key "
                              "signed it)", r.signer));
  }
  add(r, "signature", Check::Status::passed, "over the exact payload bytes");
  auto ss = parse_simple_signing(payload);
  if (!ss) return reject(r, ErrorCode::invalid_signature, "payload", ss.error().message);
  r.signed_reference = ss->docker_reference;
  r.signed_digest = ss->manifest_digest;
  r.annotations = ss->annotations;
  check_claims(r, image_digest, options);
  return r;
}

SignatureReport check_bundle_signature(std::string_view bundle_json, const std::string& image_digest,
                                       const PublicKey& key, const KeyVerifyOptions& options) {
  SignatureReport r;
  r.format = "bundle";
  r.signer = key.fingerprint();
  json b = json::parse(bundle_json, nullptr, false);
  if (b.is_discarded() || !b.is_object()) {
    return reject(r, ErrorCode::invalid_signature, "bundle", "the Sigstore bundle is not a JSON object");
  }
  std::string hint;
  if (auto vm = b.find("verificationMaterial"); vm != b.end() && vm->is_object()) {
    if (auto pk = vm->find("publicKey"); pk != vm->end() && pk->is_object()) hint = pk->value("hint", "");
  }
  auto env_json = b.find("dsseEnvelope");
  if (env_json == b.end()) {
    return reject(r, ErrorCode::invalid_signature, "bundle",
                  "the bundle holds no DSSE envelope (a message signature cannot sign an image)");
  }
  auto env = parse_dsse(*env_json);
  if (!env) return reject(r, ErrorCode::invalid_signature, "bundle", env.error().message);
  if (env->payload_type != k_in_toto_payload_type) {
    return reject(r, ErrorCode::invalid_signature, "payload",
                  fmt::format("the DSSE payload type is '{}', not '{}'", env->payload_type, k_in_toto_payload_type));
  }
  std::string pae = dsse_pae(env->payload_type, env->payload);
  bool ok = false;
  for (const auto& s : env->signatures) ok = ok || key.verify(pae, s.sig);
  if (!ok) {
    if (hint_names_other_key(hint, key)) {
      r.signer = hint;
      return reject(r, ErrorCode::untrusted_signer, "signature",
                    fmt::format("signed by key {}, not by the given key {}", hint, key.fingerprint()));
    }
    return reject(r, ErrorCode::invalid_signature, "signature",
                  fmt::format("the DSSE signature does not verify with key {} (the payload was changed)", r.signer));
  }
  add(r, "signature", Check::Status::passed, "DSSE over the exact payload bytes");
  auto st = parse_statement(env->payload);
  if (!st) return reject(r, ErrorCode::invalid_signature, "payload", st.error().message);
  if (st->predicate_type != k_cosign_sign_predicate) {
    return reject(r, ErrorCode::invalid_signature, "predicate type",
                  fmt::format("the statement's predicate type is '{}', not a cosign signature ('{}')",
                              st->predicate_type, k_cosign_sign_predicate));
  }
  // The digest check must see every subject: a statement may name several.
  std::string hex = image_digest.substr(image_digest.find(':') + 1);
  r.signed_reference = st->subjects.front().name;
  r.signed_digest = "sha256:" + st->subjects.front().sha256;
  for (const auto& s : st->subjects) {
    if (s.sha256 == hex) {
      r.signed_reference = s.name;
      r.signed_digest = image_digest;
    }
  }
  if (auto a = st->predicate.find("annotations"); st->predicate.is_object() && a != st->predicate.end() && a->is_object()) {
    for (const auto& [k, v] : a->items()) r.annotations[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  check_claims(r, image_digest, options);
  return r;
}

namespace {

Result<void> verify_bundles(const SignedImage& t, const PublicKey& key, const KeyVerifyOptions& options,
                            std::vector<SignatureReport>& out) {
  IG_ASSIGN(auto refs, list_referrers(*t.client, t.repo, t.image.digest, std::string(k_bundle_media_type_v03)));
  for (const auto& ref : refs) {
    if (out.size() >= k_max_signatures) break;
    auto m = fetch_referrer_manifest(*t.client, t.repo, ref);
    if (!m) {
      SignatureReport r;
      r.format = "bundle";
      r.location = ref.digest;
      out.push_back(std::move(reject(r, ErrorCode::invalid_signature, "manifest", m.error().message)));
      continue;
    }
    for (const auto& layer : m->layers) {
      if (layer.media_type != k_bundle_media_type_v03) continue;
      IG_ASSIGN(std::string bundle, fetch_small_blob(*t.client, t.repo, layer, k_max_bundle_size));
      SignatureReport r = check_bundle_signature(bundle, t.image.digest, key, options);
      r.location = "referrer " + ref.digest;
      out.push_back(std::move(r));
    }
  }
  return {};
}

Result<void> verify_legacy(const SignedImage& t, const PublicKey& key, const KeyVerifyOptions& options,
                           std::vector<SignatureReport>& out) {
  IG_ASSIGN(std::string tag, referrers_fallback_tag(t.image.digest));
  tag += k_cosign_sig_tag_suffix;
  auto raw = t.client->get_manifest(t.repo, tag);
  if (!raw) {
    if (raw.error().code == ErrorCode::not_found) return {};
    return fail(raw.error());
  }
  auto m = image::parse_manifest(raw->bytes);
  if (!m) return fail(ErrorCode::invalid_signature, "the signature manifest {}:{} is malformed: {}", t.repo, tag, m.error().message);
  for (const auto& layer : m->layers) {
    if (out.size() >= k_max_signatures) break;
    if (layer.media_type != k_simple_signing_media_type) continue;
    auto sig = layer.annotations.find(std::string(k_cosign_signature_annotation));
    SignatureReport r;
    if (sig == layer.annotations.end()) {
      r.format = "legacy";
      reject(r, ErrorCode::invalid_signature, "signature", "the layer has no dev.cosignproject.cosign/signature annotation");
    } else {
      IG_ASSIGN(std::string payload, fetch_small_blob(*t.client, t.repo, layer, k_max_payload_size));
      r = check_legacy_signature(payload, sig->second, t.image.digest, key, options);
    }
    r.location = "tag " + tag + " layer " + layer.digest;
    out.push_back(std::move(r));
  }
  return {};
}

}  // namespace

Result<std::vector<SignatureReport>> verify_image_with_key(const SignedImage& target, const PublicKey& key,
                                                           const KeyVerifyOptions& options) {
  if (target.client == nullptr) return fail(ErrorCode::internal, "verify_image_with_key: no registry client");
  std::vector<SignatureReport> out;
  IG_TRY(verify_bundles(target, key, options, out));
  IG_TRY(verify_legacy(target, key, options, out));
  return out;
}

Result<void> overall_outcome(const std::vector<SignatureReport>& reports, const std::string& image_digest) {
  if (reports.empty()) {
    return fail(ErrorCode::no_signatures,
                "no cosign signatures found for {} (neither bundle referrers nor a legacy .sig tag); sign it with "
                "'imagegate sign', or check the repository",
                image_digest);
  }
  const SignatureReport* first_invalid = nullptr;
  const SignatureReport* first_untrusted = nullptr;
  for (const auto& r : reports) {
    if (r.verified) return {};
    if (r.failure == ErrorCode::untrusted_signer) {
      if (!first_untrusted) first_untrusted = &r;
    } else if (!first_invalid) {
      first_invalid = &r;
    }
  }
  const SignatureReport& why = first_invalid ? *first_invalid : *first_untrusted;
  return fail(why.failure, "none of the {} signature(s) of {} verified; {} signature at {}: {}", reports.size(),
              image_digest, why.format, why.location, why.message);
}

}  // namespace ig::sign
