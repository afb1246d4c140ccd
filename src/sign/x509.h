// X.509 certificates for signature verification: parsing, chain building at a
// given time, and the fields that name a signer (SANs, Fulcio extensions).
//
// Shared by Sigstore keyless verification and Notation. Chains are always
// checked at the time the signature was made (from a transparency log or a
// trusted timestamp), never "now": Fulcio certificates live ten minutes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sign/keys.h"
#include "util/error.h"

typedef struct x509_st X509;

namespace ig::sign {

using Certificate = std::shared_ptr<X509>;

// Parses one DER certificate. invalid_signature error when it is not one
// (certificates arrive inside signatures, so a bad one is a bad signature).
Result<Certificate> parse_der_certificate(std::string_view der);
// Parses every "CERTIFICATE" block of a PEM text, in order; at least one.
Result<std::vector<Certificate>> parse_pem_certificates(std::string_view pem);
std::string certificate_der(const Certificate& cert);

// Extended key usage the leaf must carry.
enum class RequiredEku { none, code_signing, time_stamping };

// Verifies that `leaf` chains through `intermediates` to one of `roots`, with
// every certificate valid at `unix_time` (seconds), and that the leaf has `eku`.
// Returns the chain leaf-first on success; invalid_signature error naming the
// OpenSSL reason (expired, unknown issuer, ...) otherwise.
Result<std::vector<Certificate>> verify_chain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                                              const std::vector<Certificate>& roots, int64_t unix_time,
                                              RequiredEku eku);

// The certificate's public key.
Result<PublicKey> certificate_public_key(const Certificate& cert);

// Subject alternative names of the given kinds, in certificate order.
std::vector<std::string> certificate_emails(const Certificate& cert);
std::vector<std::string> certificate_uris(const Certificate& cert);

// The value of a non-critical extension `oid` (dotted form) as text: DER
// UTF8String content when it is one (Fulcio's newer ".1.8" style), else the raw
// bytes (the older ".1.1" style). nullopt when absent.
std::optional<std::string> certificate_extension_text(const Certificate& cert, std::string_view oid);

// notBefore / notAfter as unix seconds.
int64_t certificate_not_before(const Certificate& cert);
int64_t certificate_not_after(const Certificate& cert);
// True for a self-issued certificate whose signature its own key verifies (a root).
bool certificate_is_self_signed(const Certificate& cert);
// One-line "subject (issuer)" description for messages.
std::string certificate_summary(const Certificate& cert);

}  // namespace ig::sign
