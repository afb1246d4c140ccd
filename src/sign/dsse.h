// DSSE (Dead Simple Signing Envelope) and the in-toto statements cosign signs
// inside it.
//
// A DSSE signature covers PAE(payloadType, payload), never the raw payload, so
// that a payload cannot be re-read as another type. The envelope JSON comes
// from registries and bundles, i.e. untrusted input: parsing is strict and
// bounded by the caller's size limits.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sign/sigstore_bundle.h"
#include "util/error.h"

namespace ig::sign {

inline constexpr std::string_view k_in_toto_payload_type = "application/vnd.in-toto+json";
inline constexpr std::string_view k_in_toto_statement_v1 = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view k_cosign_sign_predicate = "https://sigstore.dev/cosign/sign/v1";

// DsseEnvelope / DsseSignature (raw bytes, base64 already decoded) are the
// structs of sign/sigstore_bundle.h, shared so that a bundle's envelope and a
// stand-alone one are the same type.

// "DSSEv1" SP len(type) SP type SP len(payload) SP payload: the bytes signed.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// The envelope as JSON ({payload, payloadType, signatures:[{keyid?, sig}]}).
nlohmann::json dsse_to_json(const DsseEnvelope& e);
std::string dsse_to_string(const DsseEnvelope& e);

// Parses an envelope from JSON text or an already-parsed object (as inside a
// Sigstore bundle). invalid_signature naming the field when malformed.
Result<DsseEnvelope> parse_dsse(std::string_view json_text);
Result<DsseEnvelope> parse_dsse(const nlohmann::json& j);

// What an in-toto v1 statement says about its subjects.
struct StatementSubject {
  std::string name;
  std::string sha256;  // lowercase hex, empty when the subject has no sha256
};
struct Statement {
  std::string type;
  std::string predicate_type;
  std::vector<StatementSubject> subjects;
  nlohmann::json predicate;
};

// Parses an in-toto statement (v0.1 or v1). invalid_signature when malformed.
Result<Statement> parse_statement(std::string_view json_text);

// The statement cosign signs for an image: subject `name` with `digest`
// ("sha256:<hex>"), predicateType cosign sign v1, and `annotations` (if any)
// in the predicate.
std::string make_cosign_statement(const std::string& name, const std::string& digest,
                                  const std::map<std::string, std::string>& annotations);

}  // namespace ig::sign
