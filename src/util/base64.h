// Base64 (RFC 4648): the standard alphabet for docker config "auth" fields and
// HTTP Basic credentials, the URL-safe alphabet for JWTs and signatures.
//
// Decoding is strict (no whitespace, no stray characters) because its inputs
// come from untrusted files and servers.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ig {

enum class Base64Alphabet { standard, url };

// Encodes `data`; the standard alphabet pads with '=', the URL alphabet does not.
std::string base64_encode(std::string_view data, Base64Alphabet alphabet = Base64Alphabet::standard);

// Decodes `text`, with or without '=' padding. Returns a usage error naming the
// offending position when `text` is not base64 in `alphabet`; `what` names the
// input in that message (e.g. "docker config auth for ghcr.io"), and the text
// itself is never echoed since it may be a secret.
Result<std::string> base64_decode(std::string_view text, std::string_view what,
                                  Base64Alphabet alphabet = Base64Alphabet::standard);

}  // namespace ig
