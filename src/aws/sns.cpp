#include "aws/sns.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aws/client.h"
#include "aws/logs.h"
#include "aws/aws_error.h"  // xml_text
#include "scan/report.h"

namespace ig::aws {

namespace {

// One shown line (a finding, what a rule saw) is cut here, so a message
// stays far below SNS's 256 KB whatever the image holds.
constexpr size_t k_line_bytes = 400;
constexpr size_t k_subject_chars = 99;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string line(std::string_view s) { return scan::truncate_text(valid_utf8(s), k_line_bytes); }

std::string verdict_line(const policy::CheckReport& r) {
  std::string out = upper(policy::decision_name(r.verdict.decision));
  if (r.verdict.denied_by) {
    out += fmt::format(" (exit {}: denied by a {} rule)", r.exit_code, policy::kind_name(*r.verdict.denied_by));
  }
  return out;
}

}  // namespace

std::string notification_subject(const policy::CheckReport& r) {
  std::string s = fmt::format("imagegate: {} for {}", upper(policy::decision_name(r.verdict.decision)), r.image_name);
  for (auto& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) c = '?';
  }
  if (s.size() > k_subject_chars) s = s.substr(0, k_subject_chars - 3) + "...";
  return s;
}

std::string notification_text(const policy::CheckReport& r) {
  std::string out = fmt::format("imagegate check: {}\n\nImage:    {}\nDigest:   {}\nPolicy:   {}\n", verdict_line(r),
                                line(r.image_name), r.image_digest, line(r.policy_source));
  out += r.scanned ? fmt::format("Findings: {}\n", policy::counts_line(r))
                   : "Findings: not scanned (the signature step already denied the image)\n";
  if (r.verdict.reasons.empty()) out += "\nNo rule fired.\n";
  for (size_t i = 0; i < r.verdict.reasons.size() && i < k_notify_reasons; ++i) {
    const auto& reason = r.verdict.reasons[i];
    out += fmt::format("\n[{}] {}: {}\n", policy::mode_name(reason.mode), reason.rule, line(reason.saw));
    for (size_t k = 0; k < reason.items.size() && k < k_notify_items; ++k) out += "  - " + line(reason.items[k]) + "\n";
    if (reason.items.size() > k_notify_items) {
      out += fmt::format("  ... and {} more in verdict.json\n", reason.items.size() - k_notify_items);
    }
    out += "  Fix: " + line(reason.fix) + "\n";
  }
  if (r.verdict.reasons.size() > k_notify_reasons) {
    out += fmt::format("\n{} more reason(s) in verdict.json\n", r.verdict.reasons.size() - k_notify_reasons);
  }
  return out;
}

std::string chatbot_notification(const policy::CheckReport& r) {
  const bool deny = r.verdict.decision == policy::Decision::deny;
  std::string description = fmt::format("*Image:* {}\n*Digest:* `{}`\n*Policy:* {}\n", line(r.image_name),
                                        r.image_digest, line(r.policy_source));
  description += r.scanned ? fmt::format("*Findings:* {}\n", policy::counts_line(r))
                           : "*Findings:* not scanned (the signature step already denied the image)\n";
  nlohmann::json next_steps = nlohmann::json::array();
  for (size_t i = 0; i < r.verdict.reasons.size() && i < k_notify_reasons; ++i) {
    const auto& reason = r.verdict.reasons[i];
    description += fmt::format("\n*{}* ({}): {}", reason.rule, policy::mode_name(reason.mode), line(reason.saw));
    for (size_t k = 0; k < reason.items.size() && k < k_notify_items; ++k) {
      description += "\n• " + line(reason.items[k]);
    }
    if (reason.items.size() > k_notify_items) {
      description += fmt::format("\n… and {} more", reason.items.size() - k_notify_items);
    }
    description += "\n";
    next_steps.push_back(line(reason.fix));
  }
  if (r.verdict.reasons.size() > k_notify_reasons) {
    description += fmt::format("\n{} more reason(s) in verdict.json\n", r.verdict.reasons.size() - k_notify_reasons);
  }
  nlohmann::json keywords = nlohmann::json::array({"imagegate", policy::decision_name(r.verdict.decision)});
  if (r.verdict.denied_by) keywords.push_back(policy::kind_name(*r.verdict.denied_by));
  nlohmann::json content{{"textType", "client-markdown"},
                         {"title", fmt::format("{} imagegate: {} for {}", deny ? ":no_entry:" : ":warning:",
                                               upper(policy::decision_name(r.verdict.decision)), line(r.image_name))},
                         {"description", description},
                         {"keywords", keywords}};
  if (!next_steps.empty()) content["nextSteps"] = next_steps;
  nlohmann::json doc{
      {"version", "1.0"},
      {"source", "custom"},
      {"content", content},
      {"metadata",
       {{"summary", fmt::format("imagegate: {} for {}", verdict_line(r), line(r.image_name))},
        {"eventType", "imagegate check verdict"},
        {"additionalContext",
         {{"decision", policy::decision_name(r.verdict.decision)},
          {"digest", r.image_digest},
          {"exitCode", std::to_string(r.exit_code)}}}}}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string sns_message(const policy::CheckReport& r) {
  std::string text = notification_text(r);
  nlohmann::json msg{{"default", text}, {"email", text}, {"https", chatbot_notification(r)}};
  return msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> sns_publish(const Client& sns, const std::string& topic_arn, const std::string& subject,
                                const std::string& message) {
  auto answer = sns.query_call("Publish", "2010-03-31",
                               {{"TopicArn", topic_arn},
                                {"Subject", subject},
                                {"Message", message},
                                {"MessageStructure", "json"}});
  if (!answer) return fail(answer.error().with_context("publishing to SNS topic " + topic_arn));
  return xml_text(*answer, "MessageId");
}

}  // namespace ig::aws
