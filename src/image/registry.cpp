#include "image/registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "util/digest.h"
#include "util/log.h"

namespace ig::image {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t k_max_error_body = 64u << 10;
constexpr size_t k_max_tags_page = 4u << 20;
constexpr int k_max_tag_pages = 10000;
constexpr auto k_max_backoff = std::chrono::milliseconds(30000);
constexpr std::chrono::milliseconds k_default_retry_base{500};

std::chrono::milliseconds retry_base() {
  static const std::chrono::milliseconds base = [] {
    const char* env = std::getenv("IMAGEGATE_RETRY_BASE_MS");
    if (env == nullptr || *env == '\0') return k_default_retry_base;
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 0 || v > 600000) {
      log::warn("IMAGEGATE_RETRY_BASE_MS='{}' is not a number of milliseconds; using {}", env, k_default_retry_base.count());
      return k_default_retry_base;
    }
    return std::chrono::milliseconds(v);
  }();
  return base;
}

// "https://user@host:5000/path?q" -> "host:5000"
std::string host_of_url(std::string_view url) {
  if (auto p = url.find("://"); p != std::string_view::npos) url.remove_prefix(p + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  std::string out(url);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "host:port", "[v6]:port" -> the host part, without brackets.
std::string_view strip_port(std::string_view hostport) {
  if (hostport.starts_with('[')) {
    auto close = hostport.find(']');
    return close == std::string_view::npos ? hostport : hostport.substr(1, close - 1);
  }
  auto colon = hostport.find(':');
  if (colon != std::string_view::npos && hostport.find(':', colon + 1) == std::string_view::npos) {
    return hostport.substr(0, colon);
  }
  return hostport;
}

bool is_loopback_host(std::string_view hostport) {
  std::string_view h = strip_port(hostport);
  if (h == "localhost" || h == "::1") return true;
  if (!h.starts_with("127.")) return false;
  return std::all_of(h.begin(), h.end(), [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); });
}

bool is_digest_ref(std::string_view ref) { return ref.find(':') != std::string_view::npos; }

std::string media_type_of(const std::optional<std::string>& content_type) {
  if (!content_type) return {};
  std::string_view s = *content_type;
  s = s.substr(0, s.find(';'));
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The first entry of a distribution error body, {"errors":[{"code","message"}]}.
std::string registry_error_text(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return {};
  auto errs = doc.find("errors");
  if (errs == doc.end() || !errs->is_array() || errs->empty() || !(*errs)[0].is_object()) return {};
  const auto& e = (*errs)[0];
  std::string out;
  if (auto c = e.find("code"); c != e.end() && c->is_string()) out = c->get<std::string>();
  if (auto m = e.find("message"); m != e.end() && m->is_string()) out += (out.empty() ? "" : ": ") + m->get<std::string>();
  if (out.size() > 200) out.resize(200);
  return out;
}

bool retryable_status(long status) { return status == 429 || (status >= 500 && status != 501 && status != 505); }

bool retryable_transport(TransportError e) {
  return e == TransportError::connect || e == TransportError::timeout || e == TransportError::interrupted;
}

std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& resp) {
  auto v = resp.header("retry-after");
  if (!v || v->empty() || v->size() > 6) return std::nullopt;
  if (!std::all_of(v->begin(), v->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;  // an HTTP date: use our own backoff
  }
  return std::chrono::seconds(std::stol(*v));
}

// Writes all of `data` at `offset`.
bool pwrite_all(int fd, std::string_view data, uint64_t offset) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

// Hashes the bytes a previous attempt left in `fd` so a download can resume
// after them; a file longer than the blob is emptied.
Result<void> resume_state(int fd, uint64_t total, Hasher& hasher, uint64_t& pos) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(ErrorCode::io, "cannot stat a download file: {}", std::strerror(errno));
  uint64_t have = static_cast<uint64_t>(st.st_size);
  if (have > total) {
    if (::ftruncate(fd, 0) != 0) return fail(ErrorCode::io, "cannot truncate a download file: {}", std::strerror(errno));
    have = 0;
  }
  std::vector<char> buf(1 << 16);
  while (pos < have) {
    ssize_t n = ::pread(fd, buf.data(), std::min<uint64_t>(buf.size(), have - pos), static_cast<off_t>(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(ErrorCode::io, "cannot read a partial download: {}", std::strerror(errno));
    hasher.update(buf.data(), static_cast<size_t>(n));
    pos += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace

std::string manifest_accept_header() {
  return fmt::format("{}, {}, {}, {}", media_type::oci_manifest, media_type::oci_index, media_type::docker_manifest,
                     media_type::docker_manifest_list);
}

// One logical registry operation; rebuilt into an HttpRequest per attempt.
struct RegistryClient::Call {
  std::string method = "GET";
  std::string path;        // "/v2/<repo>/manifests/<ref>", appended to the base URL
  std::string url;         // or an absolute URL (upload locations)
  std::string repository;  // for the token scope and messages
  bool push = false;       // scope "pull,push" instead of "pull"
  std::vector<std::string> headers;
  std::string body;
  std::filesystem::path body_file;
  bool has_body = false;
  size_t max_body = k_max_error_body;
  std::function<bool(const HttpResponse&, std::string_view)> on_data;
  int64_t max_download = -1;
  std::function<void(HttpRequest&)> before_attempt;  // e.g. to set a Range header
};

RegistryClient::RegistryClient(std::string registry, RegistryOptions options)
    : registry_(std::move(registry)),
      api_host_(registry_ == "docker.io" ? "registry-1.docker.io" : registry_),
      options_(std::move(options)),
      auth_(registry_, options_, [this](HttpRequest& r) { return send_plain(r); }),
      sleep_([](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }) {
  if (const RegistryEndpoint* e = find_registry_endpoint(options_.endpoints, registry_)) {
    // A configured endpoint decides host and scheme; no HTTPS-then-HTTP probing.
    endpoint_ = *e;
    api_host_ = e->host;
    scheme_ = e->scheme;
    log::debug("{}: using endpoint {}://{} (registry mapping)", registry_, e->scheme, e->host);
  }
}

RegistryClient::~RegistryClient() = default;

bool RegistryClient::is_insecure(std::string_view host) const {
  if (endpoint_ && endpoint_->insecure && host == endpoint_->host) return true;
  for (const auto& h : options_.insecure_hosts) {
    if (h == host || h == strip_port(host)) return true;
  }
  return false;
}

bool RegistryClient::plain_http_allowed(std::string_view host) const {
  if (endpoint_ && endpoint_->scheme == "http" && host == endpoint_->host) return true;  // the user's choice
  return is_loopback_host(host) || is_insecure(host);
}

std::string RegistryClient::scheme() {
  std::lock_guard lock(mutex_);
  return scheme_.empty() ? "https" : scheme_;
}

void RegistryClient::apply_transport(HttpRequest& req, const std::string& host) const {
  req.ca_file = endpoint_ && !endpoint_->ca_file.empty() && host == endpoint_->host ? endpoint_->ca_file : options_.ca_file;
  req.verify_tls = !is_insecure(host);
  req.user_agent = options_.user_agent;
  req.redirect_protocols = plain_http_allowed(host) ? "http,https" : "https";
  req.session = const_cast<HttpSession*>(&session_);
}

std::chrono::milliseconds RegistryClient::backoff(int attempt, const HttpResponse& resp) const {
  if (auto ra = retry_after(resp)) return *ra;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto delay = retry_base() * (int64_t{1} << std::min(attempt - 1, 16));
  delay = std::min<std::chrono::milliseconds>(delay, k_max_backoff);
  // Full jitter over the upper half keeps many clients from retrying in step.
  auto half = delay.count() / 2;
  return std::chrono::milliseconds(half + static_cast<int64_t>(rng() % static_cast<uint64_t>(half + 1)));
}

Error RegistryClient::status_error(const HttpResponse& resp, std::string_view what) const {
  std::string detail = registry_error_text(resp.body);
  return Error{ErrorCode::network, fmt::format("{} answered HTTP {} for {}{}{}", registry_, resp.status, what,
                                               detail.empty() ? "" : ": ", detail)};
}

// One attempt. For a registry request on a loopback or insecure host whose
// scheme is still undecided, a handshake or connect failure over HTTPS switches
// the client to plain HTTP (switched_scheme tells the caller to go again). An
// untrusted certificate does not: that server speaks TLS, and the user needs
// to hear about the certificate.
HttpResponse RegistryClient::attempt(HttpRequest& req, bool registry_request, bool& switched_scheme) {
  bool undecided = false;
  if (registry_request) {
    std::lock_guard lock(mutex_);
    undecided = scheme_.empty();
  }
  if (undecided && req.url.starts_with("https://") && plain_http_allowed(api_host_)) {
    // Undecided loopback/insecure host: a bare handshake first, which loads
    // no CA store, so a plain-HTTP registry costs a refused ClientHello, not
    // the system CA bundle's parse (a third of a reused `check`).
    HttpRequest probe = req;
    probe.tls_probe = true;
    probe.method = "GET";
    probe.has_body = false;
    probe.body.clear();
    probe.body_file.clear();
    probe.on_data = nullptr;
    HttpResponse p = http_perform(probe);
    if (p.error == TransportError::tls || p.error == TransportError::connect) {
      std::lock_guard lock(mutex_);
      if (scheme_.empty()) {
        log::debug("{}: no TLS handshake ({}); using plain HTTP", api_host_, p.error_message);
        scheme_ = "http";
      }
      switched_scheme = scheme_ == "http";
      if (switched_scheme) return p;
    }
  }
  HttpResponse resp = http_perform(req);
  if (!registry_request) return resp;
  std::lock_guard lock(mutex_);
  if (scheme_.empty()) {
    bool tls_or_connect = resp.error == TransportError::tls || resp.error == TransportError::connect;
    if (tls_or_connect && req.url.starts_with("https://") && plain_http_allowed(api_host_)) {
      log::debug("{}: HTTPS failed ({}); trying plain HTTP", api_host_, resp.error_message);
      scheme_ = "http";
      switched_scheme = true;
    } else if (resp.error == TransportError::none) {
      scheme_ = req.url.starts_with("http://") ? "http" : "https";
    }
  }
  return resp;
}

Error RegistryClient::transport_error(const HttpResponse& resp, const std::string& host, int attempts) const {
  std::string tries = attempts > 1 ? fmt::format(" (after {} attempts)", attempts) : "";
  switch (resp.error) {
    case TransportError::certificate:
      return Error{ErrorCode::network,
                   fmt::format("the TLS certificate of {} is not trusted{}: {}; if the registry uses a private CA "
                               "pass --ca-file, or --insecure {} to skip verification",
                               host, tries, resp.error_message, host)};
    case TransportError::tls:
      return Error{ErrorCode::network, fmt::format("TLS connection to {} failed{}: {}{}", host, tries,
                                                   resp.error_message,
                                                   options_.ca_file.empty() ? "" : "; check that --ca-file is a PEM file")};
    case TransportError::timeout:
      return Error{ErrorCode::network, fmt::format("{} did not answer in time{}: {}; check the network or raise --timeout",
                                                   host, tries, resp.error_message)};
    case TransportError::connect:
      return Error{ErrorCode::network, fmt::format("cannot reach {}{}: {}", host, tries, resp.error_message)};
    default:
      return Error{ErrorCode::network, fmt::format("request to {} failed{}: {}", host, tries, resp.error_message)};
  }
}

Result<HttpResponse> RegistryClient::send(const std::function<HttpRequest()>& build, bool registry_request,
                                          Clock::time_point deadline) {
  int failures = 0;
  while (true) {
    HttpRequest req = build();
    std::string host = host_of_url(req.url);
    apply_transport(req, host);
    if (req.url.starts_with("http://") && !plain_http_allowed(host)) {
      return fail(ErrorCode::network,
                  "refusing plain HTTP to {}: only loopback registries and --insecure hosts may use it", host);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return fail(ErrorCode::network, "{} did not finish within the {} s timeout; raise --timeout", host,
                  options_.timeout.count());
    }
    req.timeout = left;
    bool switched = false;
    HttpResponse resp = attempt(req, registry_request, switched);
    if (switched) continue;
    bool retry = false;
    if (resp.error != TransportError::none) {
      if (!retryable_transport(resp.error)) {
        if (resp.error == TransportError::too_large || resp.error == TransportError::aborted) return resp;
        return fail(transport_error(resp, host, failures + 1));
      }
      // A transfer that moved forward (a resumable download) earns fresh retries.
      if (resp.received > 0) failures = 0;
      retry = true;
    } else if (retryable_status(resp.status)) {
      retry = true;
    }
    if (!retry) return resp;
    ++failures;
    auto delay = backoff(failures, resp);
    bool out_of_time = Clock::now() + delay >= deadline;
    if (failures > options_.max_retries || out_of_time) {
      if (resp.error != TransportError::none) return fail(transport_error(resp, host, failures));
      std::string detail = registry_error_text(resp.body);
      return fail(ErrorCode::network, "{} answered HTTP {} {} times{}{}; the registry is failing or rate limiting", host,
                  resp.status, failures, detail.empty() ? "" : ": ", detail);
    }
    log::debug("{}: retrying in {} ms (attempt {} of {})", host, delay.count(), failures + 1, options_.max_retries + 1);
    sleep_(delay);
  }
}

Result<HttpResponse> RegistryClient::send_plain(HttpRequest& req) {
  auto deadline = Clock::now() + options_.timeout;
  return send([&req] { return req; }, false, deadline);
}

Result<HttpResponse> RegistryClient::call(Call& c) {
  auto deadline = Clock::now() + options_.timeout;
  std::string scope = "repository:" + c.repository + (c.push ? ":pull,push" : ":pull");
  bool answered_challenge = false;
  while (true) {
    auto build = [&] {
      HttpRequest r;
      r.method = c.method;
      r.url = c.url.empty() ? scheme() + "://" + api_host_ + c.path : c.url;
      r.headers = c.headers;
      // Credentials go only to the registry itself, never to an upload or
      // storage host it points us to.
      if (host_of_url(r.url) == host_of_url("https://" + api_host_)) {
        if (auto a = auth_.authorization(scope); !a.empty()) r.headers.push_back("Authorization: " + a);
      }
      r.body = c.body;
      r.body_file = c.body_file;
      r.has_body = c.has_body;
      r.max_body = c.max_body;
      r.on_data = c.on_data;
      r.max_download = c.max_download;
      if (c.before_attempt) c.before_attempt(r);
      return r;
    };
    IG_ASSIGN(HttpResponse resp, send(build, c.url.empty(), deadline));
    if (resp.status == 401 && !answered_challenge) {
      answered_challenge = true;
      auto challenges = resp.headers_named("www-authenticate");
      if (challenges.empty()) return fail(auth_.access_denied(c.repository));
      IG_TRY(auth_.respond(challenges, scope, c.repository));
      continue;
    }
    if (resp.status == 401 && auth_.refresh_provided_credentials()) {
      // Provided credentials (e.g. a cached ECR token) were refused: fetch fresh ones once.
      log::debug("{}: credentials refused; asking their provider for fresh ones", registry_);
      answered_challenge = false;
      continue;
    }
    if (resp.status == 401 || resp.status == 403) return fail(auth_.access_denied(c.repository));
    return resp;
  }
}

Result<RawManifest> RegistryClient::get_manifest(const std::string& repo, const std::string& ref) {
  Call c;
  c.path = "/v2/" + repo + "/manifests/" + ref;
  c.repository = repo;
  c.headers.push_back("Accept: " + manifest_accept_header());
  c.max_body = k_max_manifest_size;
  IG_ASSIGN(HttpResponse resp, call(c));
  if (resp.error == TransportError::too_large) {
    return fail(ErrorCode::invalid_image, "manifest {} of {} is larger than the {} MiB allowed", ref, repo,
                k_max_manifest_size >> 20);
  }
  if (resp.status == 404) {
    if (is_digest_ref(ref)) return fail(ErrorCode::not_found, "manifest {} not found in {}", ref, repo);
    return fail(ErrorCode::not_found, "tag {} not found in {}", ref, repo);
  }
  if (resp.status != 200) return fail(status_error(resp, fmt::format("manifest {} of {}", ref, repo)));
  RawManifest m;
  m.bytes = std::move(resp.body);
  m.media_type = media_type_of(resp.header("content-type"));
  if (is_digest_ref(ref)) {
    IG_TRY(verify_digest(m.bytes, ref, fmt::format("manifest {} of {}", ref, repo)));
    m.digest = ref;
    return m;
  }
  m.digest = sha256_digest(m.bytes);
  if (auto header = resp.header("docker-content-digest")) {
    auto claimed = Digest::parse(*header);
    if (!claimed) {
      return fail(ErrorCode::network, "{} sent an invalid Docker-Content-Digest for {}:{}", registry_, repo, ref);
    }
    Hasher h(claimed->algorithm);
    h.update(m.bytes);
    std::string got = h.finish();
    if (got != claimed->str()) {
      return fail(ErrorCode::integrity,
                  "manifest for tag {} of {} hashes to {} but the registry says {}: the registry or a proxy is "
                  "corrupting or tampering with it",
                  ref, repo, got, claimed->str());
    }
    if (claimed->algorithm != "sha256") m.digest = got;
  }
  return m;
}

Result<Descriptor> RegistryClient::head_manifest(const std::string& repo, const std::string& ref) {
  Call c;
  c.method = "HEAD";
  c.path = "/v2/" + repo + "/manifests/" + ref;
  c.repository = repo;
  c.headers.push_back("Accept: " + manifest_accept_header());
  IG_ASSIGN(HttpResponse resp, call(c));
  if (resp.status == 404) {
    if (is_digest_ref(ref)) return fail(ErrorCode::not_found, "manifest {} not found in {}", ref, repo);
    return fail(ErrorCode::not_found, "tag {} not found in {}", ref, repo);
  }
  if (resp.status != 200) return fail(status_error(resp, fmt::format("manifest {} of {}", ref, repo)));
  auto digest = resp.header("docker-content-digest");
  auto length = resp.header("content-length");
  if (!digest || !length || !Digest::parse(*digest)) {
    IG_ASSIGN(RawManifest m, get_manifest(repo, ref));
    return Descriptor{m.media_type, m.digest, static_cast<int64_t>(m.bytes.size()), {}, {}, {}, {}};
  }
  Descriptor d;
  d.media_type = media_type_of(resp.header("content-type"));
  d.digest = *digest;
  d.size = std::strtoll(length->c_str(), nullptr, 10);
  return d;
}

Result<std::string> RegistryClient::put_manifest(const std::string& repo, const std::string& ref,
                                                 std::string_view bytes, std::string_view media_type) {
  std::string digest = sha256_digest(bytes);
  if (is_digest_ref(ref) && ref != digest) {
    return fail(ErrorCode::internal, "put_manifest: reference {} is not the digest of the bytes ({})", ref, digest);
  }
  Call c;
  c.method = "PUT";
  c.path = "/v2/" + repo + "/manifests/" + ref;
  c.repository = repo;
  c.push = true;
  c.headers.push_back("Content-Type: " + std::string(media_type));
  c.body = std::string(bytes);
  c.has_body = true;
  IG_ASSIGN(HttpResponse resp, call(c));
  if (resp.status < 200 || resp.status >= 300) {
    return fail(status_error(resp, fmt::format("pushing manifest {} to {}", ref, repo)));
  }
  return digest;
}

Result<bool> RegistryClient::blob_exists(const std::string& repo, const std::string& digest) {
  Call c;
  c.method = "HEAD";
  c.path = "/v2/" + repo + "/blobs/" + digest;
  c.repository = repo;
  IG_ASSIGN(HttpResponse resp, call(c));
  if (resp.status == 200) return true;
  if (resp.status == 404) return false;
  return fail(status_error(resp, fmt::format("blob {} of {}", digest, repo)));
}

namespace {

// Parses the first byte position of "Content-Range: bytes N-M/T".
std::optional<uint64_t> range_start(const HttpResponse& resp) {
  auto v = resp.header("content-range");
  if (!v || !v->starts_with("bytes ")) return std::nullopt;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v->c_str() + 6, &end, 10);
  if (end == v->c_str() + 6 || *end != '-') return std::nullopt;
  return n;
}

}  // namespace

Result<void> RegistryClient::download_blob(const std::string& repo, const Descriptor& d, int fd) {
  auto want = Digest::parse(d.digest);
  if (!want) return fail(ErrorCode::invalid_image, "blob digest in {}: {}", repo, want.error().message);
  if (d.size < 0) return fail(ErrorCode::invalid_image, "blob {} has a negative size", d.digest);
  const uint64_t total = static_cast<uint64_t>(d.size);
  struct DownloadState {
    Hasher hasher;
    uint64_t pos = 0;
    bool first_chunk = true;
    bool overflow = false;
    bool bad_range = false;
    int write_errno = 0;
  } st{Hasher(want->algorithm)};
  IG_TRY(resume_state(fd, total, st.hasher, st.pos));

  Call c;
  c.path = "/v2/" + repo + "/blobs/" + d.digest;
  c.repository = repo;
  c.max_download = d.size;
  c.before_attempt = [&st, total](HttpRequest& r) {
    st.first_chunk = true;
    if (st.pos > 0 && st.pos < total) r.headers.push_back(fmt::format("Range: bytes={}-", st.pos));
  };
  c.on_data = [&](const HttpResponse& resp, std::string_view chunk) {
    if (st.first_chunk) {
      st.first_chunk = false;
      if (resp.status == 206) {
        if (range_start(resp) != st.pos) {
          st.bad_range = true;
          return false;
        }
      } else if (st.pos > 0) {  // the server ignored our Range: start over
        if (::ftruncate(fd, 0) != 0) {
          st.write_errno = errno;
          return false;
        }
        st.hasher = Hasher(want->algorithm);
        st.pos = 0;
      }
    }
    if (st.pos + chunk.size() > total) {
      st.overflow = true;
      return false;
    }
    if (!pwrite_all(fd, chunk, st.pos)) {
      st.write_errno = errno;
      return false;
    }
    st.hasher.update(chunk.data(), chunk.size());
    st.pos += chunk.size();
    if (progress_) progress_(d.digest, st.pos, total);
    return true;
  };
  std::string what = fmt::format("blob {} of {}", d.digest, repo);
  for (int restarts = 0; st.pos < total || (total == 0 && restarts == 0); ++restarts) {
    IG_ASSIGN(HttpResponse resp, call(c));
    if (st.write_errno != 0) return fail(ErrorCode::io, "writing {}: {}", what, std::strerror(st.write_errno));
    if (st.overflow || resp.error == TransportError::too_large) {
      return fail(ErrorCode::integrity, "{} is larger than the {} bytes its descriptor says", what, total);
    }
    if (st.bad_range && restarts == 0) {  // a Content-Range we did not ask for: fetch it all
      st.bad_range = false;
      if (::ftruncate(fd, 0) != 0) return fail(ErrorCode::io, "truncating {}: {}", what, std::strerror(errno));
      st.hasher = Hasher(want->algorithm);
      st.pos = 0;
      continue;
    }
    if (resp.status == 404) {
      return fail(ErrorCode::not_found, "blob {} not found in {} on {}", d.digest, repo, registry_);
    }
    if (resp.status != 200 && resp.status != 206) return fail(status_error(resp, what));
    if (resp.error != TransportError::none) {
      return fail(ErrorCode::network, "downloading {} failed: {}", what, resp.error_message);
    }
    break;
  }
  if (st.pos != total) {
    return fail(ErrorCode::integrity, "{} ended after {} of the {} bytes its descriptor says", what, st.pos, total);
  }
  std::string got = st.hasher.finish();
  if (got != want->str()) {
    return fail(ErrorCode::integrity,
                "{} failed verification: its content hashes to {}; the registry or a proxy is corrupting or "
                "tampering with it",
                what, got);
  }
  return {};
}

Result<void> RegistryClient::upload(const std::string& repo, const std::string& digest, const std::string* data,
                                    const std::filesystem::path* file) {
  Call post;
  post.method = "POST";
  post.path = "/v2/" + repo + "/blobs/uploads/";
  post.repository = repo;
  post.push = true;
  post.has_body = true;
  IG_ASSIGN(HttpResponse started, call(post));
  auto location = started.header("location");
  if (started.status != 202 || !location || location->empty()) {
    if (started.status == 202) return fail(ErrorCode::network, "{} started an upload without a Location", registry_);
    return fail(status_error(started, fmt::format("starting an upload to {}", repo)));
  }
  Call put;
  put.method = "PUT";
  if (location->starts_with("https://") || location->starts_with("http://")) {
    put.url = *location;
  } else if (location->starts_with("/")) {
    put.url = scheme() + "://" + api_host_ + *location;
  } else {
    return fail(ErrorCode::network, "{} sent an upload Location that is not a URL", registry_);
  }
  put.url += (put.url.find('?') == std::string::npos ? "?digest=" : "&digest=") + url_encode(digest);
  put.repository = repo;
  put.push = true;
  put.headers.push_back("Content-Type: application/octet-stream");
  if (data != nullptr) put.body = *data;
  if (file != nullptr) put.body_file = *file;
  put.has_body = true;
  IG_ASSIGN(HttpResponse done, call(put));
  if (done.status < 200 || done.status >= 300) {
    return fail(status_error(done, fmt::format("uploading blob {} to {}", digest, repo)));
  }
  return {};
}

Result<void> RegistryClient::upload_blob(const std::string& repo, const std::string& digest, std::string_view data) {
  std::string copy(data);
  return upload(repo, digest, &copy, nullptr);
}

Result<void> RegistryClient::upload_blob_file(const std::string& repo, const std::string& digest,
                                              const std::filesystem::path& file) {
  return upload(repo, digest, nullptr, &file);
}

Result<std::vector<std::string>> RegistryClient::list_tags(const std::string& repo) {
  std::vector<std::string> tags;
  std::string path = "/v2/" + repo + "/tags/list?n=1000";
  for (int page = 0; page < k_max_tag_pages && !path.empty(); ++page) {
    Call c;
    c.path = path;
    c.repository = repo;
    c.max_body = k_max_tags_page;
    IG_ASSIGN(HttpResponse resp, call(c));
    if (resp.status == 404) return fail(ErrorCode::not_found, "repository {} not found on {}", repo, registry_);
    if (resp.status != 200 || resp.error != TransportError::none) {
      return fail(status_error(resp, fmt::format("the tags of {}", repo)));
    }
    auto doc = nlohmann::json::parse(resp.body, nullptr, false);
    if (!doc.is_object()) return fail(ErrorCode::network, "{} sent a tag list that is not JSON", registry_);
    if (auto t = doc.find("tags"); t != doc.end() && t->is_array()) {
      for (const auto& tag : *t) {
        if (tag.is_string()) tags.push_back(tag.get<std::string>());
      }
    }
    // Link: </v2/repo/tags/list?n=1000&last=x>; rel="next"
    path.clear();
    if (auto link = resp.header("link"); link && link->find("rel=\"next\"") != std::string::npos) {
      auto open = link->find('<');
      auto close = link->find('>');
      if (open != std::string::npos && close != std::string::npos && close > open) {
        std::string next = link->substr(open + 1, close - open - 1);
        if (next.starts_with("/v2/")) path = next;
      }
    }
  }
  return tags;
}

Result<std::optional<RawManifest>> RegistryClient::get_referrers(const std::string& repo, const std::string& digest,
                                                                 const std::string& artifact_type) {
  Call c;
  c.path = "/v2/" + repo + "/referrers/" + digest;
  if (!artifact_type.empty()) c.path += "?artifactType=" + url_encode(artifact_type);
  c.repository = repo;
  c.headers.push_back("Accept: " + std::string(media_type::oci_index));
  c.max_body = k_max_manifest_size;
  IG_ASSIGN(HttpResponse resp, call(c));
  if (resp.status == 404 || resp.status == 405 || resp.status == 501) return std::optional<RawManifest>();
  if (resp.error == TransportError::too_large) {
    return fail(ErrorCode::invalid_image, "the referrers index of {} in {} is over {} MiB", digest, repo,
                k_max_manifest_size >> 20);
  }
  if (resp.status != 200) return fail(status_error(resp, fmt::format("the referrers of {} in {}", digest, repo)));
  RawManifest m;
  m.bytes = std::move(resp.body);
  m.digest = sha256_digest(m.bytes);
  m.media_type = media_type_of(resp.header("content-type"));
  return std::optional<RawManifest>(std::move(m));
}

}  // namespace ig::image
