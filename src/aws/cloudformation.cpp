// DescribeStacks over CloudFormation's query protocol, signed with SigV4.
#include "aws/cloudformation.h"

#include <curl/curl.h>

#include <memory>
#include <vector>

#include "aws/custom_resource.h"

namespace ig::aws {

namespace {

constexpr size_t k_max_response = 1u << 20;

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > k_max_response) return 0;
  out->append(data, size * n);
  return size * n;
}

std::string host_of(const std::string& endpoint) {
  auto start = endpoint.find("://");
  std::string rest = start == std::string::npos ? endpoint : endpoint.substr(start + 3);
  return rest.substr(0, rest.find('/'));
}

std::string xml_text(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  auto a = xml.find(open);
  if (a == std::string_view::npos) return "";
  a += open.size();
  auto z = xml.find(close, a);
  return z == std::string_view::npos ? "" : std::string(xml.substr(a, z - a));
}

}  // namespace

std::string region_of_arn(std::string_view arn) {
  constexpr std::string_view prefix = "arn:aws:cloudformation:";
  if (arn.rfind(prefix, 0) != 0) return "";
  auto rest = arn.substr(prefix.size());
  return std::string(rest.substr(0, rest.find(':')));
}

Result<std::string> describe_stack_status(std::string_view stack_id, const Credentials& creds,
                                          std::string_view region) {
  if (region.empty()) {
    return fail(ErrorCode::usage, "no AWS region for CloudFormation: set AWS_REGION (Lambda sets it)");
  }
  std::string endpoint = endpoint_for("cloudformation", region);
  SignableRequest req;
  req.host = host_of(endpoint);
  req.body = "Action=DescribeStacks&StackName=" + uri_encode(stack_id) + "&Version=2010-05-15";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  Signature sig = sign_v4(req, creds, region, "cloudformation", amz_date(std::chrono::system_clock::now()));
  std::vector<std::string> headers{"Content-Type: application/x-www-form-urlencoded; charset=utf-8"};
  for (const auto& [k, v] : sig.headers_to_add) headers.push_back(k + ": " + v);

  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return fail(ErrorCode::internal, "curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> guard(list, &curl_slist_free_all);
  std::string body;
  std::string url = endpoint + "/";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, req.body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return fail(ErrorCode::network, "AWS CloudFormation at {} is unreachable: {}; check AWS_REGION / "
                "AWS_ENDPOINT_URL_CLOUDFORMATION and the network", endpoint, curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    std::string code = xml_text(body, "Code"), message = xml_text(body, "Message");
    ErrorCode ec = status >= 500 ? ErrorCode::network : ErrorCode::usage;
    if (message.find("does not exist") != std::string::npos) ec = ErrorCode::not_found;
    return fail(ec, "CloudFormation DescribeStacks of {} failed (HTTP {} {}: {}); the function's role needs "
                "cloudformation:DescribeStacks on the stack", stack_id, status, code, message);
  }
  std::string s = stack_status_of(body);
  if (s.empty()) return fail(ErrorCode::not_found, "CloudFormation returned no stack for {}", stack_id);
  return s;
}

}  // namespace ig::aws
