#include "image/http.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <mutex>

#include "util/log.h"

namespace ig::image {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    // CURLOPT_NOSIGNAL is required with threads; a write to a closed socket
    // must then not kill the process.
    struct sigaction old {};
    if (sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// State shared with curl's callbacks during one transfer.
struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool too_large = false;
  bool aborted = false;
  FILE* upload = nullptr;
  std::string_view upload_body;
  size_t upload_pos = 0;
};

bool is_success(long status) { return status >= 200 && status < 300; }

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): start over.
    t->response->headers.clear();
    t->response->body.clear();
    auto sp = line.find(' ');
    t->response->status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos && t->response->headers.size() < 200) {
    t->response->headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return size * n;
}

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  const HttpRequest& req = *t->request;
  HttpResponse& resp = *t->response;
  if (req.on_data && is_success(resp.status)) {
    if (req.max_download >= 0 && resp.received + len > static_cast<uint64_t>(req.max_download)) {
      t->too_large = true;
      return 0;
    }
    resp.received += len;
    if (!req.on_data(resp, std::string_view(data, len))) {
      t->aborted = true;
      return 0;
    }
    return len;
  }
  if (resp.body.size() + len > req.max_body) {
    t->too_large = true;
    return 0;
  }
  resp.body.append(data, len);
  return len;
}

size_t on_read(char* buf, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->upload != nullptr) {
    size_t got = std::fread(buf, 1, size * n, t->upload);
    if (got == 0 && std::ferror(t->upload)) return CURL_READFUNC_ABORT;
    return got;
  }
  size_t len = std::min(size * n, t->upload_body.size() - t->upload_pos);
  std::copy_n(t->upload_body.data() + t->upload_pos, len, buf);
  t->upload_pos += len;
  return len;
}

CURLcode add_ca_file(CURL*, void* ssl_ctx, void* user) {
  const auto* file = static_cast<const std::string*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  if (X509_STORE_load_file(store, file->c_str()) != 1) return CURLE_SSL_CACERT_BADFILE;
  return CURLE_OK;
}

TransportError classify(CURLcode rc, const Transfer& t) {
  switch (rc) {
    case CURLE_OK:
      return TransportError::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return TransportError::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return TransportError::tls;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return TransportError::certificate;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::timeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportError::interrupted;
    case CURLE_FILESIZE_EXCEEDED:
      return TransportError::too_large;
    case CURLE_WRITE_ERROR:
      if (t.too_large) return TransportError::too_large;
      return TransportError::aborted;
    default:
      return TransportError::other;
  }
}

// Sets the options that say what to send.
void set_method_and_body(CURL* curl, const HttpRequest& req, Transfer& t, curl_off_t body_size) {
  if (req.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (req.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (!req.has_body) return;
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &t);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, body_size);
}

}  // namespace

struct HttpSession::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) { static_cast<Impl*>(user)->locks[data].unlock(); }
};

HttpSession::HttpSession() : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
}

HttpSession::~HttpSession() { curl_share_cleanup(impl_->share); }

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
  std::string key = lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == key) out.push_back(v);
  }
  return out;
}

HttpResponse http_perform(const HttpRequest& req) {
  global_init();
  HttpResponse resp;
  Transfer t;
  t.request = &req;
  t.response = &resp;
  curl_off_t body_size = static_cast<curl_off_t>(req.body.size());
  if (req.has_body && !req.body_file.empty()) {
    t.upload = std::fopen(req.body_file.c_str(), "rbe");
    if (t.upload == nullptr) {
      resp.error = TransportError::other;
      resp.error_message = "cannot open '" + req.body_file.string() + "' for upload";
      return resp;
    }
    std::fseek(t.upload, 0, SEEK_END);
    body_size = std::ftell(t.upload);
    std::fseek(t.upload, 0, SEEK_SET);
  }
  t.upload_body = req.body;

  CURL* curl = curl_easy_init();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  // Uploads must not wait for a 100 Continue that registries never send.
  if (req.has_body) headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, req.redirect_protocols.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, req.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, req.timeout.count())));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, std::min(req.connect_timeout, req.timeout).count())));
  // A stalled transfer (under 1 byte/s for a minute) counts as a timeout.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  // max_download is enforced in on_write rather than with CURLOPT_MAXFILESIZE,
  // which would also refuse a 401 or redirect whose body is larger.
  if (!req.verify_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (req.tls_probe) {
    curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    // libcurl loads the CA file even when it does not verify: name none.
    curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  } else if (!req.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, add_ca_file);
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &req.ca_file);
  }
  if (req.session != nullptr) curl_easy_setopt(curl, CURLOPT_SHARE, req.session->impl()->share);
  set_method_and_body(curl, req, t, body_size);

  CURLcode rc = curl_easy_perform(curl);
  resp.error = classify(rc, t);
  if (rc != CURLE_OK) {
    resp.error_message = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    while (!resp.error_message.empty() && resp.error_message.back() == '\n') resp.error_message.pop_back();
  }
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  if (code != 0) resp.status = code;
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective != nullptr) resp.effective_url = effective;
  log::debug("{} {} -> {}{}", req.method, redact_url(req.url), resp.status,
             rc == CURLE_OK ? std::string() : " (" + resp.error_message + ")");

  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (t.upload != nullptr) std::fclose(t.upload);
  return resp;
}

std::string redact_url(std::string_view url) {
  std::string_view s = url;
  if (auto q = s.find_first_of("?#"); q != std::string_view::npos) s = s.substr(0, q);
  std::string out(s);
  auto scheme = out.find("://");
  size_t host_start = scheme == std::string::npos ? 0 : scheme + 3;
  auto slash = out.find('/', host_start);
  auto at = out.rfind('@', slash == std::string::npos ? out.size() : slash);
  if (at != std::string::npos && at >= host_start) out.erase(host_start, at + 1 - host_start);
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

}  // namespace ig::image
