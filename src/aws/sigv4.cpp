// AWS Signature Version 4.
#include "aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>

#include "util/digest.h"

namespace ig::aws {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex_sha256(std::string_view data) {
  std::string d = sha256_digest(data);
  return d.substr(d.find(':') + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as canonical header values need.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

Result<Credentials> credentials_from_env() {
  Credentials c{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return fail(ErrorCode::usage,
                "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                "for temporary credentials)");
  }
  return c;
}

std::string region_from_env() {
  std::string r = env("AWS_REGION");
  return r.empty() ? env("AWS_DEFAULT_REGION") : r;
}

std::string endpoint_for(std::string_view service, std::string_view region) {
  std::string var = "AWS_ENDPOINT_URL_";
  for (char c : service) var += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string e = env(var.c_str());
  if (e.empty()) e = env("AWS_ENDPOINT_URL");
  if (e.empty()) return fmt::format("https://{}.{}.amazonaws.com", service, region);
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Signature sign_v4(const SignableRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view service, std::string_view amz_date_str) {
  Signature s;
  std::string date(amz_date_str.substr(0, 8));
  std::vector<std::pair<std::string, std::string>> headers{{"host", canonical_value(req.host)},
                                                           {"x-amz-date", std::string(amz_date_str)}};
  if (!creds.session_token.empty()) headers.emplace_back("x-amz-security-token", creds.session_token);
  for (const auto& [k, v] : req.headers) headers.emplace_back(lower(k), canonical_value(v));
  std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers, signed_headers;
  for (size_t i = 0; i < headers.size(); ++i) {
    // Repeated names are joined with commas on one line.
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      canonical_headers.back() = ',';
      canonical_headers += headers[i].second + "\n";
      continue;
    }
    canonical_headers += headers[i].first + ":" + headers[i].second + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += headers[i].first;
  }
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : req.query) query.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [k, v] : query) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += k + "=" + v;
  }
  s.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", req.method, req.path.empty() ? "/" : req.path,
                                    canonical_query, canonical_headers, signed_headers, hex_sha256(req.body));
  std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  s.string_to_sign =
      fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date_str, scope, hex_sha256(s.canonical_request));
  std::string key = hmac_sha256("AWS4" + creds.secret_access_key, date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  std::string raw = hmac_sha256(key, s.string_to_sign);
  s.signature = to_hex({reinterpret_cast<const unsigned char*>(raw.data()), raw.size()});
  s.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                                creds.access_key_id, scope, signed_headers, s.signature);
  s.headers_to_add.emplace_back("X-Amz-Date", std::string(amz_date_str));
  if (!creds.session_token.empty()) s.headers_to_add.emplace_back("X-Amz-Security-Token", creds.session_token);
  s.headers_to_add.emplace_back("Authorization", s.authorization);
  return s;
}

}  // namespace ig::aws
