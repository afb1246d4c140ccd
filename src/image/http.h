// A small synchronous HTTP client over libcurl, for talking to registries and
// their token services and storage back ends.
//
// One curl easy handle per request, so requests may run on several threads at
// once; an HttpSession shares connections, DNS and TLS sessions between them.
// Transport failures come back as data (HttpResponse::error) rather than as an
// Error, because the caller decides what is retried and how it is reported.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ig::image {

// Connection, DNS and TLS-session cache shared by the requests of one client.
// Thread-safe.
class HttpSession {
 public:
  HttpSession();
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  struct Impl;
  Impl* impl() const { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

struct HttpResponse;

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, PATCH, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may hold secrets, never logged
  std::string body;                  // request body for PUT/POST/PATCH
  std::filesystem::path body_file;   // or: send this file's contents as the body
  bool has_body = false;             // true to send `body` (even if empty) or `body_file`

  bool follow_redirects = true;
  // Protocols a redirect may lead to: "https", or "http,https" where plain HTTP
  // is allowed. curl drops the Authorization header on a redirect to another host.
  std::string redirect_protocols = "https";

  // Bodies of 2xx responses go to on_data when it is set, with the response so
  // far (status and headers are known by then); it returns false to abort the
  // transfer. Otherwise, and always for other statuses, bodies are kept in
  // HttpResponse::body up to max_body bytes (more fails with too_large).
  std::function<bool(const HttpResponse&, std::string_view)> on_data;
  size_t max_body = 4u << 20;
  // With on_data: more than this many bytes (-1: unbounded) fails with too_large.
  int64_t max_download = -1;

  std::chrono::milliseconds timeout{300000};        // the whole transfer
  std::chrono::milliseconds connect_timeout{30000};
  std::string ca_file;      // extra CA certificates, added to the system ones
  bool verify_tls = true;
  // Only connect and complete the TLS handshake, unverified and without
  // loading any CA certificates, then stop (HttpResponse status 0, error
  // none when the server speaks TLS). Tells whether a loopback registry
  // speaks TLS at all without paying for the system CA store (milliseconds
  // of parsing) when it does not.
  bool tls_probe = false;
  std::string user_agent = "imagegate";
  HttpSession* session = nullptr;
};

enum class TransportError {
  none,
  connect,      // DNS or TCP connection failed
  tls,          // the TLS handshake failed (e.g. the server does not speak TLS)
  certificate,  // the server's certificate is not trusted or does not match
  timeout,
  interrupted,  // connection reset or closed mid-response
  too_large,    // the response exceeded max_body or max_download
  aborted,      // on_data returned false
  other,        // anything else, e.g. too many redirects
};

struct HttpResponse {
  long status = 0;
  // Headers of the final response, names lowercased, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string effective_url;  // after redirects
  uint64_t received = 0;      // bytes handed to on_data
  TransportError error = TransportError::none;
  std::string error_message;  // curl's explanation when error != none

  // First header named `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // All values of header `name` (for WWW-Authenticate, Link).
  std::vector<std::string> headers_named(std::string_view name) const;
};

// Performs `request`. Never fails as a call: transport failures are reported in
// the response. Ignores SIGPIPE process-wide on first use (libcurl's advice
// for multi-threaded programs).
HttpResponse http_perform(const HttpRequest& request);

// `url` without user info and query string, safe to log or show: presigned
// storage URLs carry signatures in the query.
std::string redact_url(std::string_view url);

// Percent-encodes `s` for use in a query string.
std::string url_encode(std::string_view s);

}  // namespace ig::image
