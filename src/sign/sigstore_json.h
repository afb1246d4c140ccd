// Small readers for Sigstore's protobuf-JSON documents (bundles, trusted
// roots): bytes are base64, 64-bit integers are strings (or numbers from
// lenient writers), and every failure names the JSON path it happened at.
// Internal to src/sign.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::sign::pbjson {

using nlohmann::json;

// Parses `text` as JSON without exceptions; invalid_signature error naming `what`.
Result<json> parse(std::string_view text, std::string_view what);

// The member `key` of object `obj`, or nullptr when absent or null.
const json* member(const json& obj, std::string_view key);

// Required/optional typed members; `path` is used in messages ("tlogEntries[0]").
Result<const json*> object(const json& obj, std::string_view key, std::string_view path);
Result<std::string> string(const json& obj, std::string_view key, std::string_view path);
std::string string_or(const json& obj, std::string_view key, std::string_view fallback);
Result<std::string> bytes(const json& obj, std::string_view key, std::string_view path);
// Absent integers are 0, as proto3 JSON omits default values.
Result<int64_t> int64(const json& obj, std::string_view key, std::string_view path);
// Decodes base64 `text` (standard or URL alphabet, as protobuf JSON allows).
Result<std::string> decode_bytes(std::string_view text, std::string_view path);

// RFC 3339 "2023-01-01T00:00:00.123Z" (or with an offset) to unix seconds.
Result<int64_t> parse_rfc3339(std::string_view text, std::string_view path);
// Unix seconds to "2023-01-01T00:00:00Z", for messages.
std::string format_rfc3339(int64_t t);

// RFC 8785 canonical JSON for the value shapes Rekor uses (objects, arrays,
// strings, integers, booleans, null): sorted keys, no whitespace. Floating
// point numbers are refused since their canonical form is not needed here.
Result<std::string> canonical_json(const json& value);

}  // namespace ig::sign::pbjson
