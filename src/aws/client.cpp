// The shared AWS client. Transport is image/http (libcurl, loaded on first
// use), so proxies, CA files and timeouts behave as for registries.
#include "aws/client.h"

#include <random>
#include <thread>

#include "aws/aws_error.h"
#include "aws/credentials.h"
#include "aws/retry.h"
#include "image/http.h"
#include "util/log.h"

namespace ig::aws {

using nlohmann::json;

const Service k_ecr{"ecr", "ECR", "api.ecr", "AmazonEC2ContainerRegistry_V20150921", "Amazon ECR"};
const Service k_inspector2{"inspector2", "INSPECTOR2", "inspector2", "", "Amazon Inspector"};
const Service k_s3{"s3", "S3", "s3", "", "Amazon S3"};
const Service k_logs{"logs", "CLOUDWATCH_LOGS", "logs", "Logs_20140328", "Amazon CloudWatch Logs"};
const Service k_sns{"sns", "SNS", "sns", "", "Amazon SNS"};
const Service k_events{"events", "EVENTBRIDGE", "events", "AWSEvents", "Amazon EventBridge"};
const Service k_kms{"kms", "KMS", "kms", "TrentService", "AWS KMS"};
const Service k_sts{"sts", "STS", "sts", "", "AWS STS"};

namespace {

constexpr size_t k_max_response = 16u << 20;
constexpr std::chrono::seconds k_timeout{60};
constexpr std::chrono::seconds k_connect_timeout{10};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// "http://host:port/base" -> host "host:port", base "/base".
void split_endpoint(const std::string& endpoint, std::string& host, std::string& base) {
  auto start = endpoint.find("://");
  std::string rest = start == std::string::npos ? endpoint : endpoint.substr(start + 3);
  auto slash = rest.find('/');
  host = rest.substr(0, slash);
  base = slash == std::string::npos ? "" : rest.substr(slash);
  while (!base.empty() && base.back() == '/') base.pop_back();
}

// The region in an endpoint like https://api.ecr.eu-west-1.amazonaws.com, or "".
std::string region_in_host(std::string_view host) {
  auto aws = host.find(".amazonaws.com");
  if (aws == std::string_view::npos) return "";
  std::string_view front = host.substr(0, aws);
  auto dot = front.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string_view r = front.substr(dot + 1);
  // Regions look like "us-east-1", "cn-north-1", "us-gov-west-1".
  if (r.find('-') == std::string_view::npos || r.empty() || !std::isdigit(static_cast<unsigned char>(r.back()))) {
    return "";
  }
  return std::string(r);
}

std::string endpoint_override(const Service& service) {
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns every configured endpoint off, as in the SDKs.
  if (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true") return "";
  std::string e = env(("AWS_ENDPOINT_URL_" + service.endpoint_env).c_str());
  if (e.empty()) e = env("AWS_ENDPOINT_URL");
  if (e.empty()) e = profile_endpoint_url(service.endpoint_env);
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

double random_unit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    out += out.empty() ? "" : "&";
    out += uri_encode(k) + "=" + uri_encode(v);
  }
  return out;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return a == std::tolower(b); })) {
      return v;
    }
  }
  return "";
}

std::string default_region() {
  std::string r = region_from_env();
  return r.empty() ? profile_region() : r;
}

Result<Client> Client::make(const Service& service, std::string region, std::shared_ptr<CredentialSource> creds,
                            RetryPolicy retry) {
  std::string endpoint = endpoint_override(service);
  if (region.empty() && !endpoint.empty()) {
    std::string host, base;
    split_endpoint(endpoint, host, base);
    region = region_in_host(host);
  }
  if (region.empty()) {
    return fail(ErrorCode::usage,
                "no AWS region for {}: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the AWS profile)",
                service.display);
  }
  if (endpoint.empty()) {
    bool china = region.rfind("cn-", 0) == 0;
    endpoint = fmt::format("https://{}.{}.amazonaws.com{}", service.endpoint_prefix, region, china ? ".cn" : "");
  }
  return make_at(service, std::move(endpoint), std::move(region), std::move(creds), std::move(retry));
}

Result<Client> Client::make_at(const Service& service, std::string endpoint, std::string region,
                               std::shared_ptr<CredentialSource> creds, RetryPolicy retry) {
  if (region.empty()) {
    return fail(ErrorCode::usage, "no AWS region for {}: set AWS_REGION", service.display);
  }
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
    return fail(ErrorCode::usage, "the {} endpoint '{}' is not an http:// or https:// URL", service.display,
                endpoint);
  }
  if (!creds) creds = default_credentials();
  Client c;
  c.service_ = service;
  c.endpoint_ = std::move(endpoint);
  while (!c.endpoint_.empty() && c.endpoint_.back() == '/') c.endpoint_.pop_back();
  split_endpoint(c.endpoint_, c.host_, c.base_path_);
  c.region_ = std::move(region);
  c.creds_ = std::move(creds);
  c.retry_ = std::move(retry);
  if (c.retry_.max_attempts < 1) c.retry_.max_attempts = 1;
  return c;
}

const std::string& Client::endpoint() const { return endpoint_; }
const std::string& Client::region() const { return region_; }

Result<HttpResponse> Client::send(HttpRequest req) const {
  std::string path = base_path_ + (req.path.empty() ? "/" : req.path);
  std::string url = endpoint_.substr(0, endpoint_.size() - base_path_.size()) + path;
  if (!req.query.empty()) url += "?" + query_string(req.query);
  for (int attempt = 1;; ++attempt) {
    // Credentials are fetched per attempt: a refresh may happen between retries.
    auto creds = creds_->get();
    if (!creds) return fail(creds.error());
    SignableRequest sreq;
    sreq.method = req.method;
    sreq.host = host_;
    sreq.path = path;
    sreq.query = req.query;
    sreq.headers = req.headers;
    sreq.body = req.body;
    // Empty credentials send the request unsigned (STS AssumeRoleWithWebIdentity).
    Signature sig;
    if (!creds->access_key_id.empty()) {
      sig = sign_v4(sreq, *creds, region_, service_.signing_name, amz_date(std::chrono::system_clock::now()));
    }
    image::HttpRequest h;
    h.method = req.method;
    h.url = url;
    for (const auto& [k, v] : req.headers) h.headers.push_back(k + ": " + v);
    for (const auto& [k, v] : sig.headers_to_add) h.headers.push_back(k + ": " + v);
    h.body = req.body;
    h.has_body = req.method != "GET" && req.method != "HEAD";
    h.follow_redirects = false;
    h.max_body = k_max_response;
    h.timeout = k_timeout;
    h.connect_timeout = k_connect_timeout;
    log::debug("{} {} {} (attempt {})", service_.display, req.method, image::redact_url(url), attempt);
    image::HttpResponse r = image::http_perform(h);
    bool transport = r.error != image::TransportError::none;
    std::string code;
    if (!transport && (r.status < 200 || r.status >= 300)) {
      code = parse_aws_error(r.header("x-amzn-errortype").value_or(""), r.body).code;
    }
    bool retry = (transport && r.error != image::TransportError::too_large) ||
                 (!transport && r.status >= 300 && is_retryable(false, r.status, code));
    if (!retry || attempt >= retry_.max_attempts) {
      if (transport) {
        return fail(ErrorCode::network, "{} at {} is unreachable ({}) after {} attempt{}; check the network, the "
                    "region and AWS_ENDPOINT_URL_{}",
                    service_.display, image::redact_url(endpoint_), r.error_message, attempt, attempt == 1 ? "" : "s",
                    service_.endpoint_env);
      }
      HttpResponse out;
      out.status = r.status;
      out.headers = std::move(r.headers);
      out.body = std::move(r.body);
      return out;
    }
    auto delay = backoff_delay(attempt, retry_.base, random_unit());
    log::debug("{}: {} from {}, retrying in {} ms", service_.display,
               transport ? r.error_message : fmt::format("HTTP {} {}", r.status, code), image::redact_url(url),
               delay.count());
    if (retry_.sleep) {
      retry_.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
}

Error Client::error_for(std::string_view operation, const HttpResponse& response) const {
  AwsError e = parse_aws_error(response.header("x-amzn-errortype"), response.body);
  std::string fix = fix_for(e.code, service_.signing_name, operation, creds_->describe());
  std::string message = e.message;
  if (message.empty() && e.code.empty()) {
    // No structured error: show a bounded, single-line piece of the body.
    message = response.body.substr(0, 200);
    for (char& c : message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
  }
  return Error{error_code_for(e.code, response.status),
               fmt::format("{} {} failed: {} (HTTP {}){}{}{}", service_.display, operation,
                           e.code.empty() ? "error" : e.code, response.status, message.empty() ? "" : ": ", message,
                           fix.empty() ? "" : "; " + fix)};
}

// A JSON protocol's answer: the service's error for a non-2xx status, an
// empty object for an empty body (some operations answer with nothing).
Result<json> Client::json_answer(std::string_view operation, const HttpResponse& r) const {
  if (r.status < 200 || r.status >= 300) return fail(error_for(operation, r));
  if (r.body.empty()) return json::object();
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) {
    return fail(ErrorCode::network, "{} {} returned a body that is not JSON", service_.display, operation);
  }
  return j;
}

Result<json> Client::json_call(std::string_view operation, const json& body) const {
  HttpRequest req;
  req.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", service_.json_target_prefix + "." + std::string(operation)}};
  req.body = body.dump();
  IG_ASSIGN(HttpResponse r, send(std::move(req)));
  return json_answer(operation, r);
}

Result<json> Client::rest_json(std::string_view method, std::string_view path, const json& body,
                               std::string_view operation) const {
  HttpRequest req;
  req.method = std::string(method);
  req.path = std::string(path);
  if (!body.is_null()) {
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump();
  }
  IG_ASSIGN(HttpResponse r, send(std::move(req)));
  return json_answer(operation, r);
}

Result<std::string> Client::query_call(std::string_view action, std::string_view version,
                                       const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::pair<std::string, std::string>> form{{"Action", std::string(action)},
                                                        {"Version", std::string(version)}};
  form.insert(form.end(), params.begin(), params.end());
  HttpRequest req;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = query_string(form);
  IG_ASSIGN(HttpResponse r, send(std::move(req)));
  if (r.status < 200 || r.status >= 300) return fail(error_for(action, r));
  return std::move(r.body);
}

}  // namespace ig::aws
