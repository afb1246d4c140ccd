#include "aws/sinks.h"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "aws/events.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/sns.h"

namespace ig::aws {

namespace {

using Clock = std::chrono::system_clock;

std::string label_of(const policy::CheckReport& r) {
  return image_label(r.repository, r.tag, r.image_name, r.image_digest);
}

bool notify(const policy::CheckReport& r, bool on_warn) {
  return r.verdict.decision == policy::Decision::deny || (r.verdict.decision == policy::Decision::warn && on_warn);
}

class S3Sink final : public policy::Sink {
 public:
  S3Sink(Client client, S3Location at, std::string kms_key)
      : client_(std::move(client)), at_(std::move(at)), kms_key_(std::move(kms_key)) {}
  std::string name() const override {
    return at_.prefix.empty() ? "S3 s3://" + at_.bucket : fmt::format("S3 s3://{}/{}", at_.bucket, at_.prefix);
  }
  bool wants(const policy::CheckReport&) const override { return true; }
  bool required() const override { return true; }
  Result<void> send(const policy::CheckRecord& r) override {
    std::string folder = scan_log_folder(at_, label_of(*r.report), scan_timestamp(Clock::now()));
    S3PutOptions json;
    json.content_type = "application/json";
    json.kms_key = kms_key_;
    S3PutOptions text = json;
    text.content_type = "text/plain; charset=utf-8";
    IG_TRY(s3_put(client_, at_.bucket, folder + "/verdict.json", r.verdict_json, json));
    IG_TRY(s3_put(client_, at_.bucket, folder + "/summary.txt", r.summary, text));
    IG_TRY(s3_put(client_, at_.bucket, folder + "/policy.applied.json", r.policy_json, json));
    if (!r.findings_json.empty()) IG_TRY(s3_put(client_, at_.bucket, folder + "/findings.json", r.findings_json, json));
    if (!r.sbom_json.empty()) IG_TRY(s3_put(client_, at_.bucket, folder + "/sbom.json", r.sbom_json, json));
    return {};
  }

 private:
  Client client_;
  S3Location at_;
  std::string kms_key_;
};

class LogsSink final : public policy::Sink {
 public:
  LogsSink(Client client, std::string group, bool create_group)
      : client_(std::move(client)), group_(std::move(group)), create_group_(create_group) {}
  std::string name() const override { return "CloudWatch Logs group " + group_; }
  bool wants(const policy::CheckReport&) const override { return true; }
  bool required() const override { return true; }
  Result<void> send(const policy::CheckRecord& r) override {
    auto now = Clock::now();
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    // The time in the S3 folder's form, and a random suffix: two checks of
    // one image in the same second stay apart in the stream.
    std::random_device rd;
    std::string run = fmt::format("{}-{:06x}", scan_timestamp(now), rd() & 0xFFFFFF);
    std::string label = label_of(*r.report);
    bool create_group = create_group_;  // once per record
    for (auto [kind, text] : {std::pair<const char*, const std::string*>{"verdict", &r.verdict_json},
                              {"summary", &r.summary},
                              {"findings", &r.findings_json},
                              {"sbom", &r.sbom_json}}) {
      if (text->empty()) continue;
      IG_TRY(upload_report(client_, group_, log_stream_name(label, kind), *text, run, ms, create_group));
      create_group = false;
    }
    return {};
  }

 private:
  Client client_;
  std::string group_;
  bool create_group_;
};

class SnsSink final : public policy::Sink {
 public:
  SnsSink(Client client, std::string topic, bool on_warn)
      : client_(std::move(client)), topic_(std::move(topic)), on_warn_(on_warn) {}
  std::string name() const override { return "SNS topic " + topic_; }
  bool wants(const policy::CheckReport& r) const override { return notify(r, on_warn_); }
  bool required() const override { return false; }
  Result<void> send(const policy::CheckRecord& r) override {
    IG_TRY(sns_publish(client_, topic_, notification_subject(*r.report), sns_message(*r.report)));
    return {};
  }

 private:
  Client client_;
  std::string topic_;
  bool on_warn_;
};

class EventsSink final : public policy::Sink {
 public:
  EventsSink(Client client, std::string bus) : client_(std::move(client)), bus_(std::move(bus)) {}
  std::string name() const override { return "EventBridge bus " + bus_; }
  bool wants(const policy::CheckReport&) const override { return true; }
  bool required() const override { return false; }
  Result<void> send(const policy::CheckRecord& r) override {
    IG_ASSIGN(auto entry, verdict_event_entry(r.verdict_json, bus_));
    IG_TRY(put_event(client_, entry));
    return {};
  }

 private:
  Client client_;
  std::string bus_;
};

Result<Client> client_for(const Service& service, std::string region, const std::shared_ptr<CredentialSource>& creds,
                          std::string_view flag) {
  auto c = Client::make(service, std::move(region), creds);
  if (!c) return fail(c.error().with_context(std::string(flag)));
  return c;
}

}  // namespace

std::string arn_region(std::string_view arn) {
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
  if (!arn.starts_with("arn:")) return "";
  size_t pos = 0;
  for (int field = 0; field < 3; ++field) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return "";
    ++pos;
  }
  auto end = arn.find(':', pos);
  if (end == std::string_view::npos) return "";
  return std::string(arn.substr(pos, end - pos));
}

Result<std::vector<std::unique_ptr<policy::Sink>>> make_aws_sinks(const AwsSinkOptions& o,
                                                                  std::shared_ptr<CredentialSource> creds) {
  std::vector<std::unique_ptr<policy::Sink>> sinks;
  if (!creds && (!o.s3_output.empty() || !o.log_group.empty() || !o.sns_topic.empty() || !o.eventbridge_bus.empty())) {
    creds = default_credentials();
  }
  if (!o.s3_output.empty()) {
    IG_ASSIGN(S3Location at, parse_s3_url(o.s3_output));
    IG_ASSIGN(Client c, client_for(k_s3, default_region(), creds, "--s3-output"));
    sinks.push_back(std::make_unique<S3Sink>(std::move(c), std::move(at), o.s3_kms_key));
  } else if (!o.s3_kms_key.empty()) {
    return fail(ErrorCode::usage, "--s3-kms-key encrypts the --s3-output objects: give --s3-output s3://BUCKET/PREFIX too");
  }
  if (!o.log_group.empty()) {
    IG_ASSIGN(Client c, client_for(k_logs, default_region(), creds, "--cloudwatch-log-group"));
    sinks.push_back(std::make_unique<LogsSink>(std::move(c), o.log_group, o.create_log_group));
  } else if (o.create_log_group) {
    return fail(ErrorCode::usage, "--cloudwatch-create-log-group needs --cloudwatch-log-group NAME");
  }
  if (!o.sns_topic.empty()) {
    std::string region = arn_region(o.sns_topic);
    if (region.empty()) {
      return fail(ErrorCode::usage,
                  "--sns-topic '{}' is not a topic ARN: give arn:aws:sns:REGION:ACCOUNT:NAME (aws sns list-topics)",
                  o.sns_topic);
    }
    IG_ASSIGN(Client c, client_for(k_sns, region, creds, "--sns-topic"));
    sinks.push_back(std::make_unique<SnsSink>(std::move(c), o.sns_topic, o.notify_on_warn));
  }
  if (!o.eventbridge_bus.empty()) {
    std::string region = arn_region(o.eventbridge_bus);
    IG_ASSIGN(Client c, client_for(k_events, region.empty() ? default_region() : region, creds, "--eventbridge-bus"));
    sinks.push_back(std::make_unique<EventsSink>(std::move(c), o.eventbridge_bus));
  }
  return sinks;
}

}  // namespace ig::aws
