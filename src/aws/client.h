// The shared AWS client: credentials, region and endpoint resolution, SigV4
// signing, retries, and the three wire protocols imagegate speaks (JSON 1.1,
// REST-JSON, query). Every AWS back end (ECR, Inspector, S3, CloudWatch Logs,
// SNS, EventBridge, KMS, STS) goes through one Client per service.
//
// Nothing here logs a credential, a token or an Authorization header, not even
// at debug level. Errors name the service, the operation, the AWS error code
// and the fix. See docs/aws.md.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>
#include "aws/sigv4.h"      // Credentials, sign_v4
#include "util/error.h"

namespace ig::aws {

// Credentials that may expire; implementations are thread-safe and refresh
// temporary credentials ahead of their expiry.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual Result<Credentials> get() = 0;
  virtual std::string describe() const = 0;  // "environment", "profile dev (assume role ...)", never a secret
};
// The AWS SDKs' default chain (env, profile files, web identity, container, IMDSv2).
std::shared_ptr<CredentialSource> default_credentials();
// Fixed credentials (tests, and credentials handed over by other code).
std::shared_ptr<CredentialSource> static_credentials(Credentials c);

struct Service {
  std::string signing_name;   // "ecr", "inspector2", "s3", "logs", "sns", "events", "kms", "sts", "signer"
  std::string endpoint_env;   // suffix of AWS_ENDPOINT_URL_<X>: "ECR", "INSPECTOR2", "S3", "CLOUDWATCH_LOGS", "SNS", "EVENTBRIDGE", "KMS", "STS"
  std::string endpoint_prefix;// host prefix: "api.ecr", "inspector2", "s3", "logs", "sns", "events", "kms", "sts"
  std::string json_target_prefix;  // JSON 1.1 X-Amz-Target prefix, e.g. "AmazonEC2ContainerRegistry_V20150921", "Logs_20140328", "AWSEvents", "TrentService"; "" for others
  std::string display;        // "Amazon ECR", "Amazon Inspector", ... for messages
};
// Predefined: k_ecr, k_inspector2, k_s3, k_logs, k_sns, k_events, k_kms, k_sts.
extern const Service k_ecr, k_inspector2, k_s3, k_logs, k_sns, k_events, k_kms, k_sts;

// Region from AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region`; "" when none.
std::string default_region();

struct HttpRequest {
  std::string method = "POST";
  std::string path = "/";                                    // URI-encoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // signed and sent
  std::string body;
};
struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(std::string_view name) const;          // "" when absent
};

struct RetryPolicy {
  int max_attempts = 3;                         // the SDKs' standard mode
  std::chrono::milliseconds base{100};          // full-jitter exponential backoff, capped at 20 s
  std::function<void(std::chrono::milliseconds)> sleep;  // null: really sleep (tests inject)
};

class Client {
 public:
  // Endpoint: AWS_ENDPOINT_URL_<endpoint_env>, else AWS_ENDPOINT_URL, else
  // https://<endpoint_prefix>.<region>.amazonaws.com (".com.cn" for cn- regions).
  // usage error when region is empty and no endpoint override names one.
  static Result<Client> make(const Service& service, std::string region,
                             std::shared_ptr<CredentialSource> creds, RetryPolicy retry = {});
  const std::string& endpoint() const;
  const std::string& region() const;
  // Signs and sends; retries throttling (429, ThrottlingException, ...) and 5xx
  // and transport errors per RetryPolicy. A non-2xx final answer is returned, not an error.
  Result<HttpResponse> send(HttpRequest req) const;
  // JSON 1.1 (X-Amz-Target: <json_target_prefix>.<operation>). A non-2xx answer becomes an
  // error naming the service, the operation, the AWS error code and message, and a fix
  // (AccessDenied → the IAM action "<signing_name>:<operation>").
  Result<nlohmann::json> json_call(std::string_view operation, const nlohmann::json& body) const;
  // REST-JSON (Inspector2 and similar): METHOD path with a JSON body.
  Result<nlohmann::json> rest_json(std::string_view method, std::string_view path, const nlohmann::json& body,
                                   std::string_view operation) const;
  // Query protocol (SNS, STS): Action=<action>&Version=<version>&params..., returns the XML body.
  Result<std::string> query_call(std::string_view action, std::string_view version,
                                 const std::vector<std::pair<std::string, std::string>>& params) const;

  // --- additions beyond the shared contract (only added to, never changed) ---
  // Note: credentials with an empty access key id (static_credentials({}))
  // make send() go unsigned, as STS AssumeRoleWithWebIdentity requires.

  // Like make(), at an explicit endpoint URL ("http://127.0.0.1:5000"), e.g.
  // the host of an awskms://HOST/ key reference. usage error when region is empty.
  static Result<Client> make_at(const Service& service, std::string endpoint, std::string region,
                                std::shared_ptr<CredentialSource> creds, RetryPolicy retry = {});
  const Service& service() const { return service_; }
  // The error a non-2xx answer to `operation` maps to (what json_call,
  // rest_json and query_call return), for callers of send().
  Error error_for(std::string_view operation, const HttpResponse& response) const;
  // error_for on a non-2xx answer, else the body as JSON ({} when empty).
  Result<nlohmann::json> json_answer(std::string_view operation, const HttpResponse& response) const;

 private:
  Client() = default;
  Service service_;
  std::string endpoint_;
  std::string host_;  // host[:port] of endpoint_, signed as the Host header
  std::string base_path_;  // path part of endpoint_, without a trailing '/'
  std::string region_;
  std::shared_ptr<CredentialSource> creds_;
  RetryPolicy retry_;
};

}  // namespace ig::aws
