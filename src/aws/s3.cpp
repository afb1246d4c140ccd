#include "aws/s3.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "aws/aws_error.h"  // xml_text
#include "aws/client.h"
#include "aws/sigv4.h"
#include "util/digest.h"

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
    return fail(ErrorCode::usage, "S3 location '{}' is not an s3:// URL: give s3://BUCKET or s3://BUCKET/PREFIX", url);
  }
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  S3Location at;
  at.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) at.prefix = trim_slashes(rest.substr(slash));
  if (!valid_bucket(at.bucket)) {
    return fail(ErrorCode::usage,
                "S3 location '{}': '{}' is not a bucket name (3 to 63 characters of a-z, 0-9, '.' and '-'); give "
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

// The same compact UTC form SigV4 dates use: no ':' in keys, sorts by time.
std::string scan_timestamp(std::chrono::system_clock::time_point t) { return amz_date(t); }

std::string image_label(std::string_view repository, std::string_view tag, std::string_view image_name,
                        std::string_view digest) {
  std::string repo;
  if (!repository.empty()) {
    auto slash = repository.find('/');
    repo = std::string(slash == std::string_view::npos ? repository : repository.substr(slash + 1));
  } else {
    // oci:/path/layout:tag and the like: the last path component, without
    // the scheme and the tag (it comes back below); a folder name is what
    // tells local images apart, the absolute path would only leak the
    // build machine's layout into the bucket.
    std::string_view n = image_name;
    if (auto colon = n.find(':'); colon != std::string_view::npos && n.substr(0, colon).find('/') == std::string_view::npos) {
      n = n.substr(colon + 1);
    }
    if (!tag.empty() && n.ends_with(":" + std::string(tag))) n.remove_suffix(tag.size() + 1);
    repo = trim_slashes(n);
    if (auto slash = repo.rfind('/'); slash != std::string::npos) repo = repo.substr(slash + 1);
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

namespace {

std::string hex_sha256(std::string_view body) {
  std::string d = sha256_digest(body);
  return d.substr(d.find(':') + 1);
}

// One signed S3 request; a non-2xx answer becomes the client's error for
// `operation`, with the object named.
Result<HttpResponse> s3_call(const Client& s3, HttpRequest req, std::string_view operation, std::string_view where) {
  // S3 wants the payload's hash in a header, signed with the rest.
  req.headers.emplace_back("x-amz-content-sha256", hex_sha256(req.body));
  IG_ASSIGN(HttpResponse r, s3.send(std::move(req)));
  if (r.status < 200 || r.status >= 300) return fail(s3.error_for(operation, r).with_context(std::string(where)));
  return r;
}

}  // namespace

Result<void> s3_put(const Client& s3, const std::string& bucket, const std::string& key, std::string_view body,
                    const S3PutOptions& o) {
  const std::string where = fmt::format("writing s3://{}/{}", bucket, key);
  const std::string path = s3_path(bucket, key);
  auto object_headers = sse_headers(o.kms_key);
  object_headers.emplace_back("Content-Type", o.content_type);
  if (body.size() <= o.multipart_threshold) {
    HttpRequest req;
    req.method = "PUT";
    req.path = path;
    req.headers = object_headers;
    req.body = std::string(body);
    IG_TRY(s3_call(s3, std::move(req), "PutObject", where));
    return {};
  }
  // Encryption and type are set when the upload is created; parts carry
  // only their bytes.
  HttpRequest create;
  create.method = "POST";
  create.path = path;
  create.query = {{"uploads", ""}};
  create.headers = object_headers;
  IG_ASSIGN(HttpResponse created, s3_call(s3, std::move(create), "CreateMultipartUpload", where));
  std::string upload_id = xml_text(created.body, "UploadId");
  if (upload_id.empty()) {
    return fail(ErrorCode::network, "{}: CreateMultipartUpload answered without an UploadId", where);
  }
  auto upload = [&]() -> Result<void> {
    std::vector<std::string> etags;
    for (const auto& part : plan_parts(body.size(), o.part_size)) {
      HttpRequest put;
      put.method = "PUT";
      put.path = path;
      put.query = {{"partNumber", std::to_string(part.number)}, {"uploadId", upload_id}};
      put.body = std::string(body.substr(part.offset, part.size));
      IG_ASSIGN(HttpResponse r, s3_call(s3, std::move(put), "UploadPart", where));
      std::string etag = r.header("etag");
      if (etag.empty()) return fail(ErrorCode::network, "{}: UploadPart {} answered without an ETag", where, part.number);
      etags.push_back(std::move(etag));
    }
    HttpRequest done;
    done.method = "POST";
    done.path = path;
    done.query = {{"uploadId", upload_id}};
    done.headers = {{"Content-Type", "application/xml"}};
    done.body = complete_multipart_body(etags);
    IG_ASSIGN(HttpResponse r, s3_call(s3, std::move(done), "CompleteMultipartUpload", where));
    // CompleteMultipartUpload can fail with 200 and an <Error> body.
    if (r.body.find("<Error>") != std::string::npos) {
      return fail(ErrorCode::network, "{}: CompleteMultipartUpload failed: {} {}", where, xml_text(r.body, "Code"),
                  xml_text(r.body, "Message"));
    }
    return {};
  };
  auto uploaded = upload();
  if (!uploaded) {
    // Parts of an unfinished upload are stored (and billed) until aborted.
    HttpRequest abort;
    abort.method = "DELETE";
    abort.path = path;
    abort.query = {{"uploadId", upload_id}};
    (void)s3_call(s3, std::move(abort), "AbortMultipartUpload", where);
  }
  return uploaded;
}

}  // namespace ig::aws
