// CloudFormation custom-resource events as `imagegate lambda` receives them
// (aws/custom_resource.h): the event, its properties mapped to check flags,
// check's verdict JSON and the answer built from both. None may crash, and
// every answer must stay within CloudFormation's 4 KB.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/custom_resource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto event = ig::aws::parse_custom_resource_event(text);
  auto verdict = ig::aws::summarize_verdict(text);
  ig::aws::VerdictSummary summary = verdict ? *verdict : ig::aws::VerdictSummary{};
  std::string reason = ig::aws::failure_reason(summary, text, ig::aws::k_max_response_bytes);
  if (reason.size() > ig::aws::k_max_response_bytes) std::abort();
  if (event) {
    (void)ig::aws::check_invocation_of(event->properties, "/tmp/w");
    (void)ig::aws::check_invocation_of(event->old_properties, "/tmp/w");
    auto body = ig::aws::direct_response(*event, false, reason, ig::aws::verdict_attributes(summary));
    // Only the event's own ids (CloudFormation's, short) can exceed the limit.
    auto bare = ig::aws::direct_response(*event, false, "", nlohmann::json::object());
    if (bare.size() <= ig::aws::k_max_response_bytes && body.size() > ig::aws::k_max_response_bytes) std::abort();
    (void)ig::aws::provider_result(*event, ig::aws::verdict_attributes(summary));
  }
  (void)ig::aws::stack_status_of(text);
  return 0;
}
