// AWS CloudFormation DescribeStacks, for the one question the Lambda handler
// asks: is this stack rolling back? (ecr-scan-verifier's rule for
// suppressErrorOnRollback.) Credentials, region and endpoint come from the
// environment (aws/sigv4.h; AWS_ENDPOINT_URL_CLOUDFORMATION overrides).
#pragma once

#include <string>
#include <string_view>

#include "aws/sigv4.h"
#include "util/error.h"

namespace ig::aws {

// The StackStatus of `stack_id` (an ARN or name). Errors: usage (credentials
// refused, no region), not_found (no such stack), network.
Result<std::string> describe_stack_status(std::string_view stack_id, const Credentials& creds,
                                          std::string_view region);

// The region of a CloudFormation stack ARN (arn:aws:cloudformation:REGION:…),
// "" when `stack_id` is not one.
std::string region_of_arn(std::string_view arn);

}  // namespace ig::aws
