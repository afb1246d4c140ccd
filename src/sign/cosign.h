// Cosign-compatible image signatures made and checked with a key (a local key
// file or a KMS key): the Sigstore bundle format stored as an OCI referrer,
// and the legacy simple-signing format stored under the `sha256-<hex>.sig` tag.
//
// Nothing is sent to a transparency log: signing is offline by design, and
// verification with a key reports the log check as skipped. Layouts are in
// docs/signatures.md.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/registry.h"
#include "image/resolve.h"
#include "image/types.h"
#include "sign/keys.h"
#include "util/error.h"

namespace ig::sign {

inline constexpr std::string_view k_cosign_sig_tag_suffix = ".sig";

enum class SignatureFormat { bundle, legacy };

// The image being signed or verified, already resolved: `image.digest` is the
// one and only identity; no tag is resolved again below this line.
struct SignedImage {
  image::RegistryClient* client = nullptr;
  std::string repo;              // repository path, e.g. "library/nginx"
  std::string name;              // registry/repository, as it goes into payloads
  image::Descriptor image;       // media type, digest and size of the image manifest
  std::shared_ptr<image::Source> keep_alive;  // owns `client` when opened by open_signed_image
};

// Resolves `input` (a registry reference) once and describes what it names:
// the index when the tag points to a multi-platform index (as cosign signs
// it), else the image manifest. Reads only that manifest or index, never a
// config blob. usage error for non-registry inputs.
Result<SignedImage> open_signed_image(std::string_view input, const image::ResolveOptions& options);
// The same for an image already resolved (by `check`, which also scans it):
// no second lookup of the tag. `input` names the image in messages.
Result<SignedImage> signed_image_of(const image::ResolvedImage& img, std::string_view input);

// Parses repeated "k=v" flag values into a map; usage error naming `flag`
// for an entry without '=' or with an empty key, or a key given twice.
Result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            std::string_view flag);

// Produces a signature over `message` with the signing key (local or KMS).
struct Signer {
  PublicKey public_key;
  std::function<Result<std::string>(std::string_view message)> sign;
};
Signer local_signer(const PrivateKey& key);

struct SignOutcome {
  std::string manifest_digest;  // of the signature manifest pushed
  std::string location;         // "referrer sha256:…" or "tag sha256-….sig"
};

// Signs `target.image.digest` in `format` with `annotations` in the payload
// and pushes the signature. Legacy signatures are appended to an existing
// `.sig` manifest, never replacing the signatures already there.
Result<SignOutcome> sign_image(const SignedImage& target, const Signer& signer, SignatureFormat format,
                               const std::map<std::string, std::string>& annotations);

// The bundle JSON (v0.3, DSSE over an in-toto statement, public key hint, no
// log entries) for `name`@`digest`. Exposed for tests and verify-blob.
Result<std::string> make_cosign_bundle(const std::string& name, const std::string& digest, const Signer& signer,
                                       const std::map<std::string, std::string>& annotations);

// One check made on one signature, for the human and JSON reports.
struct Check {
  enum class Status { passed, failed, skipped };
  std::string name;    // "signature", "digest", "annotations", "transparency log", ...
  Status status = Status::skipped;
  std::string detail;  // why it failed or was skipped
};
const char* check_status_name(Check::Status s);

// What one signature found on the image says, and whether it holds.
struct SignatureReport {
  std::string format;              // "bundle" or "legacy"
  std::string location;            // the manifest digest or tag it came from
  std::string signer;              // the key's fingerprint, or the key hint in the bundle
  std::string signed_reference;    // the name in the payload
  std::string signed_digest;       // the digest in the payload
  std::map<std::string, std::string> annotations;
  std::vector<Check> checks;
  bool verified = false;
  ErrorCode failure = ErrorCode::invalid_signature;  // when !verified
  std::string message;                                // when !verified
};

struct KeyVerifyOptions {
  std::map<std::string, std::string> required_annotations;
};

// Finds every cosign signature (bundle referrers and the legacy .sig tag) of
// `target.image.digest` and checks each one with `key`. The returned list is
// empty when nothing is attached. Errors only for trouble reaching or reading
// the registry, not for signatures that fail (those are in the reports).
Result<std::vector<SignatureReport>> verify_image_with_key(const SignedImage& target, const PublicKey& key,
                                                           const KeyVerifyOptions& options);

// Checks one legacy signature: `signature_b64` over exactly `payload`.
SignatureReport check_legacy_signature(std::string_view payload, std::string_view signature_b64,
                                       const std::string& image_digest, const PublicKey& key,
                                       const KeyVerifyOptions& options);
// Checks one bundle (JSON text) holding a DSSE envelope, signed by `key`.
SignatureReport check_bundle_signature(std::string_view bundle_json, const std::string& image_digest,
                                       const PublicKey& key, const KeyVerifyOptions& options);

// The overall outcome: ok when any signature verified; otherwise no_signatures
// for an empty list, invalid_signature when any signature is invalid, else
// untrusted_signer. The message summarises why.
Result<void> overall_outcome(const std::vector<SignatureReport>& reports, const std::string& image_digest);

}  // namespace ig::sign
