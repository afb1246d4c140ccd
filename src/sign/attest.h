// In-toto attestations about an image, signed with a key (local or KMS) as a
// DSSE envelope inside a Sigstore bundle v0.3 and stored as an OCI referrer of
// the image, the way `sign` stores its bundles. Generic over the predicate:
// the caller (e.g. `check --attest`) owns the predicate's meaning; this file
// only signs, attaches, finds and verifies statements.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sign/cosign.h"
#include "sign/dsse.h"
#include "util/error.h"

namespace ig::sign {

// The in-toto Statement v1 for `name`@`digest` ("sha256:<hex>") with
// `predicate_type` and `predicate` (compact JSON, keys sorted).
std::string make_statement(const std::string& name, const std::string& digest, std::string_view predicate_type,
                           const nlohmann::json& predicate);

// The bundle JSON (v0.3, DSSE over `statement`, public key hint, no log
// entries), as make_cosign_bundle makes for signatures.
Result<std::string> make_statement_bundle(const std::string& statement, const Signer& signer);

// Pushes `bundle` as a referrer of `target.image` (artifactType the bundle
// media type, annotated with its predicate type plus `annotations`), with the
// referrers tag fallback. Returns the referrer manifest's digest.
Result<std::string> attach_attestation(const SignedImage& target, const std::string& bundle,
                                       std::string_view predicate_type,
                                       const std::map<std::string, std::string>& annotations);

// One attestation found on an image and what its checks said.
struct FoundAttestation {
  std::string location;  // "referrer sha256:…"
  std::string signer;    // the key's fingerprint, or the other key's hint
  Statement statement;   // valid only when verified
  bool verified = false;
  ErrorCode failure = ErrorCode::invalid_signature;  // when !verified
  std::string message;                                // when !verified
};

// Checks one bundle (JSON text): a DSSE envelope of an in-toto statement
// signed by `key`, whose predicate type is `predicate_type` and whose subjects
// include `image_digest`. Failures are outcomes (untrusted_signer when the
// hint names another key, else invalid_signature), never errors.
FoundAttestation check_attestation_bundle(std::string_view bundle_json, const std::string& image_digest,
                                          const PublicKey& key, std::string_view predicate_type);

// Every bundle referrer of `target.image.digest` announcing `predicate_type`
// (referrers without the annotation are read too), each checked with `key`.
// Empty when there is none. Errors only for trouble reaching the registry.
Result<std::vector<FoundAttestation>> find_attestations(const SignedImage& target, const PublicKey& key,
                                                        std::string_view predicate_type);

}  // namespace ig::sign
