#include "aws/s3.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "aws/sigv4.h"

namespace ig::aws {

namespace {

std::string trim_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-';
}

}  // namespace

Result<S3Location> parse_s3_url(std::string_view url) {
  constexpr std::string_view scheme = "s3://";
  if (!url.starts_with(scheme)) {
    return fail(ErrorCode::usage, "S3 output '{}' is not an s3:// URL: give s3://BUCKET or s3://BUCKET/PREFIX", url);
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  S3Location at;
  at.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) at.prefix = trim_slashes(rest.substr(slash));
  if (!valid_bucket(at.bucket)) {
    return fail(ErrorCode::usage,
                "S3 output '{}': '{}' is not a bucket name (3 to 63 characters of a-z, 0-9, '.' and '-'); give "
                "s3://BUCKET/PREFIX",
                url, at.bucket);
  }
  return at;
}

std::string scan_log_folder(const S3Location& at, std::string_view image_label, std::string_view timestamp) {
  std::string label = trim_slashes(image_label);
  if (at.prefix.empty()) return fmt::format("{}/{}", label, timestamp);
  return fmt::format("{}/{}/{}", at.prefix, label, timestamp);
}

std::string scan_timestamp(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string image_label(std::string_view repository, std::string_view tag, std::string_view image_name,
                        std::string_view digest) {
  std::string repo;
  if (!repository.empty()) {
    auto slash = repository.find('/');
    repo = std::string(slash == std::string_view::npos ? repository : repository.substr(slash + 1));
  } else {
    // oci:/path/layout:tag and the like: the name without its scheme, the
    // tag that follows it dropped (it comes back below).
    std::string_view n = image_name;
    if (auto colon = n.find(':'); colon != std::string_view::npos && n.substr(0, colon).find('/') == std::string_view::npos) {
      n = n.substr(colon + 1);
    }
    if (!tag.empty() && n.ends_with(":" + std::string(tag))) n.remove_suffix(tag.size() + 1);
    repo = trim_slashes(n);
    for (auto& c : repo) {
      if (c == ':' || c == '@') c = '_';
    }
    if (repo.empty()) repo = "image";
  }
  std::string suffix;
  if (!tag.empty()) {
    suffix = std::string(tag);
  } else {
    std::string_view hex = digest.starts_with("sha256:") ? digest.substr(7) : digest;
    suffix = "sha256-" + std::string(hex.substr(0, std::min<size_t>(12, hex.size())));
  }
  return repo + "_" + suffix;
}

std::vector<PartRange> plan_parts(size_t size, size_t part_size) {
  // Grow the parts in whole MiB until 10,000 of them hold the object.
  while ((size + part_size - 1) / part_size > k_s3_max_parts) part_size += 1024 * 1024;
  std::vector<PartRange> parts;
  for (size_t offset = 0; offset < size || parts.empty(); offset += part_size) {
    parts.push_back({static_cast<int>(parts.size() + 1), offset, std::min(part_size, size - offset)});
  }
  return parts;
}

std::vector<std::pair<std::string, std::string>> sse_headers(std::string_view kms_key) {
  if (kms_key.empty()) return {};
  return {{"x-amz-server-side-encryption", "aws:kms"},
          {"x-amz-server-side-encryption-aws-kms-key-id", std::string(kms_key)}};
}

std::string s3_path(std::string_view bucket, std::string_view key) {
  return "/" + std::string(bucket) + "/" + uri_encode(key, true);
}

std::string xml_text(std::string_view xml, std::string_view element) {
  std::string open = fmt::format("<{}>", element), close = fmt::format("</{}>", element);
  auto a = xml.find(open);
  if (a == std::string_view::npos) return "";
  a += open.size();
  auto b = xml.find(close, a);
  if (b == std::string_view::npos) return "";
  std::string text(xml.substr(a, b - a));
  // The few entities S3 uses in ETags and messages; &amp; last, so
  // "&amp;lt;" stays "&lt;".
  for (auto [from, to] : {std::pair{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}, {"&amp;", "&"}}) {
    for (size_t p = 0; (p = text.find(from, p)) != std::string::npos; p += std::string_view(to).size()) {
      text.replace(p, std::string_view(from).size(), to);
    }
  }
  return text;
}

std::string complete_multipart_body(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    std::string etag = etags[i];
    for (size_t p = 0; (p = etag.find('"', p)) != std::string::npos; p += 6) etag.replace(p, 1, "&quot;");
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etag);
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

}  // namespace ig::aws
