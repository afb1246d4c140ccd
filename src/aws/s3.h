// Amazon S3 as a place for scan logs: where the objects of one check go
// (<prefix>/<image>/<timestamp>/<file>), and single or multipart uploads
// with SSE-KMS, over the S3 REST API (path-style requests, so custom
// endpoints such as moto or MinIO work; payload signed with
// x-amz-content-sha256).
#pragma once

#include <cstddef>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ig::aws {

class Client;

struct S3Location {
  std::string bucket;
  std::string prefix;  // without leading or trailing '/', may be ""
};

// Parses "s3://bucket[/prefix]". usage error naming the form otherwise
// (bucket names: 3–63 characters of a-z, 0-9, '.', '-').
Result<S3Location> parse_s3_url(std::string_view url);

// The folder of one check: "<prefix>/<image_label>/<timestamp>" (no prefix:
// no leading '/'). The timestamp is UTC "YYYYMMDDTHHMMSSZ" (scan_timestamp),
// so a listing sorts by time.
std::string scan_log_folder(const S3Location& at, std::string_view image_label, std::string_view timestamp);

// "20261204T163000Z" for `t` (UTC, seconds).
std::string scan_timestamp(std::chrono::system_clock::time_point t);

// "<repository>_<tag>" as in ecr-scan-verifier's scan logs: the repository
// path without the registry host ("team/app" of
// "123.dkr.ecr.us-east-1.amazonaws.com/team/app"), the tag, or for an image
// named by digest "sha256-<first 12 hex>". Inputs that are not from a
// registry use the last component of their path ("image_latest" for
// oci:/build/example/image:latest).
std::string image_label(std::string_view repository, std::string_view tag, std::string_view image_name,
                        std::string_view digest);

// Multipart upload is used above this size, with parts of this size (S3's
// minimum part is 5 MiB, except the last; at most 10,000 parts).
inline constexpr size_t k_s3_part_size = 8 * 1024 * 1024;
inline constexpr size_t k_s3_min_part_size = 5 * 1024 * 1024;
inline constexpr size_t k_s3_max_parts = 10'000;

struct PartRange {
  int number = 0;  // 1-based, as UploadPart takes it
  size_t offset = 0;
  size_t size = 0;
};

// The parts for an object of `size` bytes: `part_size` each but the last,
// grown when `size` would need more than 10,000 parts. REQUIRES: part_size
// >= k_s3_min_part_size.
std::vector<PartRange> plan_parts(size_t size, size_t part_size = k_s3_part_size);

struct S3PutOptions {
  std::string content_type = "application/octet-stream";
  std::string kms_key;  // "" : no SSE-KMS headers (the bucket's default applies)
  size_t multipart_threshold = k_s3_part_size;  // bodies larger than this go multipart
  size_t part_size = k_s3_part_size;
};

// The encryption headers for `kms_key`: x-amz-server-side-encryption:
// aws:kms and x-amz-server-side-encryption-aws-kms-key-id; none when empty.
std::vector<std::pair<std::string, std::string>> sse_headers(std::string_view kms_key);

// "/bucket/key" with each key segment URI-encoded ('/' kept).
std::string s3_path(std::string_view bucket, std::string_view key);

// The CompleteMultipartUpload body for the parts' ETags, in part order.
std::string complete_multipart_body(const std::vector<std::string>& etags);

// Uploads `body` to s3://bucket/key: one PutObject, or a multipart upload
// above the threshold (aborted when a part or the completion fails).
// Errors name the bucket and key, the S3 error code and the fix (for
// AccessDenied, the s3:PutObject or kms:GenerateDataKey permission).
Result<void> s3_put(const Client& s3, const std::string& bucket, const std::string& key, std::string_view body,
                    const S3PutOptions& options);

}  // namespace ig::aws
