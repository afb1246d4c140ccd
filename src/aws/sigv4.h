// AWS Signature Version 4: signs HTTP requests to AWS APIs (KMS today; ECR,
// S3, Signer later) with credentials from the environment.
//
// Pure functions over plain structs, so the AWS-published test vectors can
// check them without a network. Reference: "Signature Version 4 signing
// process" in the AWS General Reference.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ig::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (optional)
// AWS_SESSION_TOKEN. usage error naming the missing variable otherwise.
Result<Credentials> credentials_from_env();

// The region from AWS_REGION, else AWS_DEFAULT_REGION; empty when neither.
std::string region_from_env();

// The endpoint for `service` ("kms"): AWS_ENDPOINT_URL_<SERVICE> (upper case),
// else AWS_ENDPOINT_URL, else https://<service>.<region>.amazonaws.com.
std::string endpoint_for(std::string_view service, std::string_view region);

struct SignableRequest {
  std::string method = "POST";
  std::string host;   // as sent in the Host header (with :port when not default)
  std::string path = "/";  // already URI-encoded; signed as is (no double encoding)
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers to sign (e.g. X-Amz-Target)
  std::string body;
};

// "20150830T123600Z" for `t`.
std::string amz_date(std::chrono::system_clock::time_point t);

// The pieces of a signature, exposed so tests can compare every step.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lowercase hex
  std::string authorization;  // the Authorization header value
  // Headers to send: Host is implied by the URL; these are X-Amz-Date,
  // X-Amz-Security-Token (with a session token), and Authorization.
  std::vector<std::pair<std::string, std::string>> headers_to_add;
};

// Signs `req` for `region`/`service` at `amz_date_str` ("YYYYMMDDTHHMMSSZ").
// Header names are lower-cased, values trimmed with inner runs of spaces
// collapsed, and sorted, as the spec requires.
Signature sign_v4(const SignableRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view service, std::string_view amz_date_str);

// RFC 3986 percent-encoding of everything but unreserved characters; '/'
// kept when `keep_slash`.
std::string uri_encode(std::string_view s, bool keep_slash = false);

}  // namespace ig::aws
