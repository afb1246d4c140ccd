// The Lambda Runtime API over libcurl; see lambda_runtime.h.
#include "aws/lambda_runtime.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace ig::aws {

namespace {

constexpr std::string_view k_base = "/2018-06-01/runtime";
// An event larger than Lambda's 6 MB payload limit is not from Lambda.
constexpr size_t k_max_payload = 6u << 20;
constexpr long k_post_timeout_seconds = 60;

struct Exchange {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  if (x->body.size() + size * n > k_max_payload) {
    x->too_large = true;
    return 0;
  }
  x->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    x->headers.emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

// One request. `timeout_seconds` 0 waits for ever (the long poll of next).
Result<Exchange> perform(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                         std::string_view body, long timeout_seconds, std::string_view what) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return fail(ErrorCode::internal, "curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> guard(list, &curl_slist_free_all);
  Exchange x;
  std::string owned(body);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  if (method == "POST" || method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, owned.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(owned.size()));
    if (method == "PUT") curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "PUT");
  }
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (x.too_large) return fail(ErrorCode::invalid_image, "{} answered with more than 6 MB", what);
  if (rc != CURLE_OK) {
    return fail(ErrorCode::network, "{} is unreachable: {}", what, curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &x.status);
  return x;
}

std::string header_of(const Exchange& x, std::string_view name) {
  for (const auto& [k, v] : x.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string error_body(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorType", type}, {"errorMessage", message}, {"stackTrace", nlohmann::json::array()}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<Invocation> LambdaRuntime::next() const {
  std::string what = "the Lambda Runtime API at " + api_ + " (AWS_LAMBDA_RUNTIME_API)";
  IG_ASSIGN(Exchange x, perform("GET", "http://" + api_ + std::string(k_base) + "/invocation/next", {}, "", 0, what));
  if (x.status != 200) {
    return fail(ErrorCode::network, "{} answered HTTP {} to invocation/next: {}", what, x.status, x.body.substr(0, 200));
  }
  Invocation inv;
  inv.request_id = header_of(x, "lambda-runtime-aws-request-id");
  if (inv.request_id.empty()) {
    return fail(ErrorCode::network, "{} sent an invocation without a Lambda-Runtime-Aws-Request-Id header", what);
  }
  std::string deadline = header_of(x, "lambda-runtime-deadline-ms");
  try {
    inv.deadline_ms = deadline.empty() ? 0 : std::stoll(deadline);
  } catch (const std::exception&) {
    inv.deadline_ms = 0;
  }
  inv.function_arn = header_of(x, "lambda-runtime-invoked-function-arn");
  inv.trace_id = header_of(x, "lambda-runtime-trace-id");
  inv.payload = std::move(x.body);
  return inv;
}

Result<void> LambdaRuntime::post(const std::string& path, std::string_view body, std::string_view error_type) const {
  std::string what = "the Lambda Runtime API at " + api_ + " (AWS_LAMBDA_RUNTIME_API)";
  std::vector<std::string> headers{"Content-Type: application/json"};
  if (!error_type.empty()) headers.push_back("Lambda-Runtime-Function-Error-Type: " + std::string(error_type));
  IG_ASSIGN(Exchange x, perform("POST", "http://" + api_ + std::string(k_base) + path, headers, body,
                                k_post_timeout_seconds, what));
  if (x.status != 202) {
    return fail(ErrorCode::network, "{} refused {} with HTTP {}: {}", what, path, x.status, x.body.substr(0, 200));
  }
  return {};
}

Result<void> LambdaRuntime::respond(std::string_view request_id, std::string_view json_body) const {
  return post("/invocation/" + std::string(request_id) + "/response", json_body, "");
}

Result<void> LambdaRuntime::fail_invocation(std::string_view request_id, std::string_view type,
                                            std::string_view message) const {
  return post("/invocation/" + std::string(request_id) + "/error", error_body(type, message), type);
}

Result<void> LambdaRuntime::init_error(std::string_view type, std::string_view message) const {
  return post("/init/error", error_body(type, message), type);
}

Result<void> put_response_url(const std::string& url, std::string_view body) {
  // Only scheme and host in messages: the query is a signature.
  std::string shown = url.substr(0, url.find('?'));
  std::string what = "CloudFormation's ResponseURL " + shown;
  // The presigned URL signs an empty Content-Type; curl would add one.
  IG_ASSIGN(Exchange x, perform("PUT", url, {"Content-Type:"}, body, k_post_timeout_seconds, what));
  if (x.status < 200 || x.status >= 300) {
    return fail(ErrorCode::network, "{} refused the response with HTTP {}: {}", what, x.status, x.body.substr(0, 300));
  }
  return {};
}

}  // namespace ig::aws
