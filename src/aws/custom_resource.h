// CloudFormation custom resources as the imagegate-cdk construct drives them:
// the event CloudFormation (or the CDK Provider framework) delivers, the
// construct's properties turned into a `check` command line, and the answer
// sent back, with its failure reason cut to CloudFormation's limit.
//
// Pure functions over plain data; src/cli/lambda.cpp runs them inside the
// Lambda Runtime API loop (aws/lambda_runtime.h). See docs/lambda.md.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ig::aws {

enum class RequestType { create, update, remove };

// One CloudFormation custom-resource request.
struct CustomResourceEvent {
  RequestType request_type = RequestType::create;
  std::string response_url;  // presigned S3 URL; "..." or absent under the Provider framework
  std::string stack_id;
  std::string request_id;
  std::string logical_resource_id;
  std::string physical_resource_id;  // absent on Create
  std::string resource_type;
  nlohmann::json properties = nlohmann::json::object();      // ResourceProperties
  nlohmann::json old_properties = nlohmann::json::object();  // OldResourceProperties (Update only)
};

// Parses the event JSON. usage error naming the field that is missing or of
// the wrong type; never throws.
Result<CustomResourceEvent> parse_custom_resource_event(std::string_view body);

// Property coercion: CloudFormation turns every scalar into a string ("true",
// "900"), so each reader accepts the JSON type and its string form. A missing
// or null property yields `fallback`; anything else that does not fit is a
// usage error naming the property.
Result<bool> property_bool(const nlohmann::json& props, std::string_view name, bool fallback);
Result<long> property_int(const nlohmann::json& props, std::string_view name, long fallback);
Result<std::string> property_string(const nlohmann::json& props, std::string_view name, std::string fallback = "");
// A list of strings (a JSON array, or one string as a one-element list).
Result<std::vector<std::string>> property_list(const nlohmann::json& props, std::string_view name);

// What the handler runs for one event: `imagegate [pre_args] check IMAGE args`,
// after writing `files` (name relative to the work directory -> contents)
// and, when `database` is set, pulling the database artifact from it.
struct CheckInvocation {
  std::string image;
  std::vector<std::string> args;  // check's flags, in table order
  std::map<std::string, std::string> files;
  std::string database;            // OCI reference of the database artifact ("" : use the local one)
  bool suppress_error_on_rollback = true;
  long timeout_seconds = 840;      // the construct's pollingTimeout
};

// Builds the check invocation from the construct's properties; file flags
// name paths under `work_dir`. usage error for a property that is missing
// (the image) or malformed. The mapping is one table in custom_resource.cpp.
Result<CheckInvocation> check_invocation_of(const nlohmann::json& props, const std::filesystem::path& work_dir);

// CloudFormation's limit on a whole custom-resource response body.
inline constexpr size_t k_max_response_bytes = 4096;

// The facts of a verdict that a failure reason and the resource's attributes
// are made of, read from check's JSON (docs/check.md).
struct VerdictSummary {
  std::string decision;  // allow, warn, deny; "" when check produced no verdict
  std::string denied_by;
  std::string digest;
  std::string image;
  std::map<std::string, long> counts;  // CRITICAL..UNDEFINED
  std::string signature_status;
  std::string policy_digest;
  std::vector<std::string> reason_lines;  // "rule: saw" then up to five items, then the fix
};

// Reads check's verdict JSON. usage error when it is not one.
Result<VerdictSummary> summarize_verdict(std::string_view verdict_json);

// The Data attributes of a successful resource (strings, as CloudFormation
// passes them to Fn::GetAtt): decision, digest, counts, signature status.
nlohmann::json verdict_attributes(const VerdictSummary& v);

// The failure reason shown in the CloudFormation console: what denied, the
// top findings and the fix, then `detail` (check's own error text); cut to
// `max_bytes` at a UTF-8 boundary with a note that it was cut.
std::string failure_reason(const VerdictSummary& v, std::string_view detail, size_t max_bytes);

// The response body a direct Lambda-backed resource PUTs to ResponseURL.
// The reason is shortened so the whole body stays within
// k_max_response_bytes; Data is dropped first if it alone is too large.
std::string direct_response(const CustomResourceEvent& e, bool success, std::string_view reason,
                            const nlohmann::json& data);

// The Provider framework's onEvent result: {PhysicalResourceId, Data}.
nlohmann::json provider_result(const CustomResourceEvent& e, const nlohmann::json& data);

// The physical id this resource keeps across updates: the one CloudFormation
// gave back, else one derived from the stack and logical id.
std::string physical_id_of(const CustomResourceEvent& e);

// True for stack statuses in which ecr-scan-verifier (and we) suppress a
// failure when asked: ROLLBACK_IN_PROGRESS and UPDATE_ROLLBACK_IN_PROGRESS.
bool is_rollback_status(std::string_view stack_status);

// The <StackStatus> of a CloudFormation DescribeStacks query-protocol answer,
// "" when absent.
std::string stack_status_of(std::string_view describe_stacks_xml);

}  // namespace ig::aws
