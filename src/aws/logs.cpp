#include "aws/logs.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aws/client.h"
#include "aws/aws_error.h"

namespace ig::aws {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if (!is_continuation(b(k))) return 0;
  }
  if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(1) > 0x9F) return 0;   // surrogates
  if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(1) > 0x8F) return 0;   // above U+10FFFF
  return n;
}

size_t digits(size_t n) { return fmt::formatted_size("{}", n); }

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::vector<std::string> split_utf8(std::string_view text, size_t max_bytes) {
  std::vector<std::string> pieces;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + max_bytes);
    if (end < text.size()) {
      // Back up to a lead byte; a run of more than three continuation bytes
      // is not UTF-8, and is cut where it stands.
      size_t cut = end;
      while (cut > pos && cut + 3 >= end && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
      if (cut > pos && !is_continuation(static_cast<unsigned char>(text[cut]))) end = cut;
    }
    pieces.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return pieces;
}

std::string part_marker(std::string_view run_id, size_t index, size_t count) {
  return fmt::format("[imagegate {} {}/{}]\n", run_id, index, count);
}

std::vector<LogEvent> report_events(std::string_view text, std::string_view run_id, int64_t timestamp_ms,
                                    size_t max_event_bytes) {
  std::string valid = valid_utf8(text);
  // The marker's length depends on the part count, which depends on the
  // room the marker leaves: settle on a count whose marker fits.
  size_t count = 1;
  std::vector<std::string> pieces;
  for (;;) {
    size_t marker = part_marker(run_id, count, count).size();
    // Never below one 4-byte character, whatever a caller asks for.
    size_t room = std::max<size_t>(4, max_event_bytes > k_logs_event_overhead + marker
                                          ? max_event_bytes - k_logs_event_overhead - marker
                                          : 0);
    pieces = split_utf8(valid, room);
    if (pieces.empty()) pieces.emplace_back();
    if (digits(pieces.size()) <= digits(count)) break;
    count = pieces.size();
  }
  std::vector<LogEvent> events;
  events.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    events.push_back({timestamp_ms + static_cast<int64_t>(i), part_marker(run_id, i + 1, pieces.size()) + pieces[i]});
  }
  return events;
}

Result<std::string> reassemble(const std::vector<std::string>& messages, std::string_view run_id) {
  std::string prefix = fmt::format("[imagegate {} ", run_id);
  std::map<size_t, std::string_view> parts;
  size_t count = 0;
  for (const auto& m : messages) {
    if (!m.starts_with(prefix)) continue;
    std::string_view rest = std::string_view(m).substr(prefix.size());
    size_t i = 0, n = 0;
    auto [p1, e1] = std::from_chars(rest.data(), rest.data() + rest.size(), i);
    if (e1 != std::errc() || p1 == rest.data() + rest.size() || *p1 != '/') {
      return fail(ErrorCode::invalid_image, "log event of run {} has a malformed marker", run_id);
    }
    auto [p2, e2] = std::from_chars(p1 + 1, rest.data() + rest.size(), n);
    if (e2 != std::errc() || rest.data() + rest.size() - p2 < 2 || p2[0] != ']' || p2[1] != '\n') {
      return fail(ErrorCode::invalid_image, "log event of run {} has a malformed marker", run_id);
    }
    if (count != 0 && n != count) {
      return fail(ErrorCode::invalid_image, "log events of run {} disagree on the part count ({} and {})", run_id,
                  count, n);
    }
    count = n;
    if (i == 0 || i > n || !parts.emplace(i, std::string_view(p2 + 2, rest.data() + rest.size() - p2 - 2)).second) {
      return fail(ErrorCode::invalid_image, "log events of run {}: part {} of {} is out of range or repeated", run_id,
                  i, n);
    }
  }
  if (parts.empty()) return fail(ErrorCode::not_found, "no log events of run {}", run_id);
  if (parts.size() != count) {
    return fail(ErrorCode::invalid_image, "log events of run {}: {} of {} parts present", run_id, parts.size(), count);
  }
  std::string out;
  for (const auto& [i, piece] : parts) out.append(piece);
  return out;
}

size_t batch_bytes(const std::vector<LogEvent>& events) {
  size_t n = 0;
  for (const auto& e : events) n += e.message.size() + k_logs_event_overhead;
  return n;
}

std::vector<std::vector<LogEvent>> plan_batches(std::vector<LogEvent> events, const BatchLimits& limits) {
  std::stable_sort(events.begin(), events.end(),
                   [](const LogEvent& a, const LogEvent& b) { return a.timestamp_ms < b.timestamp_ms; });
  std::vector<std::vector<LogEvent>> batches;
  std::vector<LogEvent> current;
  size_t bytes = 0;
  for (auto& e : events) {
    size_t size = e.message.size() + k_logs_event_overhead;
    bool full = !current.empty() && (bytes + size > limits.max_bytes || current.size() + 1 > limits.max_events ||
                                      e.timestamp_ms - current.front().timestamp_ms > limits.max_span_ms);
    if (full) {
      batches.push_back(std::move(current));
      current.clear();
      bytes = 0;
    }
    bytes += size;
    current.push_back(std::move(e));
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

std::string log_stream_name(std::string_view image_label, std::string_view kind) {
  std::string name = valid_utf8(fmt::format("{}/{}", image_label, kind));
  for (auto& c : name) {
    if (c == ':' || c == '*') c = '_';
  }
  if (name.size() > 512) {
    // Keep the kind, which tells the streams of one image apart.
    auto pieces = split_utf8(name.substr(0, name.size() - kind.size() - 1), 512 - kind.size() - 1);
    name = pieces.front() + "/" + std::string(kind);
  }
  return name;
}

namespace {

// A JSON 1.1 call whose "already exists" answer is success.
Result<void> create_if_missing(const Client& logs, std::string_view operation, const nlohmann::json& body) {
  HttpRequest req;
  req.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", logs.service().json_target_prefix + "." + std::string(operation)}};
  req.body = body.dump();
  IG_ASSIGN(HttpResponse r, logs.send(std::move(req)));
  if (r.status >= 200 && r.status < 300) return {};
  if (parse_aws_error(r.header("x-amzn-errortype"), r.body).code == "ResourceAlreadyExistsException") return {};
  return fail(logs.error_for(operation, r));
}

}  // namespace

Result<void> ensure_log_stream(const Client& logs, const std::string& group, const std::string& stream,
                               bool create_group) {
  auto where = fmt::format("log stream {}", stream);
  if (create_group) {
    auto made = create_if_missing(logs, "CreateLogGroup", {{"logGroupName", group}});
    if (!made) return fail(made.error().with_context(where));
  }
  auto made = create_if_missing(logs, "CreateLogStream", {{"logGroupName", group}, {"logStreamName", stream}});
  if (!made) {
    Error e = made.error().with_context(where);
    if (!create_group && e.message.find("ResourceNotFoundException") != std::string::npos) {
      e.message += "; create the log group, or pass --cloudwatch-create-log-group";
    }
    return fail(e);
  }
  return {};
}

Result<void> put_log_batches(const Client& logs, const std::string& group, const std::string& stream,
                             const std::vector<std::vector<LogEvent>>& batches) {
  auto where = fmt::format("log stream {}", stream);
  for (const auto& batch : batches) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : batch) events.push_back({{"timestamp", e.timestamp_ms}, {"message", e.message}});
    auto answer = logs.json_call("PutLogEvents",
                                 {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", std::move(events)}});
    if (!answer) return fail(answer.error().with_context(where));
    // Events outside the accepted time window are dropped with a 200.
    if (answer->contains("rejectedLogEventsInfo")) {
      return fail(ErrorCode::network,
                  "{}: PutLogEvents rejected events ({}); check the system clock and the group's retention", where,
                  (*answer)["rejectedLogEventsInfo"].dump());
    }
  }
  return {};
}

Result<LogUploadStats> upload_report(const Client& logs, const std::string& group, const std::string& stream,
                                     std::string_view text, std::string_view run_id, int64_t timestamp_ms,
                                     bool create_group) {
  IG_TRY(ensure_log_stream(logs, group, stream, create_group));
  auto batches = plan_batches(report_events(text, run_id, timestamp_ms));
  IG_TRY(put_log_batches(logs, group, stream, batches));
  LogUploadStats stats;
  stats.calls = batches.size();
  for (const auto& b : batches) {
    stats.events += b.size();
    stats.bytes += batch_bytes(b);
  }
  return stats;
}

}  // namespace ig::aws
