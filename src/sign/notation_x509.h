// X.509 and RFC 3161 helpers for Notation verification: certificate chains to
// a trust store, the signing certificate requirements, validity periods, the
// subject DN, revocation information, and timestamp countersignatures.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sign/notation_policy.h"
#include "util/error.h"

namespace ig::sign::notation {

using CertPtr = std::shared_ptr<X509>;

// Parses DER certificates; invalid_signature naming the index on failure.
Result<std::vector<CertPtr>> parse_der_chain(const std::vector<std::string>& der);

// Builds a chain from `chain[0]` (the signing certificate) through the rest of
// `chain` to one of `anchors`, ignoring validity times (they are checked
// against the signing time separately). Returns the built chain, leaf first,
// anchor last. invalid_signature with OpenSSL's reason otherwise.
Result<std::vector<CertPtr>> build_chain(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& anchors);

// The signature spec's signing certificate rules: not a CA, key usage (when
// present) allows digitalSignature, extended key usage (when present) holds
// codeSigning.
Result<void> check_signing_certificate(X509* leaf);

// Checks that [lo, hi] lies within every certificate's validity period.
Result<void> check_validity(const std::vector<CertPtr>& chain, int64_t lo, int64_t hi);

DistinguishedName subject_dn(X509* cert);
std::string name_text(X509* cert, bool issuer);

// True when some certificate names an OCSP responder or CRL distribution point.
bool has_revocation_info(const std::vector<CertPtr>& chain);

// Verifies an RFC 3161 TimeStampToken over `signature` (its message imprint)
// against `tsa_anchors`; returns the [genTime - accuracy, genTime + accuracy]
// range. invalid_signature naming the cause otherwise.
Result<std::pair<int64_t, int64_t>> verify_timestamp(const std::string& token_der, const std::string& signature,
                                                     const std::vector<CertPtr>& tsa_anchors);

}  // namespace ig::sign::notation
