// The credential providers of the default chain, each usable on its own.
// Every provider returns credentials with their expiry; refreshing_source()
// turns one into a CredentialSource that refreshes ahead of that expiry.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "aws/client.h"
#include "aws/credentials.h"

namespace ig::aws {

// Refresh this long before credentials expire, as the SDKs do.
inline constexpr std::chrono::minutes k_refresh_ahead{5};

using CredentialFetch = std::function<Result<TimedCredentials>()>;

// A thread-safe source that calls `fetch` on first use and again once the
// credentials are within k_refresh_ahead of their expiry. When a refresh fails
// while the old credentials are still valid, those are used (and a warning
// logged). `description` names the provider, never a secret.
std::shared_ptr<CredentialSource> refreshing_source(CredentialFetch fetch, std::string description);

// STS AssumeRole with credentials from `base`. `sts_region` "" means the
// default region (us-east-1 when none).
struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;  // "" -> "imagegate-<time>"
  std::string external_id;
  int duration_seconds = 0;  // 0 -> the role's default (one hour)
  std::string sts_region;
};
Result<TimedCredentials> assume_role(const AssumeRoleParams& p, std::shared_ptr<CredentialSource> base);

// STS AssumeRoleWithWebIdentity (unsigned) with the token read from `token_file`
// at every call, as it is rotated by EKS and CI systems.
Result<TimedCredentials> assume_role_with_web_identity(const AssumeRoleParams& p, const std::string& token_file);

// Runs a profile's credential_process command line (split like a shell, no
// shell involved) and parses its output.
Result<TimedCredentials> run_credential_process(const std::string& command_line);

// ECS / Lambda / EKS Pod Identity container credentials:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (http://169.254.170.2<uri>), else
// AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback or the
// container-metadata addresses) with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
// AWS_CONTAINER_AUTHORIZATION_TOKEN sent as Authorization.
bool container_credentials_configured();
Result<TimedCredentials> fetch_container_credentials();

// EC2 instance metadata, IMDSv2 (a PUT for a session token first), at
// AWS_EC2_METADATA_SERVICE_ENDPOINT (default http://169.254.169.254).
// Falls back to IMDSv1 when the token request is refused (403/404/405), unless
// AWS_EC2_METADATA_V1_DISABLED=true. Short timeouts: off EC2 this fails fast.
bool instance_metadata_disabled();  // AWS_EC2_METADATA_DISABLED=true
Result<TimedCredentials> fetch_instance_metadata_credentials();

// Splits a command line as a POSIX shell would split words (single and double
// quotes, backslash escapes), without expansions. usage error on an open quote.
Result<std::vector<std::string>> split_command_line(std::string_view line);

}  // namespace ig::aws
