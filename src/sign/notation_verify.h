// Notation signature verification: the Notary Project verification workflow
// over one envelope (integrity, authenticity, expiry, authentic timestamp,
// revocation, each enforced, logged or skipped per the trust policy), and
// over every Notation signature attached to an image in a registry.
//
// Outcomes are data, not only errors: every check says whether it passed,
// failed, was skipped, or could not be checked, so that a report can show
// what was and was not established. Revocation that would need an online
// service (AWS Signer's API, OCSP, CRLs) is reported as "not checked" and is
// a failure of that check; it is never passed silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/types.h"
#include "sign/notation_envelope.h"
#include "sign/notation_policy.h"
#include "util/error.h"

namespace ig::image {
class RegistryClient;
}

namespace ig::sign::notation {

enum class CheckStatus { passed, failed, skipped, not_checked };
const char* check_status_name(CheckStatus s);

struct CheckOutcome {
  Check check = Check::integrity;
  Action action = Action::enforce;
  CheckStatus status = CheckStatus::passed;
  std::string detail;
};

// The verification of one signature envelope.
struct SignatureVerification {
  std::string manifest_digest;  // the signature manifest, when found in a registry
  std::string format;           // "jws" / "cose" (empty when unparseable)
  std::string signing_scheme;
  std::string algorithm;
  std::string signer_subject;   // signing certificate subject, RFC 2253-like text
  std::string signer_issuer;
  std::optional<int64_t> signing_time;  // signingTime or authenticSigningTime
  std::optional<int64_t> timestamp;     // RFC 3161 genTime, when verified
  bool aws_signer = false;
  std::string aws_signing_profile_version;
  std::string aws_signing_job;
  std::vector<CheckOutcome> checks;
  std::vector<std::string> warnings;    // failures of logged checks
  std::optional<Error> error;           // the enforced failure, if any

  bool verified() const { return !error.has_value(); }
};

// Verifies one envelope (layer `media_type`, `bytes`) for image `image`
// (its manifest descriptor) under `policy`, at time `now` (Unix seconds).
// Errors go into the result: invalid_signature (bytes, digest, chain,
// timestamp, expiry), untrusted_signer (identity, revocation), usage (a trust
// store named by the policy is missing).
SignatureVerification verify_envelope(std::string_view media_type, std::string_view bytes,
                                      const image::Descriptor& image, const TrustPolicy& policy,
                                      const TrustStore& store, int64_t now);

// Every Notation signature of an image, verified.
struct NotationVerification {
  std::string repository;  // fully qualified, as matched against registryScopes
  std::string policy_name;
  Level level = Level::strict;
  std::vector<SignatureVerification> signatures;
  std::optional<Error> error;  // nullopt when the image verified (or the level is skip)

  bool verified() const { return !error.has_value(); }
  // The first signature that verified, or nullptr.
  const SignatureVerification* accepted() const;
};

// Finds the image's Notation signatures (referrers API or the tag-schema
// fallback; artifactType application/vnd.cncf.notary.signature, or the legacy
// form with that config media type) and verifies them until one passes, as
// the spec says one verified signature suffices. `repo` is the repository
// inside `client`'s registry; `image` the image manifest's descriptor.
// Verification outcomes (no_signatures, invalid_signature, untrusted_signer)
// go into the result's error; the Result fails only for network and
// configuration errors.
Result<NotationVerification> verify_notation(image::RegistryClient& client, const std::string& repo,
                                             const image::Descriptor& image, const TrustPolicyDocument& policy,
                                             const TrustStore& store);

}  // namespace ig::sign::notation
