#include "aws/sinks.h"

#include <gtest/gtest.h>

#include <cstdlib>


namespace ig::aws {
namespace {

// No request is made: the sinks are only built and asked what they want.
class AwsSinks : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("AWS_REGION", "eu-west-1", 1);
    ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
  }
  void TearDown() override {
    ::unsetenv("AWS_REGION");
    ::unsetenv("AWS_ENDPOINT_URL");
  }
  std::shared_ptr<CredentialSource> creds_ = static_credentials(Credentials{"AKIDEXAMPLE", "secret", ""});
};

policy::CheckReport with(policy::Decision d) {
  policy::CheckReport r;
  r.verdict.decision = d;
  return r;
}

TEST_F(AwsSinks, LogsAreRequiredAndTakeEveryVerdictNotificationsAreNot) {
  AwsSinkOptions o;
  o.s3_output = "s3://scan-logs/ci";
  o.log_group = "/imagegate/checks";
  o.sns_topic = "arn:aws:sns:us-east-1:123456789012:alerts";
  o.eventbridge_bus = "default";
  auto sinks = make_aws_sinks(o, creds_);
  ASSERT_TRUE(sinks) << sinks.error().message;
  ASSERT_EQ(sinks->size(), 4u);
  const auto& s3 = *(*sinks)[0];
  const auto& logs = *(*sinks)[1];
  const auto& sns = *(*sinks)[2];
  const auto& events = *(*sinks)[3];
  EXPECT_EQ(s3.name(), "S3 s3://scan-logs/ci");
  EXPECT_EQ(logs.name(), "CloudWatch Logs group /imagegate/checks");
  EXPECT_EQ(sns.name(), "SNS topic arn:aws:sns:us-east-1:123456789012:alerts");
  EXPECT_EQ(events.name(), "EventBridge bus default");
  EXPECT_TRUE(s3.required());
  EXPECT_TRUE(logs.required());
  EXPECT_FALSE(sns.required());
  EXPECT_FALSE(events.required());
  for (auto d : {policy::Decision::allow, policy::Decision::warn, policy::Decision::deny}) {
    EXPECT_TRUE(s3.wants(with(d)));
    EXPECT_TRUE(logs.wants(with(d)));
    EXPECT_TRUE(events.wants(with(d)));
  }
  EXPECT_TRUE(sns.wants(with(policy::Decision::deny)));
  EXPECT_FALSE(sns.wants(with(policy::Decision::warn)));
  EXPECT_FALSE(sns.wants(with(policy::Decision::allow)));
}

TEST_F(AwsSinks, SnsOnWarnWhenAsked) {
  AwsSinkOptions o;
  o.sns_topic = "arn:aws:sns:us-east-1:123456789012:alerts";
  o.notify_on_warn = true;
  auto sinks = make_aws_sinks(o, creds_);
  ASSERT_TRUE(sinks);
  EXPECT_TRUE((*sinks)[0]->wants(with(policy::Decision::warn)));
  EXPECT_FALSE((*sinks)[0]->wants(with(policy::Decision::allow)));
}

TEST_F(AwsSinks, NothingAskedNothingMade) {
  auto sinks = make_aws_sinks({}, nullptr);
  ASSERT_TRUE(sinks);
  EXPECT_TRUE(sinks->empty());
}

TEST_F(AwsSinks, BadFlagsAreUsageErrorsBeforeAnyRequest) {
  auto err = [&](AwsSinkOptions o) {
    auto r = make_aws_sinks(o, creds_);
    EXPECT_FALSE(r);
    return r ? Error{} : r.error();
  };
  AwsSinkOptions bad_url;
  bad_url.s3_output = "scan-logs/ci";
  EXPECT_EQ(err(bad_url).code, ErrorCode::usage);
  AwsSinkOptions key_alone;
  key_alone.s3_kms_key = "alias/x";
  EXPECT_NE(err(key_alone).message.find("--s3-output"), std::string::npos);
  AwsSinkOptions group_flag_alone;
  group_flag_alone.create_log_group = true;
  EXPECT_NE(err(group_flag_alone).message.find("--cloudwatch-log-group"), std::string::npos);
  AwsSinkOptions topic_name;
  topic_name.sns_topic = "alerts";
  auto e = err(topic_name);
  EXPECT_EQ(e.code, ErrorCode::usage);
  EXPECT_NE(e.message.find("arn:aws:sns:REGION:ACCOUNT:NAME"), std::string::npos);
}

TEST_F(AwsSinks, NoRegionIsAUsageErrorButTheTopicBringsItsOwn) {
  ::unsetenv("AWS_REGION");
  ::unsetenv("AWS_DEFAULT_REGION");
  ::setenv("AWS_CONFIG_FILE", "/nonexistent/imagegate-test", 1);
  ::unsetenv("AWS_ENDPOINT_URL");
  AwsSinkOptions logs;
  logs.log_group = "g";
  auto r = make_aws_sinks(logs, creds_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::usage);
  EXPECT_NE(r.error().message.find("--cloudwatch-log-group"), std::string::npos);
  AwsSinkOptions sns;
  sns.sns_topic = "arn:aws:sns:ap-south-1:123456789012:alerts";
  EXPECT_TRUE(make_aws_sinks(sns, creds_));
  ::unsetenv("AWS_CONFIG_FILE");
}

TEST(AwsArn, RegionField) {
  EXPECT_EQ(arn_region("arn:aws:sns:eu-west-1:123456789012:alerts"), "eu-west-1");
  EXPECT_EQ(arn_region("arn:aws-cn:events:cn-north-1:123456789012:event-bus/b"), "cn-north-1");
  EXPECT_EQ(arn_region("alerts"), "");
  EXPECT_EQ(arn_region("arn:aws:sns"), "");
}

}  // namespace
}  // namespace ig::aws
