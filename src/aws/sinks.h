// The AWS sinks of `check` (policy/sink.h): scan logs in S3 and CloudWatch
// Logs, alerts through SNS, and verdict events on EventBridge. `check` builds
// them from its flags (docs/aws.md, "Sinks").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "policy/sink.h"
#include "util/error.h"

namespace ig::aws {

struct AwsSinkOptions {
  std::string s3_output;         // "s3://bucket[/prefix]"; "" for none
  std::string s3_kms_key;        // SSE-KMS key id, ARN or alias; "" for the bucket's default encryption
  std::string log_group;         // CloudWatch Logs group; "" for none
  bool create_log_group = false; // CreateLogGroup first (an existing group is fine)
  std::string sns_topic;         // topic ARN; "" for none
  std::string eventbridge_bus;   // bus name or ARN, "default" for the account's bus; "" for none
  bool notify_on_warn = false;   // SNS also on warn (EventBridge gets every verdict)
};

// The region of an ARN ("arn:aws:sns:eu-west-1:…" → "eu-west-1"); "" when
// `arn` is not an ARN or names none.
std::string arn_region(std::string_view arn);

// The sinks `options` asks for, in the order S3, CloudWatch Logs, SNS,
// EventBridge. S3 and CloudWatch are required (their failure fails the
// command: the user asked for those logs); SNS and EventBridge are
// notifications (a failure is reported, the verdict's exit code stays).
// usage error, before any request, for a malformed s3:// URL or topic ARN,
// or no region (SNS takes the topic ARN's).
// `creds` null: the default credential chain.
Result<std::vector<std::unique_ptr<policy::Sink>>> make_aws_sinks(const AwsSinkOptions& options,
                                                                  std::shared_ptr<CredentialSource> creds = nullptr);

}  // namespace ig::aws
