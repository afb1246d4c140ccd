// Notary Project (Notation) signature envelopes: JWS (application/jose+json)
// and COSE_Sign1 (application/cose), as defined by the Notary Project
// signature specification and its JWS and COSE envelope documents.
//
// Parsing checks the envelope's structure and the spec's header rules (content
// type, signing scheme, `crit`), never trust: who signed and whether to
// believe them is decided by notation_verify.h against a trust policy.
// Everything here reads untrusted bytes from a registry, so every parser
// returns invalid_signature on malformed input and never throws.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/types.h"
#include "util/error.h"

namespace ig::sign::notation {

inline constexpr std::string_view k_artifact_type = "application/vnd.cncf.notary.signature";
inline constexpr std::string_view k_media_type_jws = "application/jose+json";
inline constexpr std::string_view k_media_type_cose = "application/cose";
inline constexpr std::string_view k_payload_content_type = "application/vnd.cncf.notary.payload.v1+json";
// Largest envelope blob we read; real ones are a few KiB (payload + chain).
inline constexpr size_t k_max_envelope_size = 4u << 20;

// AWS Signer's extended attributes and plugin name (Notation AWS Signer plugin).
inline constexpr std::string_view k_aws_signing_profile_version = "com.amazonaws.signer.signingProfileVersion";
inline constexpr std::string_view k_aws_signing_job = "com.amazonaws.signer.signingJob";
inline constexpr std::string_view k_aws_plugin = "com.amazonaws.signer.notation.plugin";

enum class SigningScheme { x509, x509_signing_authority };
const char* signing_scheme_name(SigningScheme s);  // "notary.x509", ...

// ES256/384/512 (ECDSA P-256/384/521, raw r||s) and PS256/384/512 (RSASSA-PSS,
// salt length = hash length), the algorithms the signature spec allows.
enum class Algorithm { es256, es384, es512, ps256, ps384, ps512 };
const char* algorithm_name(Algorithm a);  // "ES256", ...

// A signed attribute the spec does not define (e.g. AWS Signer's ARNs).
struct ExtendedAttribute {
  std::string value;  // a string value as is; other JSON/CBOR values in a text form
  bool critical = false;
};

// One parsed envelope. Times are Unix seconds (UTC).
struct Envelope {
  std::string format;  // "jws" or "cose"
  Algorithm algorithm = Algorithm::es256;
  SigningScheme scheme = SigningScheme::x509;
  std::optional<int64_t> signing_time;             // io.cncf.notary.signingTime
  std::optional<int64_t> authentic_signing_time;   // io.cncf.notary.authenticSigningTime
  std::optional<int64_t> expiry;                   // io.cncf.notary.expiry
  std::string verification_plugin;                 // io.cncf.notary.verificationPlugin
  std::string verification_plugin_min_version;
  std::string signing_agent;                       // unsigned, informational
  std::map<std::string, ExtendedAttribute> extended_attributes;
  std::vector<std::string> certificate_chain;      // DER, signing certificate first
  std::string timestamp_token;                     // DER RFC 3161 TimeStampToken, or empty
  std::string payload;                             // the payload bytes as signed
  image::Descriptor target;                        // payload.targetArtifact
  std::string signed_bytes;                        // exactly what the signature covers
  std::string signature;                           // raw signature (ECDSA: r||s)
};

// Parses a JWS envelope in flattened JSON serialization.
Result<Envelope> parse_jws(std::string_view bytes);
// Parses a COSE_Sign1 (tagged or untagged) envelope.
Result<Envelope> parse_cose(std::string_view bytes);
// Dispatches on the layer media type; invalid_signature for other media types.
Result<Envelope> parse_envelope(std::string_view media_type, std::string_view bytes);

// Checks the signature over signed_bytes with the signing certificate's public
// key, and that the key fits the algorithm (ES256 needs P-256, PS* RSA >= 2048
// bits). invalid_signature naming the cause otherwise.
Result<void> verify_envelope_signature(const Envelope& e);

// RFC 3339 "2024-05-01T10:00:00Z" / "...+02:00" to Unix seconds; nullopt when malformed.
std::optional<int64_t> parse_rfc3339(std::string_view s);
// Unix seconds to "2024-05-01T10:00:00Z".
std::string format_rfc3339(int64_t t);

}  // namespace ig::sign::notation
