// Finding an image's Notation signatures in a registry and verifying them.
#include <ctime>

#include "image/registry.h"
#include "sign/notation_verify.h"
#include "sign/referrers.h"
#include "util/digest.h"

namespace ig::sign::notation {

namespace {

// Signatures: artifactType says so (OCI 1.1), or, in the form Notation wrote
// before artifactType existed, the config media type does.
bool is_signature_manifest(const image::Manifest& m) {
  if (!m.artifact_type.empty()) return m.artifact_type == k_artifact_type;
  return m.config.media_type == k_artifact_type;
}

Result<std::string> fetch_envelope(image::RegistryClient& client, const std::string& repo,
                                   const image::Descriptor& layer) {
  if (layer.size < 0 || static_cast<uint64_t>(layer.size) > k_max_envelope_size) {
    return fail(ErrorCode::invalid_signature, "signature envelope {} is {} bytes, over the {} byte limit", layer.digest,
                layer.size, k_max_envelope_size);
  }
  FILE* tmp = tmpfile();
  if (!tmp) return fail(ErrorCode::io, "cannot create a temporary file for signature envelope {}", layer.digest);
  auto done = client.download_blob(repo, layer, fileno(tmp));
  std::string bytes;
  if (done) {
    rewind(tmp);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0 && bytes.size() <= k_max_envelope_size) bytes.append(buf, n);
  }
  fclose(tmp);
  if (!done) return fail(done.error().with_context("downloading signature envelope " + layer.digest));
  return bytes;
}

}  // namespace

Result<NotationVerification> verify_notation(image::RegistryClient& client, const std::string& repo,
                                             const image::Descriptor& image, const TrustPolicyDocument& policy,
                                             const TrustStore& store) {
  NotationVerification out;
  out.repository = client.registry() + "/" + repo;
  IG_ASSIGN(const TrustPolicy* tp, select_policy(policy, out.repository));
  out.policy_name = tp->name;
  out.level = tp->level;
  if (tp->level == Level::skip) return out;  // the spec: skip fetches no signatures at all

  // Unfiltered, because the legacy form has no artifactType to filter on.
  IG_ASSIGN(auto referrers, list_referrers(client, repo, image.digest));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (const auto& ref : referrers) {
    if (!ref.artifact_type.empty() && ref.artifact_type != k_artifact_type) continue;
    std::string raw;
    auto manifest = fetch_referrer_manifest(client, repo, ref, &raw);
    if (!manifest) {
      if (manifest.error().code == ErrorCode::network) return fail(manifest.error());
      continue;  // not an image manifest: not a Notation signature
    }
    if (!is_signature_manifest(*manifest)) continue;
    SignatureVerification sv;
    if (manifest->layers.size() != 1) {
      sv.checks.push_back({Check::integrity, Action::enforce, CheckStatus::failed, "signature manifest must have exactly one layer"});
      sv.error = Error{ErrorCode::invalid_signature,
                       fmt::format("Notation signature manifest {} has {} layers, want exactly one envelope", ref.digest,
                                   manifest->layers.size())};
    } else {
      IG_ASSIGN(std::string bytes, fetch_envelope(client, repo, manifest->layers[0]));
      sv = verify_envelope(manifest->layers[0].media_type, bytes, image, *tp, store, now);
    }
    sv.manifest_digest = ref.digest;
    if (sv.error && sv.error->code == ErrorCode::usage) return fail(*sv.error);
    out.signatures.push_back(std::move(sv));
    if (out.signatures.back().verified()) return out;
  }
  if (out.signatures.empty()) {
    out.error = Error{ErrorCode::no_signatures,
                      fmt::format("no Notation signature is attached to {}@{}", out.repository, image.digest)};
    return out;
  }
  // None verified: report the first signature's failure, preferring "untrusted
  // signer" over "invalid" when some signature was at least intact.
  const SignatureVerification* pick = &out.signatures.front();
  for (const auto& s : out.signatures) {
    if (s.error->code == ErrorCode::untrusted_signer) pick = &s;
  }
  out.error = pick->error;
  if (out.signatures.size() > 1) {
    out.error->message += fmt::format(" (and {} more Notation signatures failed)", out.signatures.size() - 1);
  }
  return out;
}

}  // namespace ig::sign::notation
