// Amazon EventBridge: every verdict as an event (source "imagegate",
// detail-type "imagegate check verdict", detail the verdict JSON), so users
// route verdicts with rules (on decision, denied_by, image.repository)
// instead of code.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace ig::aws {

class Client;

inline constexpr std::string_view k_event_source = "imagegate";
inline constexpr std::string_view k_event_detail_type = "imagegate check verdict";
// PutEvents' limit for one entry, counted as EventBridge counts it
// (entry_size).
inline constexpr size_t k_event_max_entry_bytes = 262'144;

// The size EventBridge counts for an entry: the UTF-8 bytes of Source,
// DetailType, Detail and each Resources string, plus 14 for a Time.
size_t entry_size(const nlohmann::json& entry);

// The detail for `verdict_json` (check's JSON, schema_version 1) within
// `max_bytes` of entry: the verdict unchanged when it fits; else the same
// document without reasons' items, `waived` and `warnings`, then without
// `reasons` but with their rule names in `rules_fired`; each trimmed form
// carries "truncated": true (the whole verdict is in the other sinks).
// invalid_image when `verdict_json` is not a JSON object.
Result<std::string> event_detail(std::string_view verdict_json, size_t max_bytes = k_event_max_entry_bytes);

// The PutEvents entry: Source, DetailType, Detail and EventBusName (left
// out when `bus` is "" or "default", the account's default bus).
Result<nlohmann::json> verdict_event_entry(std::string_view verdict_json, std::string_view bus);

// The EventId of a PutEvents answer for one entry; a failed entry
// (FailedEntryCount above 0, or no EventId) is a network error naming its
// ErrorCode and ErrorMessage, and events:PutEvents for AccessDenied.
Result<std::string> put_events_result(const nlohmann::json& answer, std::string_view bus);

// PutEvents with one entry. A failed entry (FailedEntryCount) is an error
// naming its ErrorCode and ErrorMessage; AccessDenied names events:PutEvents.
Result<std::string> put_event(const Client& events, const nlohmann::json& entry);

}  // namespace ig::aws
