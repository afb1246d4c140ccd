#include "aws/aws_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "aws/retry.h"

namespace ig::aws {

namespace {

// "aws.protocoltests#FooError", "FooError:http://internal.amazon.com/..." -> "FooError".
std::string clean_code(std::string_view code) {
  if (auto hash = code.rfind('#'); hash != std::string_view::npos) code.remove_prefix(hash + 1);
  if (auto colon = code.find(':'); colon != std::string_view::npos) code = code.substr(0, colon);
  while (!code.empty() && (code.back() == ' ' || code.back() == '\r' || code.back() == '\n')) code.remove_suffix(1);
  return std::string(code);
}

std::string xml_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 6) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

// The text of the first <tag>…</tag> in `xml`, or "".
std::string xml_element(std::string_view xml, std::string_view tag) {
  std::string open = fmt::format("<{}>", tag), close = fmt::format("</{}>", tag);
  auto start = xml.find(open);
  if (start == std::string_view::npos) return "";
  start += open.size();
  auto end = xml.find(close, start);
  if (end == std::string_view::npos) return "";
  return xml_unescape(xml.substr(start, end - start));
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

bool is_credential_code(std::string_view code) {
  return code == "UnrecognizedClientException" || code == "InvalidClientTokenId" ||
         code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" || code == "IncompleteSignature" ||
         code == "MissingAuthenticationToken" || code == "MissingAuthenticationTokenException" ||
         code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired" ||
         code == "InvalidAccessKeyId" || code == "AuthFailure" || code == "InvalidToken";
}

bool is_access_denied(std::string_view code) {
  return code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation" ||
         code == "AuthorizationError" || code == "UnauthorizedException" || code == "Forbidden";
}

}  // namespace

AwsError parse_aws_error(std::string_view errortype_header, std::string_view body) {
  AwsError e;
  e.code = clean_code(errortype_header);
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    for (const char* key : {"__type", "code", "Code"}) {
      if (auto it = j.find(key); e.code.empty() && it != j.end() && it->is_string()) {
        e.code = clean_code(it->get<std::string>());
      }
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      if (auto it = j.find(key); e.message.empty() && it != j.end() && it->is_string()) e.message = *it;
    }
    return e;
  }
  if (body.find('<') != std::string_view::npos) {
    if (e.code.empty()) e.code = clean_code(xml_element(body, "Code"));
    e.message = xml_element(body, "Message");
  }
  return e;
}

ErrorCode error_code_for(std::string_view code, long status) {
  if (is_throttling_code(code) || status >= 500 || status == 429) return ErrorCode::network;
  if (is_access_denied(code) || contains(code, "NotFound") || code == "NoSuchKey" || code == "NoSuchBucket" ||
      code == "NoSuchEntity" || status == 404) {
    return ErrorCode::not_found;
  }
  return ErrorCode::usage;
}

std::string fix_for(std::string_view code, std::string_view signing_name, std::string_view operation,
                    std::string_view credential_source) {
  if (is_access_denied(code)) {
    return fmt::format("grant the IAM action {}:{} to the caller (credentials from {}), or use credentials that have it",
                       signing_name, operation, credential_source);
  }
  if (is_credential_code(code)) {
    return fmt::format("AWS refused the credentials from {}: check the access key and secret, refresh expired "
                       "temporary credentials, and check the system clock",
                       credential_source);
  }
  if (is_throttling_code(code)) return "the request was throttled after retries; try again later or raise the quota";
  if (code == "ValidationException" || code == "InvalidParameterException" || code == "InvalidParameterValue" ||
      code == "SerializationException") {
    return "check the values passed to imagegate (names, ARNs, regions)";
  }
  if (contains(code, "NotFound") || code == "NoSuchKey" || code == "NoSuchBucket") {
    return "check the name and the region (AWS_REGION) of the resource";
  }
  return "";
}

}  // namespace ig::aws

namespace ig::aws {

std::string xml_text(std::string_view xml, std::string_view tag) { return xml_element(xml, tag); }

}  // namespace ig::aws
