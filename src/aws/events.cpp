#include "aws/events.h"

#include <fmt/format.h>

#include "aws/client.h"

namespace ig::aws {

namespace {

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

size_t fixed_size() { return k_event_source.size() + k_event_detail_type.size(); }

}  // namespace

size_t entry_size(const nlohmann::json& entry) {
  size_t n = 0;
  if (entry.contains("Time")) n += 14;
  for (const char* k : {"Source", "DetailType", "Detail"}) {
    if (entry.contains(k) && entry[k].is_string()) n += entry[k].get_ref<const std::string&>().size();
  }
  if (entry.contains("Resources") && entry["Resources"].is_array()) {
    for (const auto& r : entry["Resources"]) {
      if (r.is_string()) n += r.get_ref<const std::string&>().size();
    }
  }
  return n;
}

Result<std::string> event_detail(std::string_view verdict_json, size_t max_bytes) {
  auto doc = nlohmann::json::parse(verdict_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_image, "the verdict is not a JSON object; this is a bug in imagegate");
  }
  std::string detail = dump(doc);
  if (fixed_size() + detail.size() <= max_bytes) return detail;
  // Findings lists are what grows: drop them first.
  doc["truncated"] = true;
  if (doc.contains("reasons") && doc["reasons"].is_array()) {
    for (auto& r : doc["reasons"]) {
      if (r.is_object() && r.contains("items")) {
        r["items_count"] = r["items"].size();
        r.erase("items");
      }
    }
  }
  doc.erase("waived");
  doc.erase("warnings");
  detail = dump(doc);
  if (fixed_size() + detail.size() <= max_bytes) return detail;
  nlohmann::json rules = nlohmann::json::array();
  if (doc.contains("reasons") && doc["reasons"].is_array()) {
    for (const auto& r : doc["reasons"]) {
      if (r.is_object() && r.contains("rule")) rules.push_back(r["rule"]);
    }
  }
  doc.erase("reasons");
  doc["rules_fired"] = rules;
  detail = dump(doc);
  if (fixed_size() + detail.size() <= max_bytes) return detail;
  doc.erase("rules_fired");
  return dump(doc);
}

Result<nlohmann::json> verdict_event_entry(std::string_view verdict_json, std::string_view bus) {
  IG_ASSIGN(std::string detail, event_detail(verdict_json));
  nlohmann::json entry{{"Source", k_event_source}, {"DetailType", k_event_detail_type}, {"Detail", detail}};
  if (!bus.empty() && bus != "default") entry["EventBusName"] = bus;
  return entry;
}

Result<std::string> put_events_result(const nlohmann::json& answer, std::string_view bus) {
  // Read defensively: a malformed answer is a failed delivery, not a crash.
  nlohmann::json first = nlohmann::json::object();
  if (answer.is_object() && answer.contains("Entries") && answer["Entries"].is_array() &&
      !answer["Entries"].empty() && answer["Entries"][0].is_object()) {
    first = answer["Entries"][0];
  }
  auto text = [&](const char* k, const char* fallback) {
    return first.contains(k) && first[k].is_string() ? first[k].get<std::string>() : std::string(fallback);
  };
  bool failed = answer.is_object() && answer.contains("FailedEntryCount") && answer["FailedEntryCount"].is_number() &&
                answer["FailedEntryCount"].get<double>() > 0;
  std::string id = text("EventId", "");
  if (failed || id.empty()) {
    std::string code = text("ErrorCode", "unknown");
    return fail(ErrorCode::network, "sending the verdict to EventBridge bus {}: the entry was refused: {}: {}{}", bus,
                code, text("ErrorMessage", "no message"),
                code.find("AccessDenied") != std::string::npos ? "; allow events:PutEvents on the bus" : "");
  }
  return id;
}

Result<std::string> put_event(const Client& events, const nlohmann::json& entry) {
  std::string bus = entry.contains("EventBusName") ? entry["EventBusName"].get<std::string>() : "default";
  auto answer = events.json_call("PutEvents", {{"Entries", nlohmann::json::array({entry})}});
  if (!answer) return fail(answer.error().with_context("sending the verdict to EventBridge bus " + bus));
  return put_events_result(*answer, bus);
}

}  // namespace ig::aws
