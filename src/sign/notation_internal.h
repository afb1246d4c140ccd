// Shared between the JWS and COSE envelope parsers: the signed headers both
// formats carry, in a neutral form, and the spec rules checked on them once.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sign/notation_envelope.h"

namespace ig::sign::notation::detail {

inline constexpr std::string_view k_hdr_signing_scheme = "io.cncf.notary.signingScheme";
inline constexpr std::string_view k_hdr_signing_time = "io.cncf.notary.signingTime";
inline constexpr std::string_view k_hdr_authentic_signing_time = "io.cncf.notary.authenticSigningTime";
inline constexpr std::string_view k_hdr_expiry = "io.cncf.notary.expiry";
inline constexpr std::string_view k_hdr_plugin = "io.cncf.notary.verificationPlugin";
inline constexpr std::string_view k_hdr_plugin_min_version = "io.cncf.notary.verificationPluginMinVersion";
inline constexpr std::string_view k_hdr_timestamp = "io.cncf.notary.timestampSignature";
inline constexpr std::string_view k_hdr_signing_agent = "io.cncf.notary.signingAgent";

// What a parser found in the protected header, before the common checks.
struct SignedHeaders {
  std::string content_type;
  std::string signing_scheme;
  std::vector<std::string> crit;    // labels as text (COSE integer labels in decimal)
  std::set<std::string> present;    // every protected label, as text
};

// Applies the rules both envelope formats share: content type, signing
// scheme, `crit` (lists the signing scheme and every expiry/authentic time,
// names only present labels), a non-empty certificate chain, and the payload
// {targetArtifact: descriptor}. Marks critical extended attributes.
Result<void> finish_envelope(Envelope& e, const SignedHeaders& h);

Algorithm algorithm_for_cose(int64_t label, bool& ok);

}  // namespace ig::sign::notation::detail
