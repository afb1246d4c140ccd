// CloudWatch Logs as a place for scan logs: a report becomes ordered log
// events that reassemble exactly, grouped into PutLogEvents calls that stay
// within the service's limits (which moto does not enforce, so the planning
// here is pure and unit-tested). The calls themselves are at the end.
//
// A report of any size becomes events whose message is a marker line and a
// piece of the report:
//
//   [imagegate RUN I/N]\n<piece>
//
// RUN names one upload (the S3 timestamp and a random suffix), I counts from
// 1 to N. Joining the pieces of one RUN in the order of I gives the report
// back byte for byte (reassemble()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::aws {

class Client;

// PutLogEvents quotas (CloudWatch Logs API reference, PutLogEvents).
inline constexpr size_t k_logs_event_overhead = 26;             // counted per event
inline constexpr size_t k_logs_max_batch_bytes = 1'048'576;     // messages (UTF-8) plus overheads
inline constexpr size_t k_logs_max_batch_events = 10'000;
inline constexpr size_t k_logs_max_event_bytes = 262'144;       // one message plus its overhead
inline constexpr int64_t k_logs_max_batch_span_ms = 24LL * 3600 * 1000;

struct LogEvent {
  int64_t timestamp_ms = 0;  // milliseconds since the epoch
  std::string message;       // valid UTF-8, never empty
};

// `text` with every invalid UTF-8 sequence replaced by U+FFFD: CloudWatch,
// SNS and EventBridge take UTF-8 only, and JSON encoders refuse the rest.
// Valid text comes back unchanged.
std::string valid_utf8(std::string_view text);

// Cuts `text` into pieces of at most `max_bytes` bytes, never inside a UTF-8
// sequence (a cut backs up to the sequence's lead byte). Joining the pieces
// gives `text`. No pieces for empty text. REQUIRES: max_bytes >= 4.
std::vector<std::string> split_utf8(std::string_view text, size_t max_bytes);

// "[imagegate RUN I/N]\n"
std::string part_marker(std::string_view run_id, size_t index, size_t count);

// The events for one report (made valid UTF-8 first), each at most
// `max_event_bytes` counted as CloudWatch counts (message + 26). Part I gets
// `timestamp_ms + I - 1`, so the parts are in strict time order and a reader
// that sorts by time keeps them in order. An empty report is one event with
// an empty piece.
std::vector<LogEvent> report_events(std::string_view text, std::string_view run_id, int64_t timestamp_ms,
                                    size_t max_event_bytes = k_logs_max_event_bytes);

// The report `run_id`'s events carried, from event messages in any order
// (other runs' events are skipped). not_found when the run has no events,
// invalid_image when a part is missing, repeated or its count disagrees.
Result<std::string> reassemble(const std::vector<std::string>& messages, std::string_view run_id);

struct BatchLimits {
  size_t max_bytes = k_logs_max_batch_bytes;
  size_t max_events = k_logs_max_batch_events;
  int64_t max_span_ms = k_logs_max_batch_span_ms;
};

// Bytes of `events` as PutLogEvents counts them: UTF-8 message bytes plus 26
// per event.
size_t batch_bytes(const std::vector<LogEvent>& events);

// Groups events into PutLogEvents calls: each within `limits` (bytes, count,
// first-to-last timestamp span), events sorted by time (stable, so equal
// timestamps keep their order) and never split. REQUIRES: every event fits
// a batch on its own (report_events makes them so).
std::vector<std::vector<LogEvent>> plan_batches(std::vector<LogEvent> events, const BatchLimits& limits = {});

// The log stream of one image and kind: "<image>/<kind>", with the
// characters CloudWatch refuses in stream names (':' and '*') replaced by
// '_' and the name cut to 512 bytes.
std::string log_stream_name(std::string_view image_label, std::string_view kind);

// Creates `stream` in `group` (and the group first when `create_group`);
// "already exists" answers count as success.
Result<void> ensure_log_stream(const Client& logs, const std::string& group, const std::string& stream,
                               bool create_group);

// Sends each batch with PutLogEvents, in order. Errors name the group and
// stream; rejected events (tooOld, tooNew, expired) are errors too.
Result<void> put_log_batches(const Client& logs, const std::string& group, const std::string& stream,
                             const std::vector<std::vector<LogEvent>>& batches);

struct LogUploadStats {
  size_t events = 0;
  size_t calls = 0;  // PutLogEvents calls
  size_t bytes = 0;  // as CloudWatch counts them
};

// One report into its stream: ensure_log_stream, report_events at
// `timestamp_ms`, plan_batches, put_log_batches.
Result<LogUploadStats> upload_report(const Client& logs, const std::string& group, const std::string& stream,
                                     std::string_view text, std::string_view run_id, int64_t timestamp_ms,
                                     bool create_group);

}  // namespace ig::aws
