// Evidence about a keyless signature that does not come from Rekor: signed
// certificate timestamps (SCTs) embedded in the Fulcio certificate, and RFC
// 3161 timestamps over the signature from a timestamp authority.
#pragma once

#include <cstdint>
#include <string_view>

#include "sign/trusted_root.h"
#include "sign/x509.h"
#include "util/error.h"

namespace ig::sign {

// Verifies the SCTs embedded in `leaf` (issued by `issuer`) per RFC 6962 3.2:
// the CT log's signature covers the precertificate TBS (the leaf's TBS without
// the SCT list extension) and the SHA-256 of the issuer's public key. Returns
// how many SCTs verified with a CT log key of `root` valid at their time;
// invalid_signature error when none did (naming why).
Result<int> verify_embedded_scts(const Certificate& leaf, const Certificate& issuer, const TrustedRoot& root);

// Verifies one RFC 3161 timestamp (a DER TimeStampResp or bare token) over
// `signature` against the timestamp authorities of `root`: the CMS signature,
// the message imprint, and the TSA's chain at the timestamp's own time.
// Returns the timestamp (unix seconds).
Result<int64_t> verify_rfc3161_timestamp(std::string_view der, std::string_view signature, const TrustedRoot& root);

}  // namespace ig::sign
