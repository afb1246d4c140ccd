// Cosign's "simple signing" payload: the JSON a legacy (`.sig` tag) cosign
// signature covers, byte for byte.
//
//   {"critical":{"identity":{"docker-reference":"<registry/repo>"},
//                "image":{"docker-manifest-digest":"sha256:<hex>"},
//                "type":"cosign container image signature"},
//    "optional":{<annotations>}}
//
// Payloads come from registries (untrusted): parsing is strict about the
// fields that carry meaning and ignores the rest, as cosign does.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::sign {

inline constexpr std::string_view k_simple_signing_type = "cosign container image signature";
inline constexpr std::string_view k_simple_signing_media_type = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view k_cosign_signature_annotation = "dev.cosignproject.cosign/signature";

struct SimpleSigning {
  std::string docker_reference;  // registry/repository, as signed
  std::string manifest_digest;   // "sha256:<hex>"
  std::map<std::string, std::string> annotations;  // "optional"; non-string values are rendered as JSON
};

// The payload bytes for `s` (keys in a fixed order, compact).
std::string make_simple_signing(const SimpleSigning& s);

// Parses a payload. invalid_signature naming the field when it is not a
// cosign simple-signing document.
Result<SimpleSigning> parse_simple_signing(std::string_view payload);

}  // namespace ig::sign
