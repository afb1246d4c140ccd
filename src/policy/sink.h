// Where the record of a decision goes besides standard output. Each back end
// implements one small interface; `check` builds the list from its flags and
// hands every sink the same record. A directory and webhooks live here; the
// AWS back ends (S3, CloudWatch Logs, SNS) implement the same interface.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/check_report.h"
#include "util/error.h"

namespace ig::policy {

// Everything a sink may send, rendered once.
struct CheckRecord {
  const CheckReport* report = nullptr;
  std::string verdict_json;   // write_check_json
  std::string summary;        // write_check_table
  std::string policy_json;    // policy_to_json of the policy as applied
  std::string findings_json;  // the scan JSON (docs/scan-json.md); "" when not scanned
  std::string sbom_json;      // CycloneDX 1.6; "" when not scanned
};

class Sink {
 public:
  virtual ~Sink() = default;
  // A name that is safe to print: never a URL's path, query or credentials.
  virtual std::string name() const = 0;
  // True when this sink takes `report`: a directory takes every record;
  // notifications take deny, and warn only when asked.
  virtual bool wants(const CheckReport& report) const = 0;
  // True when a failure must fail the command (a file the user asked for);
  // false when it is only reported (a notification), leaving the verdict's
  // exit code alone.
  virtual bool required() const = 0;
  // Sends the record. The error says what failed, never with a secret.
  virtual Result<void> send(const CheckRecord& record) = 0;
};

// Writes verdict.json, findings.json, summary.txt, sbom.cdx.json and
// policy.applied.json into a directory (created when missing), atomically
// each; the scan files are left out when the image was not scanned.
std::unique_ptr<Sink> make_directory_sink(std::string dir);

struct WebhookOptions {
  enum class Format { json, slack };
  Format format = Format::json;
  std::string url;  // http:// or https://
  bool notify_on_warn = false;
  std::chrono::milliseconds timeout{10000};  // per attempt
  int attempts = 4;                          // 5xx, 429 and transport failures are retried
  std::chrono::milliseconds backoff{500};    // first delay, doubled per retry
};
// usage error for a URL that is not http(s)://HOST/….
Result<std::unique_ptr<Sink>> make_webhook_sink(WebhookOptions options);

// The Slack message for `report`: `text` (the fallback line) and `blocks`
// (verdict, image, digest, counts, the top reasons).
std::string slack_message(const CheckReport& report);

// "https://hooks.slack.com/…": scheme and host only, for messages.
std::string redacted_url(std::string_view url);

}  // namespace ig::policy
