// Where AWS credentials come from: the AWS SDKs' default chain, and the
// shared `config` / `credentials` files it reads.
//
// Chain order (as the SDKs): environment variables; web identity from
// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN; the profile (AWS_PROFILE, else
// "default") in the shared files, with role_arn + source_profile (chained),
// credential_source, credential_process and web_identity_token_file; ECS and
// Lambda container credentials; EC2 instance metadata (IMDSv2). See docs/aws.md.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/client.h"
#include "aws/sigv4.h"
#include "util/error.h"

namespace ig::aws {

// One profile's keys, lower-cased names, values trimmed. Nested sections
// ("s3 =\n  max_concurrent_requests = 10") are kept as "s3.max_concurrent_requests".
using ProfileSection = std::map<std::string, std::string>;

// The shared files, merged: profile name -> keys. In the config file
// "[profile NAME]" names NAME ("[default]" names default); in the credentials
// file "[NAME]" does, and its keys win over the config file's.
// "[services NAME]" sections are kept under "services NAME".
struct SharedConfig {
  std::map<std::string, ProfileSection> profiles;
  std::map<std::string, ProfileSection> services;
};

// Parses the text of one shared file into `into`. `credentials_file` selects
// the credentials file's section naming. Lines that are not sections,
// comments or key = value pairs are usage errors naming `file_name` and the line.
Result<void> parse_shared_file(std::string_view text, bool credentials_file, std::string_view file_name,
                               SharedConfig& into);

// Reads AWS_CONFIG_FILE (else ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE
// (else ~/.aws/credentials). Missing files are empty.
Result<SharedConfig> load_shared_config();

// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
std::string profile_name();

// The selected profile's `region`, or "" (no files, no profile, no key).
std::string profile_region();
// The endpoint URL the selected profile configures for a service whose
// AWS_ENDPOINT_URL_ suffix is `endpoint_env` (its services section), else the
// profile's endpoint_url; "" when none.
std::string profile_endpoint_url(std::string_view endpoint_env);

// Credentials with the time they stop working (none for long-term keys).
struct TimedCredentials {
  Credentials credentials;
  std::optional<std::chrono::system_clock::time_point> expires;
};

// Parses a credential_process's output: {"Version": 1, "AccessKeyId",
// "SecretAccessKey", "SessionToken", "Expiration" (RFC 3339)}. usage error
// naming `command_name` (never the secret) otherwise.
Result<TimedCredentials> parse_process_output(std::string_view out, std::string_view command_name);

// "2026-12-04T17:00:00Z" (and with fractions / offsets) to a time point.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s);

}  // namespace ig::aws
