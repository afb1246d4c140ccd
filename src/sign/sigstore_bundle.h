// Sigstore bundles (v0.1, v0.2, v0.3): the JSON file that carries a signature
// together with everything needed to verify it offline — the signing
// certificate or a key hint, transparency log entries, RFC 3161 timestamps.
//
// This is only the parser: it turns untrusted JSON into plain structs with
// base64 already decoded, and checks shape, not trust (sigstore_verify.h does
// that). Format: sigstore/protobuf-specs, Bundle in JSON (proto3 JSON mapping).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::sign {

inline constexpr std::string_view k_bundle_media_type_v03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

struct InclusionProof {
  int64_t log_index = 0;
  int64_t tree_size = 0;
  std::string root_hash;            // raw bytes
  std::vector<std::string> hashes;  // raw bytes, leaf to root
  std::string checkpoint;           // signed note text; empty when absent
};

struct TlogEntry {
  int64_t log_index = 0;
  std::string log_id;  // raw bytes: sha256 of the log's DER public key
  std::string kind;    // "hashedrekord", "intoto", "dsse"
  std::string version;
  int64_t integrated_time = 0;  // 0 when absent: Rekor v2 entries carry none
  std::string signed_entry_timestamp;  // raw bytes; empty when the bundle has no inclusion promise
  std::optional<InclusionProof> inclusion_proof;
  std::string canonicalized_body;  // raw bytes (JSON)
};

struct MessageSignature {
  std::string digest_algorithm;  // "SHA2_256"; empty when the digest is absent
  std::string digest;            // raw bytes
  std::string signature;         // raw bytes
};

struct DsseSignature {
  std::string keyid;
  std::string sig;  // raw bytes
};

struct DsseEnvelope {
  std::string payload;  // raw bytes
  std::string payload_type;
  std::vector<DsseSignature> signatures;
};

struct SigstoreBundle {
  std::string media_type;
  int minor_version = 3;  // 1, 2 or 3

  // Exactly one of these kinds of verification material is present.
  std::vector<std::string> certificates;  // DER, leaf first (chain or single certificate)
  std::optional<std::string> public_key_hint;

  std::vector<TlogEntry> tlog_entries;
  std::vector<std::string> rfc3161_timestamps;  // DER

  // Exactly one of these is present.
  std::optional<MessageSignature> message_signature;
  std::optional<DsseEnvelope> dsse_envelope;

  // The signature bytes the logs and timestamps witness.
  const std::string& signature_bytes() const;
};

// Parses a bundle. invalid_signature error naming the field when the JSON is
// not a bundle of a known version, misses a required part (v0.1 needs an
// inclusion promise, v0.2+ an inclusion proof), or exceeds size limits.
Result<SigstoreBundle> parse_sigstore_bundle(std::string_view json);

// The largest bundle file we read: real bundles are a few kilobytes.
inline constexpr size_t k_max_bundle_size = 4u << 20;

}  // namespace ig::sign
