#include "aws/custom_resource.h"

#include <gtest/gtest.h>

#include <algorithm>

using nlohmann::json;

namespace ig::aws {
namespace {

json event_json(const std::string& type) {
  return {{"RequestType", type},
          {"ServiceToken", "arn:aws:lambda:eu-west-1:111122223333:function:f"},
          {"ResponseURL", "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x?X-Amz-Signature=s"},
          {"StackId", "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1"},
          {"RequestId", "req-1"},
          {"LogicalResourceId", "Verifier"},
          {"ResourceType", "Custom::ImagegateVerifier"},
          {"ResourceProperties",
           {{"ServiceToken", "arn:aws:lambda:eu-west-1:111122223333:function:f"},
            {"repositoryUri", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app"},
            {"imageTag", "v1"},
            {"startScan", "true"},
            {"pollingTimeoutSeconds", "900"}}}};
}

TEST(CustomResourceEvent, ParsesCreate) {
  auto e = parse_custom_resource_event(event_json("Create").dump());
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->request_type, RequestType::create);
  EXPECT_EQ(e->request_id, "req-1");
  EXPECT_EQ(e->logical_resource_id, "Verifier");
  EXPECT_EQ(e->physical_resource_id, "");
  EXPECT_EQ(e->properties.at("imageTag"), "v1");
  EXPECT_TRUE(e->old_properties.empty());
}

TEST(CustomResourceEvent, ParsesUpdateAndDelete) {
  auto j = event_json("Update");
  j["PhysicalResourceId"] = "imagegate-Verifier";
  j["OldResourceProperties"] = {{"imageTag", "v0"}};
  auto e = parse_custom_resource_event(j.dump());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->request_type, RequestType::update);
  EXPECT_EQ(e->old_properties.at("imageTag"), "v0");
  EXPECT_EQ(physical_id_of(*e), "imagegate-Verifier");
  auto d = parse_custom_resource_event(event_json("Delete").dump());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->request_type, RequestType::remove);
}

TEST(CustomResourceEvent, RefusesWhatIsNotAnEvent) {
  for (const char* bad : {"", "[]", "null", "{", "{\"RequestType\":\"Create\"}", "\"x\""}) {
    auto e = parse_custom_resource_event(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().code, ErrorCode::usage);
  }
  auto j = event_json("Replace");
  auto e = parse_custom_resource_event(j.dump());
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("Replace"), std::string::npos);
  j = event_json("Create");
  j["ResourceProperties"] = "x";
  EXPECT_FALSE(parse_custom_resource_event(j.dump()));
  j = event_json("Create");
  j["StackId"] = 7;
  e = parse_custom_resource_event(j.dump());
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("StackId"), std::string::npos);
}

TEST(PropertyCoercion, StringsAsCloudFormationSendsThem) {
  json p = {{"a", "true"}, {"b", "false"}, {"c", true}, {"n", "900"}, {"m", 12}, {"s", "x"}, {"z", nullptr}};
  EXPECT_EQ(*property_bool(p, "a", false), true);
  EXPECT_EQ(*property_bool(p, "b", true), false);
  EXPECT_EQ(*property_bool(p, "c", false), true);
  EXPECT_EQ(*property_bool(p, "missing", true), true);
  EXPECT_EQ(*property_bool(p, "z", false), false);
  EXPECT_EQ(*property_int(p, "n", 0), 900);
  EXPECT_EQ(*property_int(p, "m", 0), 12);
  EXPECT_EQ(*property_int(p, "missing", 840), 840);
  EXPECT_EQ(*property_string(p, "n"), "900");
  EXPECT_EQ(*property_string(p, "m"), "12");
  EXPECT_EQ(*property_string(p, "missing", "latest"), "latest");
}

TEST(PropertyCoercion, RefusesWhatDoesNotFit) {
  json p = {{"yes", "yes"}, {"neg", "-1"}, {"big", "99999999999999999999"}, {"f", "1.5"}, {"o", {{"k", 1}}},
            {"l", json::array({"a", 1})}};
  auto b = property_bool(p, "yes", false);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("yes"), std::string::npos);
  EXPECT_FALSE(property_int(p, "neg", 0));
  EXPECT_FALSE(property_int(p, "big", 0));
  EXPECT_FALSE(property_int(p, "f", 0));
  EXPECT_FALSE(property_string(p, "o"));
  EXPECT_FALSE(property_list(p, "l"));
  EXPECT_EQ(property_list(json{{"one", "CVE-1"}}, "one")->size(), 1u);
  EXPECT_TRUE(property_list(p, "missing")->empty());
}

bool has_pair(const std::vector<std::string>& args, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag && args[i + 1] == value) return true;
  }
  return false;
}
bool has(const std::vector<std::string>& args, const std::string& flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}

TEST(CheckInvocation, BasicScanWithStartScan) {
  json p = {{"repositoryUri", "1.dkr.ecr.eu-west-1.amazonaws.com/app"},
            {"imageTag", "v1"},
            {"scanType", "BASIC"},
            {"startScan", "true"},
            {"severity", json::array({"CRITICAL", "HIGH"})},
            {"failOnVulnerability", "true"},
            {"pollingTimeoutSeconds", "300"},
            {"suppressErrorOnRollback", "false"}};
  auto inv = check_invocation_of(p, "/w");
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->image, "1.dkr.ecr.eu-west-1.amazonaws.com/app:v1");
  EXPECT_TRUE(has_pair(inv->args, "--findings-from", "ecr"));
  EXPECT_TRUE(has(inv->args, "--ecr-start-scan"));
  EXPECT_TRUE(has_pair(inv->args, "--ecr-scan-timeout", "300s"));
  EXPECT_TRUE(has_pair(inv->args, "--severity", "CRITICAL,HIGH"));
  EXPECT_FALSE(has(inv->args, "--notify-only"));
  EXPECT_FALSE(inv->suppress_error_on_rollback);
  EXPECT_EQ(inv->timeout_seconds, 300);
  p["startScan"] = "false";
  EXPECT_FALSE(has(check_invocation_of(p, "/w")->args, "--ecr-start-scan"));
}

TEST(CheckInvocation, EnhancedWithOutputsAndTopic) {
  json p = {{"repositoryName", "app"},
            {"registryUri", "1.dkr.ecr.eu-west-1.amazonaws.com"},
            {"imageTag", "sha256:abc"},
            {"scanType", "ENHANCED"},
            {"failOnVulnerability", "false"},
            {"ignoreFindings", json::array({"CVE-2023-1", "CVE-2023-2"})},
            {"output", {{"type", "s3"}, {"bucketName", "logs"}, {"prefix", "scan/"}}},
            {"sbom", {{"format", "CYCLONEDX_1_4"}, {"bucketName", "sboms"}, {"kmsKeyArn", "arn:aws:kms:k"}}},
            {"vulnsTopicArn", "arn:aws:sns:t"}};
  auto inv = check_invocation_of(p, "/w");
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->image, "1.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:abc");
  EXPECT_TRUE(has_pair(inv->args, "--findings-from", "inspector"));
  EXPECT_TRUE(has(inv->args, "--notify-only"));
  EXPECT_TRUE(has_pair(inv->args, "--ignore-file", "/w/ignore-findings.trivyignore"));
  EXPECT_NE(inv->files.at("ignore-findings.trivyignore").find("CVE-2023-2\n"), std::string::npos);
  EXPECT_TRUE(has_pair(inv->args, "--s3-output", "s3://logs/scan/"));
  EXPECT_TRUE(has_pair(inv->args, "--s3-output", "s3://sboms"));
  EXPECT_TRUE(has_pair(inv->args, "--s3-kms-key", "arn:aws:kms:k"));
  EXPECT_TRUE(has_pair(inv->args, "--sns-topic", "arn:aws:sns:t"));
  EXPECT_TRUE(has(inv->args, "--notify-on-warn"));
  EXPECT_TRUE(inv->suppress_error_on_rollback);

  p["output"] = {{"type", "cloudWatchLogs"}, {"logGroupName", "/scan"}};
  EXPECT_TRUE(has_pair(check_invocation_of(p, "/w")->args, "--cloudwatch-log-group", "/scan"));
  p["output"] = {{"type", "ftp"}};
  EXPECT_FALSE(check_invocation_of(p, "/w"));
  p.erase("output");
  p["ignoreFindings"] = json::array({"CVE-1\n*"});
  EXPECT_FALSE(check_invocation_of(p, "/w"));
}

TEST(CheckInvocation, ImagegateModeWithPolicyDatabaseAndAttest) {
  json p = {{"repositoryUri", "127.0.0.1:5000/app"},
            {"scanType", "IMAGEGATE"},
            {"policy", "version: 1\nvulnerabilities: {severities: [HIGH]}\n"},
            {"database", "127.0.0.1:5000/db:v1"},
            {"attestKey", "arn:aws:kms:eu-west-1:1:key/k"}};
  auto inv = check_invocation_of(p, "/w");
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->image, "127.0.0.1:5000/app:latest");
  EXPECT_FALSE(has(inv->args, "--findings-from"));
  EXPECT_TRUE(has_pair(inv->args, "--policy", "/w/policy.yaml"));
  EXPECT_EQ(inv->files.at("policy.yaml"), p["policy"]);
  // The policy decides severities unless the construct names some.
  EXPECT_FALSE(has(inv->args, "--severity"));
  EXPECT_EQ(inv->database, "127.0.0.1:5000/db:v1");
  EXPECT_TRUE(has_pair(inv->args, "--attest", "awskms:///arn:aws:kms:eu-west-1:1:key/k"));
  p["severity"] = json::array({"HIGH"});
  EXPECT_TRUE(has_pair(check_invocation_of(p, "/w")->args, "--severity", "HIGH"));
  p.erase("policy");
  p.erase("severity");
  EXPECT_TRUE(has_pair(check_invocation_of(p, "/w")->args, "--severity", "CRITICAL"));
}

TEST(CheckInvocation, Signatures) {
  json p = {{"repositoryUri", "r/app"},
            {"scanType", "SIGNATURE_ONLY"},
            {"signatureVerification", {{"type", "COSIGN"}, {"publicKey", "-----BEGIN PUBLIC KEY-----\n"},
                                       {"failOnUnsigned", "false"}}}};
  auto inv = check_invocation_of(p, "/w");
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_TRUE(has_pair(inv->args, "--key", "/w/cosign.pub"));
  EXPECT_TRUE(has_pair(inv->args, "--policy", "/w/policy.yaml"));
  EXPECT_FALSE(has(inv->args, "--severity"));
  EXPECT_TRUE(has(inv->args, "--no-fail-on-unsigned"));

  p["signatureVerification"] = {{"type", "COSIGN"}, {"kmsKeyArn", "arn:aws:kms:r:1:key/k"}};
  EXPECT_TRUE(has_pair(check_invocation_of(p, "/w")->args, "--key", "awskms:///arn:aws:kms:r:1:key/k"));
  p["signatureVerification"] = {{"type", "KEYLESS"}, {"identity", "ci@example.com"}, {"issuer", "https://i"}};
  auto k = check_invocation_of(p, "/w");
  ASSERT_TRUE(k);
  EXPECT_TRUE(has_pair(k->args, "--certificate-identity", "ci@example.com"));
  EXPECT_TRUE(has_pair(k->args, "--certificate-oidc-issuer", "https://i"));
  p["signatureVerification"] = {{"type", "NOTATION"}, {"trustedIdentities", json::array({"arn:aws:signer:p"})}};
  auto n = check_invocation_of(p, "/w");
  ASSERT_TRUE(n);
  EXPECT_TRUE(has_pair(n->args, "--notation-trust-policy", "/w/trustpolicy.json"));
  EXPECT_NE(n->files.at("trustpolicy.json").find("arn:aws:signer:p"), std::string::npos);
  p["signatureVerification"] = {{"type", "NOTATION"}, {"trustedIdentities", json::array()}};
  EXPECT_FALSE(check_invocation_of(p, "/w"));
  p["signatureVerification"] = {{"type", "COSIGN"}};
  EXPECT_FALSE(check_invocation_of(p, "/w"));
}

TEST(CheckInvocation, RefusesMissingImageAndUnknownScanType) {
  auto a = check_invocation_of(json{{"imageTag", "v1"}}, "/w");
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("repositoryUri"), std::string::npos);
  auto b = check_invocation_of(json{{"repositoryUri", "r/a"}, {"scanType", "DEEP"}}, "/w");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("DEEP"), std::string::npos);
}

const char* k_deny = R"({"schema_version":1,"decision":"deny","exit_code":21,"denied_by":"vulnerability",
 "image":{"name":"r/app:v1","digest":"sha256:d","repository":"r/app"},"policy":{"source":"p","digest":"sha256:p"},
 "signature":{"status":"not_checked"},"counts":{"CRITICAL":7,"HIGH":1},
 "reasons":[{"rule":"vulnerabilities.severity","kind":"vulnerability","mode":"enforce","saw":"7 CRITICAL findings",
 "items":["CVE-1 in a 1","CVE-2 in a 1","CVE-3 in a 1","CVE-4 in a 1","CVE-5 in a 1","CVE-6 in a 1","CVE-7 in a 1"],
 "fix":"upgrade the packages or waive with a reason"}]})";

TEST(Verdict, SummaryAttributesAndReason) {
  auto v = summarize_verdict(k_deny);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->decision, "deny");
  auto d = verdict_attributes(*v);
  EXPECT_EQ(d["Decision"], "deny");
  EXPECT_EQ(d["ImageDigest"], "sha256:d");
  EXPECT_EQ(d["FindingsCRITICAL"], "7");
  std::string r = failure_reason(*v, "", 4096);
  EXPECT_NE(r.find("vulnerabilities.severity: 7 CRITICAL findings"), std::string::npos);
  EXPECT_NE(r.find("CVE-5 in a 1"), std::string::npos);
  EXPECT_EQ(r.find("CVE-6 in a 1"), std::string::npos);
  EXPECT_NE(r.find("and 2 more"), std::string::npos);
  EXPECT_NE(r.find("fix: upgrade"), std::string::npos);
  EXPECT_NE(r.find("ignoreFindings"), std::string::npos);
  EXPECT_FALSE(summarize_verdict("not json"));
}

TEST(Verdict, ReasonIsCutAtUtf8Boundary) {
  std::string detail(5000, 'x');
  detail[4000] = '\xc3';
  detail[4001] = '\xa9';
  std::string r = failure_reason({}, detail, 1000);
  EXPECT_LE(r.size(), 1000u);
  EXPECT_NE(r.find("[cut:"), std::string::npos);
  std::string u;
  for (int i = 0; i < 600; ++i) u += "\xc3\xa9";  // é
  r = failure_reason({}, u, 101);
  EXPECT_LE(r.size(), 101u);
  // Never half a character before the note.
  auto note = r.find("\n[cut:");
  ASSERT_NE(note, std::string::npos);
  EXPECT_EQ(note % 2, 0u);
}

TEST(Responses, DirectBodyStaysWithinTheLimit) {
  auto e = parse_custom_resource_event(event_json("Create").dump());
  ASSERT_TRUE(e);
  std::string reason(10000, '"');  // doubles when escaped
  auto body = direct_response(*e, false, reason, json{{"Decision", "deny"}});
  EXPECT_LE(body.size(), k_max_response_bytes);
  auto j = json::parse(body);
  EXPECT_EQ(j["Status"], "FAILED");
  EXPECT_EQ(j["RequestId"], "req-1");
  EXPECT_EQ(j["PhysicalResourceId"], "imagegate-Verifier");
  EXPECT_EQ(j["Data"]["Decision"], "deny");
  EXPECT_FALSE(j["Reason"].get<std::string>().empty());
  // Control characters (6 bytes escaped) and bytes that are not UTF-8.
  std::string nasty;
  for (int i = 0; i < 3000; ++i) nasty += i % 3 == 0 ? "\x01" : i % 3 == 1 ? "\xff" : "\xc3\xa9";
  body = direct_response(*e, false, nasty, json::object());
  EXPECT_LE(body.size(), k_max_response_bytes);
  EXPECT_GT(body.size(), k_max_response_bytes - 8);
  EXPECT_NE(json::parse(body)["Reason"].get<std::string>().find("?"), std::string::npos);
  auto ok = json::parse(direct_response(*e, true, "", json::object()));
  EXPECT_EQ(ok["Status"], "SUCCESS");
  EXPECT_FALSE(ok.contains("Data"));
  auto pr = provider_result(*e, json{{"Decision", "allow"}});
  EXPECT_EQ(pr["PhysicalResourceId"], "imagegate-Verifier");
  EXPECT_EQ(pr["Data"]["Decision"], "allow");
}

TEST(Rollback, StatusesAndDescribeStacksAnswer) {
  EXPECT_TRUE(is_rollback_status("ROLLBACK_IN_PROGRESS"));
  EXPECT_TRUE(is_rollback_status("UPDATE_ROLLBACK_IN_PROGRESS"));
  EXPECT_FALSE(is_rollback_status("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"));
  EXPECT_FALSE(is_rollback_status("CREATE_IN_PROGRESS"));
  EXPECT_EQ(stack_status_of("<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackStatus>"
                            "UPDATE_ROLLBACK_IN_PROGRESS</StackStatus></member></Stacks></DescribeStacksResult>"
                            "</DescribeStacksResponse>"),
            "UPDATE_ROLLBACK_IN_PROGRESS");
  EXPECT_EQ(stack_status_of("<x/>"), "");
  EXPECT_EQ(stack_status_of("<StackStatus>open"), "");
}

}  // namespace
}  // namespace ig::aws
