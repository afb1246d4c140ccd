// Reads feed documents that may be JSON or YAML into one JSON model, so each
// importer parses one shape. YAML scalars become JSON strings (feeds only use
// strings where we read them). Nesting is bounded: untrusted input cannot
// exhaust the stack.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "util/error.h"

namespace ig::vulndb {

inline constexpr int k_max_document_depth = 64;

// Parses `text` as JSON when it starts with '{' or '[' (after whitespace),
// otherwise as YAML. `name` is used in messages. invalid_image error for
// malformed or too deeply nested input.
Result<nlohmann::json> parse_document(std::string_view text, std::string_view name);

// Small accessors that treat a missing or mistyped field as empty.
std::string json_string(const nlohmann::json& j, std::string_view key);
const nlohmann::json& json_child(const nlohmann::json& j, std::string_view key);  // null when absent

}  // namespace ig::vulndb
