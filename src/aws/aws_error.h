// The error of a failed AWS call, read from any of the protocols' shapes, and
// the advice that goes with it. Used by the client; separate so it is tested
// without a server.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ig::aws {

struct AwsError {
  std::string code;     // "AccessDeniedException", "ThrottlingException", ... ("" when none given)
  std::string message;  // the service's explanation ("" when none given)
};

// Reads the error from a response: the x-amzn-errortype header, a JSON body
// ("__type", "code", "message"/"Message") or a query/REST-XML body
// (<Error><Code>…</Code><Message>…</Message></Error>). Namespaces and
// ":http://..." suffixes are stripped from codes.
AwsError parse_aws_error(std::string_view errortype_header, std::string_view body);

// The exit code a user sees for `code` at HTTP `status`: not_found for
// missing resources and refused access, usage for refused credentials and bad
// requests, network for throttling and server errors.
ErrorCode error_code_for(std::string_view code, long status);

// What the user should do about `code` when calling `signing_name`:`operation`
// with credentials from `credential_source` ("" when nothing specific).
std::string fix_for(std::string_view code, std::string_view signing_name, std::string_view operation,
                    std::string_view credential_source);

}  // namespace ig::aws

namespace ig::aws {

// The text of the first <tag>…</tag> in `xml` with entities decoded, or ""
// (enough for the flat answers of the query protocol: STS, SNS).
std::string xml_text(std::string_view xml, std::string_view tag);

}  // namespace ig::aws
