// Amazon SNS alerts for a check: one Publish with MessageStructure=json, so
// each protocol gets its own form: `default` and `email` a readable text
// (verdict, image, digest, counts, the top reasons and findings), `https` the
// custom-notification JSON that AWS Chatbot (Amazon Q Developer in chat
// applications) posts to Slack, Teams or Chime.
#pragma once

#include <string>

#include "policy/check_report.h"
#include "util/error.h"

namespace ig::aws {

class Client;

// At most this many reasons, and findings per reason, are shown; the text
// says how many more verdict.json holds.
inline constexpr size_t k_notify_reasons = 5;
inline constexpr size_t k_notify_items = 5;

// "imagegate: DENY for team/app:v1": printable ASCII (others become '?'),
// under SNS's 100-character subject limit.
std::string notification_subject(const policy::CheckReport& report);

// The readable text for `default` and `email`.
std::string notification_text(const policy::CheckReport& report);

// The custom notification: {"version":"1.0","source":"custom","content":
// {"textType":"client-markdown","title","description","nextSteps",
// "keywords"},"metadata":{"summary","eventType","additionalContext"}}.
// nextSteps are the fixes of the enforced reasons shown.
std::string chatbot_notification(const policy::CheckReport& report);

// {"default": text, "email": text, "https": chatbot JSON}, as Publish takes
// it with MessageStructure=json.
std::string sns_message(const policy::CheckReport& report);

// Publish to `topic_arn`. Returns the MessageId. Errors name the topic, the
// SNS error code and the fix (sns:Publish for AccessDenied).
Result<std::string> sns_publish(const Client& sns, const std::string& topic_arn, const std::string& subject,
                                const std::string& message);

}  // namespace ig::aws
