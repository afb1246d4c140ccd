// Offline verification of a Sigstore bundle against an artifact: the one
// entry point that `verify-blob` and the keyless branch of `verify IMAGE` use.
//
// Keyless bundles are checked against a user-supplied trusted root: the
// Fulcio certificate must chain to a trusted CA at the time the signature was
// made (from a verified transparency log entry or RFC 3161 timestamp, never
// "now"), carry the code-signing EKU and an SCT from a trusted CT log, and name
// the required identity and OIDC issuer. Key-based bundles are checked with
// the given public key. Every check is reported, passed, failed or skipped.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/keys.h"
#include "sign/trusted_root.h"
#include "util/error.h"

namespace ig::sign {

// What the bundle is supposed to sign: the bytes, or only their SHA-256.
struct BundleArtifact {
  std::optional<std::string> bytes;
  std::string sha256_hex;

  static BundleArtifact from_bytes(std::string data);
  // `digest` is "sha256:<hex>"; usage error otherwise.
  static Result<BundleArtifact> from_digest(std::string_view digest);
};

struct VerifyBundleOptions {
  // Key-based bundles: the public key that must have made the signature.
  std::optional<PublicKey> key;
  // Keyless bundles (and transparency log checks of key-based ones).
  const TrustedRoot* trusted_root = nullptr;
  // Required signer identity (a SAN email or URI) and OIDC issuer, exact or as
  // RE2 regular expressions that must match somewhere (anchor with ^...$ for a
  // whole match, as with cosign). Keyless verification needs one of each.
  std::string certificate_identity;
  std::string certificate_identity_regexp;
  std::string certificate_oidc_issuer;
  std::string certificate_oidc_issuer_regexp;
  // Skips the transparency log checks; the result says so.
  bool insecure_ignore_tlog = false;
};

enum class BundleCheckStatus { passed, failed, skipped };
const char* bundle_check_status_name(BundleCheckStatus s);

struct VerificationCheck {
  std::string name;  // "signature", "certificate chain", "tlog SET", ...
  BundleCheckStatus status = BundleCheckStatus::passed;
  std::string detail;
};

struct BundleVerification {
  std::string signer_kind;  // "certificate" or "key"
  std::string identity;     // certificate SAN (keyless)
  std::string issuer;       // OIDC issuer (keyless)
  std::string key_id;       // key fingerprint (key-based)
  std::optional<int64_t> signing_time;  // the earliest verified time (unix seconds)
  bool tlog_ignored = false;
  std::vector<VerificationCheck> checks;
  // The first failed check: invalid_signature for bad bytes, digests, chains,
  // logs or timestamps; untrusted_signer for an identity or issuer mismatch;
  // usage when options do not fit the bundle.
  std::optional<Error> failure;

  bool verified() const { return !failure; }
  nlohmann::json to_json() const;
};

// Verifies `bundle_json` over `artifact` as described above. Never throws.
BundleVerification verify_bundle(std::string_view bundle_json, const BundleArtifact& artifact,
                                 const VerifyBundleOptions& options);

}  // namespace ig::sign
