// Signing images in cosign's two storage formats.
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

image::Descriptor blob_descriptor(std::string_view media_type, std::string_view bytes) {
  image::Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = sha256_digest(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

// Cosign's .sig manifests carry a minimal image config whose diff_ids list
// the signature layers; registries and tools that validate configs accept it.
std::string legacy_config(const std::vector<image::Descriptor>& layers) {
  json diff_ids = json::array();
  for (const auto& l : layers) diff_ids.push_back(l.digest);
  constexpr std::string_view zero_time = "0001-01-01T00:00:00Z";
  json j{{"architecture", ""},
         {"os", ""},
         {"created", zero_time},
         {"history", json::array({json{{"created", zero_time}}})},
         {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
         {"config", json::object()}};
  return j.dump();
}

Result<SignOutcome> sign_legacy(const SignedImage& t, const Signer& signer,
                                const std::map<std::string, std::string>& annotations) {
  std::string payload = make_simple_signing({t.name, t.image.digest, annotations});
  IG_ASSIGN(std::string sig, signer.sign(payload));
  image::Descriptor layer = blob_descriptor(k_simple_signing_media_type, payload);
  layer.annotations[std::string(k_cosign_signature_annotation)] = base64_encode(sig);

  IG_ASSIGN(std::string tag, referrers_fallback_tag(t.image.digest));
  tag += k_cosign_sig_tag_suffix;
  std::vector<image::Descriptor> layers;
  auto existing = t.client->get_manifest(t.repo, tag);
  if (existing) {
    auto m = image::parse_manifest(existing->bytes);
    if (!m) {
      return fail(m.error().with_context(fmt::format(
          "the existing signature manifest {}:{} is malformed; it was left as it is. Delete the tag to start afresh",
          t.repo, tag)));
    }
    layers = std::move(m->layers);
    log::debug("appending to {} existing signature layer(s) in {}", layers.size(), tag);
  } else if (existing.error().code != ErrorCode::not_found) {
    return fail(existing.error());
  }
  layers.push_back(layer);

  std::string config = legacy_config(layers);
  image::Manifest m;
  m.media_type = std::string(image::media_type::oci_manifest);
  m.config = blob_descriptor(image::media_type::oci_config, config);
  m.layers = layers;
  IG_TRY(t.client->upload_blob(t.repo, layer.digest, payload));
  IG_TRY(t.client->upload_blob(t.repo, m.config.digest, config));
  std::string manifest = manifest_to_oci_json(m);
  IG_ASSIGN(std::string digest, t.client->put_manifest(t.repo, tag, manifest, image::media_type::oci_manifest));
  return SignOutcome{digest, "tag " + tag};
}

Result<SignOutcome> sign_bundle(const SignedImage& t, const Signer& signer,
                                const std::map<std::string, std::string>& annotations) {
  IG_ASSIGN(std::string bundle, make_cosign_bundle(t.name, t.image.digest, signer, annotations));
  image::Descriptor layer = blob_descriptor(k_bundle_media_type_v03, bundle);
  std::map<std::string, std::string> manifest_annotations{
      {"dev.sigstore.bundle.content", "dsse-envelope"},
      {"dev.sigstore.bundle.predicateType", std::string(k_cosign_sign_predicate)}};
  std::string manifest =
      make_artifact_manifest(std::string(k_bundle_media_type_v03), {layer}, t.image, manifest_annotations);
  IG_TRY(t.client->upload_blob(t.repo, empty_config_descriptor().digest, k_empty_config_bytes));
  IG_TRY(t.client->upload_blob(t.repo, layer.digest, bundle));
  IG_ASSIGN(std::string digest, push_referrer(*t.client, t.repo, t.image.digest, manifest,
                                              image::media_type::oci_manifest, std::string(k_bundle_media_type_v03)));
  return SignOutcome{digest, "referrer " + digest};
}

}  // namespace

Signer local_signer(const PrivateKey& key) {
  return Signer{key.public_key(), [key](std::string_view message) { return key.sign(message); }};
}

Result<std::string> make_cosign_bundle(const std::string& name, const std::string& digest, const Signer& signer,
                                       const std::map<std::string, std::string>& annotations) {
  DsseEnvelope env;
  env.payload_type = std::string(k_in_toto_payload_type);
  env.payload = make_cosign_statement(name, digest, annotations);
  IG_ASSIGN(std::string sig, signer.sign(dsse_pae(env.payload_type, env.payload)));
  env.signatures.push_back(DsseSignature{"", std::move(sig)});
  json bundle{{"mediaType", k_bundle_media_type_v03},
              {"verificationMaterial",
               {{"publicKey", {{"hint", signer.public_key.fingerprint()}}}, {"tlogEntries", json::array()}}},
              {"dsseEnvelope", dsse_to_json(env)}};
  return bundle.dump();
}

Result<SignOutcome> sign_image(const SignedImage& target, const Signer& signer, SignatureFormat format,
                               const std::map<std::string, std::string>& annotations) {
  if (target.client == nullptr) return fail(ErrorCode::internal, "sign_image: no registry client");
  IG_TRY(Digest::parse(target.image.digest));
  if (format == SignatureFormat::legacy) return sign_legacy(target, signer, annotations);
  return sign_bundle(target, signer, annotations);
}

}  // namespace ig::sign
