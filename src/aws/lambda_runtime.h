// The AWS Lambda Runtime API (version 2018-06-01), as a custom runtime
// speaks it: fetch the next invocation, answer it with a result or an error,
// or report that initialisation failed. Also the one PUT a direct
// Lambda-backed custom resource makes to CloudFormation's ResponseURL.
//
// The endpoint is AWS_LAMBDA_RUNTIME_API (host:port, plain HTTP on the
// sandbox's loopback). Reference: "Using the Lambda runtime API for custom
// runtimes" in the AWS Lambda Developer Guide.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::aws {

struct Invocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;   // Lambda-Runtime-Deadline-Ms: Unix time in ms; 0 when absent
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;      // Lambda-Runtime-Trace-Id
  std::string payload;       // the event
};

class LambdaRuntime {
 public:
  // `api` is host:port as in AWS_LAMBDA_RUNTIME_API.
  explicit LambdaRuntime(std::string api) : api_(std::move(api)) {}

  // Waits (without a timeout, as the API asks) for the next invocation.
  // network error when the API is unreachable or answers without a request id.
  Result<Invocation> next() const;
  // Posts the invocation's result (a JSON document).
  Result<void> respond(std::string_view request_id, std::string_view json_body) const;
  // Posts a failed invocation: `type` ("Runtime.CheckFailed") and `message`.
  Result<void> fail_invocation(std::string_view request_id, std::string_view type, std::string_view message) const;
  // Reports an initialisation failure; Lambda then restarts the sandbox.
  Result<void> init_error(std::string_view type, std::string_view message) const;

 private:
  Result<void> post(const std::string& path, std::string_view body, std::string_view error_type) const;
  std::string api_;
};

// PUTs a custom-resource response to CloudFormation's presigned ResponseURL
// (an empty Content-Type, as the signature expects). network error naming
// the host (never the signed query) when it fails or is refused.
Result<void> put_response_url(const std::string& url, std::string_view body);

}  // namespace ig::aws
